// Laws of the money primitives: half-even rounding in one place, exact division, largest-remainder allocation.
import { fc, test } from "@fast-check/vitest"
import * as BigDecimal from "effect/BigDecimal"
import { describe, expect, it } from "vitest"
import {
  roundHalfEven,
  allocate,
  allocateUnits,
  cents,
  divideRounded,
  formatMoney,
  formatUsd,
  money,
  parseMoney,
  percent,
  MONEY_ROUNDING,
  roundMoney,
  toCents
} from "./money.ts"

const fmt = (d: BigDecimal.BigDecimal) => BigDecimal.format(d)

describe("roundMoney", () => {
  it("rounds half to even at the cent", () => {
    expect(formatMoney(money("0.125"))).toBe("0.12")
    expect(formatMoney(money("0.135"))).toBe("0.14")
    expect(formatMoney(money("-0.125"))).toBe("-0.12")
    expect(formatMoney(money("0.1251"))).toBe("0.13")
  })
  it("formats as fixed two decimals and as USD", () => {
    expect(formatMoney(money("49"))).toBe("49.00")
    expect(formatUsd(money("-7880"))).toBe("-$7,880.00")
    expect(formatUsd(money("408000"))).toBe("$408,000.00")
  })
  it("parses only plain decimals", () => {
    expect(formatMoney(parseMoney(" 12.5 ")!)).toBe("12.50")
    expect(formatMoney(parseMoney(0.1)!)).toBe("0.10")
    expect(parseMoney("1e3")).toBeUndefined()
    expect(parseMoney("12,50")).toBeUndefined()
  })
})

describe("divideRounded", () => {
  it("rounds once, from the exact quotient", () => {
    expect(fmt(divideRounded(money("2"), money("3"), 2, "half-even"))).toBe("0.67")
    expect(fmt(divideRounded(money("-2"), money("3"), 2, "floor"))).toBe("-0.67")
    expect(fmt(divideRounded(money("1"), money("8"), 2, "half-even"))).toBe("0.12")
    expect(fmt(divideRounded(money("12500"), money("38.50"), 0, "ceil"))).toBe("325")
  })
  test.prop([fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.bigInt({ min: 1n, max: 10n ** 9n }), fc.integer({ min: 0, max: 6 })])(
    "floor ≤ exact ≤ ceil, one unit apart at most",
    (a, b, scale) => {
      const A = BigDecimal.fromBigInt(a)
      const B = BigDecimal.fromBigInt(b)
      const lo = divideRounded(A, B, scale, "floor")
      const hi = divideRounded(A, B, scale, "ceil")
      const he = divideRounded(A, B, scale, "half-even")
      // lo·b ≤ a ≤ hi·b, exactly
      expect(BigDecimal.isLessThanOrEqualTo(BigDecimal.multiply(lo, B), A)).toBe(true)
      expect(BigDecimal.isGreaterThanOrEqualTo(BigDecimal.multiply(hi, B), A)).toBe(true)
      expect(hi.value - lo.value <= 1n).toBe(true)
      expect(he.value === lo.value || he.value === hi.value).toBe(true)
    }
  )
})

describe("percent", () => {
  it("is undefined for a zero denominator and rounds half-even at one decimal", () => {
    expect(percent(money("1"), money("0"))).toBeUndefined()
    expect(fmt(percent(money("38.50"), money("49"))!)).toBe("78.6")
    expect(fmt(percent(money("8999"), money("10000"), "floor")!)).toBe("89.9")
  })
})

const amountCents = fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n })
const weights = fc.array(fc.bigInt({ min: 0n, max: 10n ** 9n }), { minLength: 1, maxLength: 12 })

describe("allocate (largest remainder)", () => {
  test.prop([amountCents, weights])("parts sum exactly to the whole: no cent lost or invented", (c, ws) => {
    const parts = allocate(cents(c), ws)
    expect(parts).toHaveLength(ws.length)
    expect(parts.reduce((a, p) => a + toCents(p), 0n)).toBe(c)
  })
  test.prop([amountCents, weights])("each share is within one cent of its exact proportion", (c, ws) => {
    const parts = allocateUnits(c, ws)
    const sumW = ws.reduce((a, b) => a + b, 0n)
    const eff = sumW === 0n ? ws.map(() => 1n) : ws
    const total = sumW === 0n ? BigInt(ws.length) : sumW
    parts.forEach((p, i) => {
      // |p − c·w/W| < 1  ⇔  |p·W − c·w| < W
      const diff = p * total - c * eff[i]!
      expect(diff < 0n ? -diff : diff).toBeLessThan(total)
    })
  })
  test.prop([fc.bigInt({ min: 0n, max: 10n ** 12n }), weights])("a zero weight gets nothing (unless all are zero)", (c, ws) => {
    const parts = allocateUnits(c, ws)
    if (ws.some((w) => w > 0n)) ws.forEach((w, i) => w === 0n && expect(parts[i]).toBe(0n))
  })
  it("splits the plan's Pro price by its cost lines exactly", () => {
    expect(allocate(money("10.00"), [1n, 1n, 1n]).map(formatMoney)).toEqual(["3.34", "3.33", "3.33"])
  })
  it("refuses sub-cent totals and negative weights", () => {
    expect(() => allocate(money("0.005"), [1n])).toThrow(/cent grid/)
    expect(() => allocateUnits(10n, [1n, -1n])).toThrow(/non-negative/)
  })
})

describe("roundMoney", () => {
  test.prop([fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.integer({ min: 0, max: 9 })])(
    "is within half a cent of the exact amount and idempotent",
    (v, scale) => {
      const d = BigDecimal.make(v, scale)
      const r = roundMoney(d)
      const err = BigDecimal.abs(BigDecimal.subtract(r, d))
      expect(BigDecimal.isLessThanOrEqualTo(err, money("0.005"))).toBe(true)
      expect(BigDecimal.equals(roundMoney(r), r)).toBe(true)
    }
  )
  test.prop([fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: -3, max: 12 })])(
    "agrees with Effect's BigDecimal.round half-even (the fast path is only an optimisation)",
    (v, scale) => {
      const d = BigDecimal.make(v, scale)
      expect(BigDecimal.equals(roundMoney(d), BigDecimal.round(d, MONEY_ROUNDING))).toBe(true)
    }
  )
})

describe("roundHalfEven (floats, for statistics)", () => {
  it("rounds ties to the even neighbour and everything else to the nearest", () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999, 2.5001].map(roundHalfEven)).toEqual([0, 2, 2, 0, -2, 2, 3])
  })
})
