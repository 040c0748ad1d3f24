// Break-even and goal seek: the answer is the LEAST N that meets the goal, checked against brute force, including mixes
// whose largest-remainder split is not monotone.
import { fc, test } from "@fast-check/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Result from "effect/Result"
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import YAML from "yaml"
import {
  breakEven,
  breakEvenRun,
  type CostBasis,
  fixedCostsOf,
  type Goal,
  meetsGoal,
  type Mix,
  percentAgainstTarget,
  profitAt,
  shownAgainstTarget,
  splitUsers,
  sustainedBreakEvenIndex,
  unitEconomics,
  unitEconomicsVerdict
} from "./breakeven.ts"
import { cents, formatMoney, formatPercent, money, ZERO } from "./money.ts"
import { supportPerUser } from "./support.ts"
import { decodeSheet, TIER_IDS } from "./sheet.ts"

const sheet = Result.getOrThrow(decodeSheet(YAML.parse(readFileSync(new URL("./price-sheet.yaml", import.meta.url), "utf8"))))
const reached = (r: ReturnType<typeof breakEven>) => {
  if (r._tag !== "Reached") throw new Error(`unreachable: ${r.reason}`)
  return r
}

describe("break-even on the plan's numbers", () => {
  it("Pro: 325 users without support (12,500 / 38.50 = 324.7), 374 with 5.00 support", () => {
    const r = reached(breakEven(sheet, { pro: 1n }))
    expect(r.users).toBe(325n)
    expect(formatMoney(r.contributionPerUser)).toBe("38.50")
    expect(formatMoney(r.at.net)).toBe("12.50")
    expect(formatMoney(r.before!.net)).toBe("-26.00")
    expect(reached(breakEven(sheet, { pro: 1n }, { withSupport: true })).users).toBe(374n)
    expect(reached(breakEven(sheet, { pro: 1n }, { withBandwidth: true })).users).toBe(348n)
    expect(reached(breakEven(sheet, { pro: 1n }, { withSupport: true, withBandwidth: true })).users).toBe(404n)
  })
  it("the plan's 120 Pro users lose 7,880.00 a month", () => {
    expect(formatMoney(profitAt(sheet, { pro: 1n }, 120n))).toBe("-7880.00")
  })
  it("fixed costs default to the sheet's 12,500.00 and can be overridden", () => {
    expect(formatMoney(fixedCostsOf(sheet))).toBe("12500.00")
    expect(reached(breakEven(sheet, { pro: 1n }, { fixed: money("385") })).users).toBe(10n)
    expect(reached(breakEven(sheet, { pro: 1n }, { fixed: money("0") })).users).toBe(0n)
  })
  it("goal seek: a target profit and a target margin", () => {
    const p = reached(breakEven(sheet, { pro: 1n }, { withSupport: true }, { _tag: "Profit", profit: money("10000") }))
    expect(p.users).toBe(672n)
    const m = reached(breakEven(sheet, { pro: 1n }, {}, { _tag: "Margin", pct: money("70") }))
    expect(m.users).toBe(2977n)
    // 70.0 on display one user earlier, yet below 70 exactly: the comparison is exact
    expect(formatPercent(m.before!.netMarginPct!)).toBe("70.0")
    expect(meetsGoal(m.before!, { _tag: "Margin", pct: money("70") })).toBe(false)
  })
  it("says why a goal is unreachable", () => {
    const free = breakEven(sheet, { free: 1n })
    expect(free._tag).toBe("Unreachable")
    expect(free._tag === "Unreachable" && free.reason).toMatch(/contributes -0\.50/)
    const margin = breakEven(sheet, { pro: 1n }, {}, { _tag: "Margin", pct: money("90") })
    expect(margin._tag === "Unreachable" && margin.reason).toMatch(/contribution margin of 78\.6%/)
    const noRevenue = breakEven(sheet, { free: 1n }, { fixed: money("0") }, { _tag: "Margin", pct: money("0") })
    expect(noRevenue._tag === "Unreachable" && noRevenue.reason).toMatch(/no revenue/)
  })
  it("splits users by largest remainder, ties to the tier listed first", () => {
    expect(splitUsers(sheet, { starter: 2n, pro: 5n, business: 1n }, 300n)).toEqual([
      { tier: "starter", users: 75n },
      { tier: "pro", users: 188n },
      { tier: "business", users: 37n }
    ])
  })
  it("rejects an empty or unknown mix, naming the field", () => {
    expect(() => breakEven(sheet, {})).toThrow(/mix: no tier has a positive weight/)
    expect(() => breakEven(sheet, { gold: 1n } as unknown as Mix)).toThrow(/unknown tier "gold"/)
    expect(() => breakEven(sheet, { pro: -1n })).toThrow(/negative/)
  })
})

