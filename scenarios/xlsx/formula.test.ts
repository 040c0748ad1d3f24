// Laws of the formula builders' own values (the numbers cached in the workbook): integer division floors exactly,
// half-even division and booking agree with the model's one rounding (roundMoney). That LibreOffice computes the same
// from the formula text is the LibreOffice test's job (cli/xlsx.test.ts).
import { fc, test } from "@fast-check/vitest"
import * as BigDecimal from "effect/BigDecimal"
import { describe, expect } from "vitest"
import { divideRounded, roundMoney } from "../../model/index.ts"
import { bookHalfEven, floorDiv, halfEvenDiv, num, ref } from "./formula.ts"

const LIMIT = 2 ** 53 - 1
const exactFloor = (n: bigint, d: bigint): bigint => (n >= 0n ? n / d : -((-n + d - 1n) / d))

describe("formula values", () => {
  // its domain is |n| + d ≤ 2^53 (the remainder n − q·d must be exact): n = −(2^53 − 7), d = 11 once failed outside it
  const inDomain = fc.integer({ min: 1, max: 10_000_000 }).chain((d) =>
    fc.tuple(fc.integer({ min: -(LIMIT + 1 - d), max: LIMIT + 1 - d }), fc.constant(d))
  )
  test.prop([inDomain])(
    "floorDiv is ⌊n / d⌋ exactly, even where n / d rounds to the next integer in floating point",
    ([n, d]) => {
      expect(BigInt(floorDiv(ref("A1", n), num(d)).v)).toBe(exactFloor(BigInt(n), BigInt(d)))
    }
  )

  test("floorDiv at the edge of its domain, on both sides of zero", () => {
    for (const d of [1, 2, 3, 7, 11, 10_000_000]) {
      for (const n of [LIMIT + 1 - d, -(LIMIT + 1 - d), LIMIT - d, -(LIMIT - d), d - 1, -(d - 1), 0]) {
        expect(BigInt(floorDiv(ref("A1", n), num(d)).v)).toBe(exactFloor(BigInt(n), BigInt(d)))
      }
    }
  })

  test.prop([fc.integer({ min: -(2 ** 45), max: 2 ** 45 }), fc.integer({ min: 1, max: 1_000_000 })])(
    "halfEvenDiv rounds n / d to the nearest integer, a half to the even one, as the model's exact division does",
    (n, d) => {
      const exact = divideRounded(BigDecimal.fromBigInt(BigInt(n)), BigDecimal.fromBigInt(BigInt(d)), 0, "half-even")
      expect(halfEvenDiv(ref("A1", n), num(d)).v).toBe(Number(BigDecimal.scale(exact, 0).value))
    }
  )

  test.prop([fc.integer({ min: 0, max: 1000 })])("a half goes to the even neighbour: 2k + 1 halves", (k) => {
    expect(halfEvenDiv(ref("A1", 2 * k + 1), num(2)).v).toBe(k % 2 === 0 ? k : k + 1)
  })

  test.prop([fc.bigInt({ min: 0n, max: 10n ** 14n }), fc.integer({ min: 0, max: 6 })])(
    "bookHalfEven books an amount with up to 6 sub-cent decimals to the cent exactly as roundMoney",
    (units, extra) => {
      // `units` at 2 + extra decimals of a dollar, i.e. cents with `extra` decimals, below $10^8 for extra ≤ 6
      const amount = BigDecimal.make(units, 2 + extra)
      const cents = Number(units) / 10 ** extra
      fc.pre(Math.abs(cents) < 1e10)
      expect(bookHalfEven(ref("A1", cents)).v).toBe(Number(BigDecimal.scale(roundMoney(amount), 2).value))
    }
  )
})