const mix: fc.Arbitrary<Mix> = fc
  .array(fc.bigInt({ min: 0n, max: 12n }), { minLength: TIER_IDS.length, maxLength: TIER_IDS.length })
  .filter((ws) => ws.some((w) => w > 0n))
  .map((ws) => Object.fromEntries(TIER_IDS.map((id, i) => [id, ws[i]!])) as Mix)
const basis: fc.Arbitrary<CostBasis> = fc.record({
  fixed: fc.bigInt({ min: 0n, max: 2_000_000n }).map(cents),
  withSupport: fc.boolean(),
  withBandwidth: fc.boolean()
})
const goal: fc.Arbitrary<Goal> = fc.oneof(
  fc.constant<Goal>({ _tag: "BreakEven" }),
  fc.bigInt({ min: -500_000n, max: 2_000_000n }).map((c): Goal => ({ _tag: "Profit", profit: cents(c) })),
  fc.integer({ min: 0, max: 900 }).map((p): Goal => ({ _tag: "Margin", pct: BigDecimal.make(BigInt(p), 1) }))
)

describe("break-even laws", () => {
  test.prop([mix, basis, goal], { numRuns: 60 })(
    "N is the least number of users meeting the goal: goal(N) holds and goal(M) fails for EVERY M < N (brute force)",
    (m, b, g) => {
      const r = breakEven(sheet, m, b, g)
      if (r._tag === "Reached") {
        expect(meetsGoal(r.at, g)).toBe(true)
        if (r.users > 0n) expect(meetsGoal(r.before!, g)).toBe(false)
        // every smaller N fails too (the split is not monotone, so one step back is not proof)
        const limit = r.users < 3000n ? r.users : 3000n
        for (let n = 0n; n < limit; n++) expect(meetsGoal(unitEconomics(sheet, m, n, b), g)).toBe(false)
      } else {
        for (let n = 0n; n < 3000n; n += 7n) expect(meetsGoal(unitEconomics(sheet, m, n, b), g)).toBe(false)
      }
    }
  )
  test.prop([mix, basis, fc.bigInt({ min: 0n, max: 100_000n })])(
    "unit economics add up: contribution = revenue − variable − support, net = contribution − fixed, the split sums to N",
    (m, b, n) => {
      const e = unitEconomics(sheet, m, n, b)
      expect(e.split.reduce((a, s) => a + s.users, 0n)).toBe(n)
      expect(BigDecimal.equals(e.contribution, BigDecimal.subtract(BigDecimal.subtract(e.revenue, e.variableCost), e.support))).toBe(true)
      expect(BigDecimal.equals(e.net, BigDecimal.subtract(e.contribution, e.fixed))).toBe(true)
      expect(BigDecimal.equals(e.net, profitAt(sheet, m, n, b))).toBe(true)
    }
  )
  it("profit can FALL when a user joins (Alabama paradox of largest remainder), so the search cannot bisect", () => {
    // starter:pro:business = 3:3:1. At 3 users the split is 1/1/1; at 4 it is 2/2/0: Business loses its user.
    const m: Mix = { starter: 3n, pro: 3n, business: 1n }
    expect(splitUsers(sheet, m, 3n).map((s) => s.users)).toEqual([1n, 1n, 1n])
    expect(splitUsers(sheet, m, 4n).map((s) => s.users)).toEqual([2n, 2n, 0n])
    const fixed = money("150")
    expect(formatMoney(profitAt(sheet, m, 3n, { fixed }))).toBe("14.89")
    expect(formatMoney(profitAt(sheet, m, 4n, { fixed }))).toBe("-40.20")
    expect(reached(breakEven(sheet, m, { fixed })).users).toBe(3n)
  })
})

describe("one rule per question", () => {
  it("support is a cost of paying users only: 10 Free + 1 Pro book $5.00 of support, as the scenario engine does", () => {
    const ue = unitEconomics(sheet, { free: 10n, pro: 1n }, 11n, { withSupport: true })
    expect(formatMoney(ue.support)).toBe("5.00")
    expect(supportPerUser(sheet, "free")).toEqual(ZERO)
    expect(formatMoney(supportPerUser(sheet, "free", money("1")))).toBe("1.00")
  })

  it("positive unit economics at 100 Pro users: $33.50 each before fixed costs, though net is −$9,150 after them", () => {
    const at = unitEconomics(sheet, { pro: 1n }, 100n, { withSupport: true })
    const v = unitEconomicsVerdict(at.contribution, 100n)
    expect([v.positive, formatMoney(v.perPayingUser!), formatMoney(at.net)]).toEqual([true, "33.50", "-9150.00"])
    expect(unitEconomicsVerdict(money("0"), 100n).positive).toBe(false)
    expect(unitEconomicsVerdict(money("5"), 0n)).toEqual({ payingUsers: 0n, perPayingUser: undefined, positive: false })
    // decided on the exact total: 0.004 over 100 users rounds to $0.00 each and is still positive
    expect(unitEconomicsVerdict(money("0.004"), 100n)).toMatchObject({ positive: true, perPayingUser: money("0.00") })
  })
})

describe("sustained break-even", () => {
  it("mixed-growth's shape: first in month 5, a loss again in 7–8, sustained from 9", () => {
    const loss = [true, true, true, true, false, false, true, true, false, false, false]
    expect(breakEvenRun(loss)).toEqual({ first: 4, sustained: 8, relapses: [{ from: 6, to: 7 }] })
    expect(breakEvenRun([true, true])).toEqual({ first: -1, sustained: -1, relapses: [] })
    expect(breakEvenRun([false, true])).toEqual({ first: 0, sustained: -1, relapses: [{ from: 1, to: 1 }] })
    expect(breakEvenRun([])).toEqual({ first: -1, sustained: -1, relapses: [] })
  })

  test.prop([fc.array(fc.boolean(), { maxLength: 60 })])("laws: sustained ≥ first, no loss from sustained on, relapses are exactly the losses in between", (loss) => {
    const r = breakEvenRun(loss)
    expect(r.first).toBe(loss.indexOf(false))
    if (r.sustained >= 0) {
      expect(r.sustained).toBeGreaterThanOrEqual(r.first)
      expect(loss.slice(r.sustained).every((l) => !l)).toBe(true)
      expect(r.sustained === 0 || loss[r.sustained - 1]).toBe(true)
    } else {
      expect(loss.length === 0 || loss.at(-1)).toBe(true)
    }
    const inRelapse = new Set(r.relapses.flatMap(({ from, to }) => Array.from({ length: to - from + 1 }, (_, k) => from + k)))
    const end = r.sustained < 0 ? loss.length : r.sustained
    loss.forEach((l, i) => expect(inRelapse.has(i)).toBe(r.first >= 0 && i > r.first && i < end && l))
    expect(sustainedBreakEvenIndex(loss.length, (i) => loss[i]!)).toBe(r.sustained)
  })
})

describe("a figure compared with a target", () => {
  test.prop([fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }), fc.bigInt({ min: 1n, max: 10n ** 7n }), fc.integer({ min: -1000, max: 1000 })])(
    "is never shown as the target unless it is the target exactly",
    (num, den, t) => {
      const target = BigDecimal.make(BigInt(t), 1)
      const text = shownAgainstTarget(BigDecimal.fromBigInt(num), BigDecimal.fromBigInt(den), target, 1)
      const exactlyTarget = BigDecimal.equals(BigDecimal.fromBigInt(num), BigDecimal.multiply(target, BigDecimal.fromBigInt(den)))
      if (!exactlyTarget && text.split(".")[1]!.length < 6) expect(BigDecimal.equals(BigDecimal.fromStringUnsafe(text), target)).toBe(false)
    }
  )
  it("29.96% against 30 reads 29.96, 30.04 reads 30.04, 30.06 reads 30.1, exactly 30 reads 30.0", () => {
    expect(percentAgainstTarget(money("11246.00"), money("37534.00"), BigDecimal.fromBigInt(30n))).toBe("29.96")
    expect(percentAgainstTarget(money("30.04"), money("100"), BigDecimal.fromBigInt(30n))).toBe("30.04")
    expect(percentAgainstTarget(money("30.06"), money("100"), BigDecimal.fromBigInt(30n))).toBe("30.1")
    expect(percentAgainstTarget(money("30"), money("100"), BigDecimal.fromBigInt(30n))).toBe("30.0")
    expect(percentAgainstTarget(money("1"), money("0"), BigDecimal.fromBigInt(30n))).toBeUndefined()
  })
})
