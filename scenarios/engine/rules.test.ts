// Smaller rules of the engine: ramps, clamped flows, exact check verdicts at the boundary, tornado order, goal seek.
import * as BigDecimal from "effect/BigDecimal"
import { describe, expect, it } from "vitest"
import { resolveInput } from "../scenario/inputs.ts"
import { evaluateChecks } from "./checks.ts"
import { goalSeek, parseGoal } from "./goalSeek.ts"
import { prepare } from "./prepare.ts"
import { project } from "./project.ts"
import { tornado } from "./sensitivity.ts"
import { fractionAt, seriesMicro } from "./series.ts"
import { scenarioOf } from "./testScenario.ts"

const d = (s: string) => BigDecimal.fromStringUnsafe(s)
const text = (x: BigDecimal.BigDecimal) => BigDecimal.format(BigDecimal.normalize(x))

describe("series", () => {
  it("a ramp runs from `from` in month 1 to `to` from month months + 1, at 6 decimals", () => {
    const ramp = { from: d("0.1"), to: d("0.2"), months: 3 }
    expect([0, 1, 2, 3, 4].map((i) => text(fractionAt(ramp, i)))).toEqual(["0.1", "0.133333", "0.166667", "0.2", "0.2"])
    expect(seriesMicro({ from: d("10"), to: d("40"), months: 3 }, 5)).toEqual([10_000_000n, 20_000_000n, 30_000_000n, 40_000_000n, 40_000_000n])
  })
})

describe("flows", () => {
  it("never take more users from a tier than it has, even when its rates sum past 1", () => {
    const p = project(prepare(scenarioOf({
      horizon_months: 12,
      users: { start: { pro: 7, starter: 3 }, churn: { pro: 0.7, starter: 0.6 }, upgrade: { pro: 0.6, starter: 0.9 }, downgrade: { pro: 0.5, starter: 0.3 } }
    }).state))
    for (const m of p.months) for (const n of m.users) expect(n).toBeGreaterThanOrEqual(0)
  })
})

describe("checks", () => {
  // 1,000 Pro users, 2% churn: 20 leave of 1,000 — exactly 2%
  const p = project(prepare(scenarioOf({ horizon_months: 2, users: { start: { pro: 1000 }, churn: { pro: 0.02 } } }).state))
  const check = (bounds: Record<string, BigDecimal.BigDecimal>) =>
    evaluateChecks(p, [{ name: "churn", metric: "paying_churn_pct", month: "2026-01", ...bounds }])[0]!

  it("decide on the exact figure: 2.00% is not below 2, but is at most 2", () => {
    expect(check({ below: d("2") })).toMatchObject({ pass: false, value: "2.00% in 2026-01" })
    expect(check({ max: d("2") }).pass).toBe(true)
    expect(check({ above: d("1.99") }).pass).toBe(true)
  })

  it("unit contribution is read in the first month with enough paying users ($49 − $18.003 a user)", () => {
    const [c] = evaluateChecks(p, [{ name: "unit", metric: "unit_contribution", at_paying_users: 100, above: d("0") }])
    expect(c).toMatchObject({ pass: true, value: "$31.00 per paying user in 2026-01 (980 paying)" })
  })
})

describe("sensitivity and goal seek", () => {
  const loaded = scenarioOf({ users: { start: { pro: 1000, starter: 200 } }, support_per_user: 5 })

  it("orders tornado bars by swing, largest first", () => {
    const t = tornado(loaded, { output: "net_profit", monthIndex: 11, pct: d("10") })
    const swing = (b: (typeof t.bars)[number]) => Math.abs(Number(b.high) - Number(b.low))
    for (let i = 1; i < t.bars.length; i++) expect(swing(t.bars[i - 1]!)).toBeGreaterThanOrEqual(swing(t.bars[i]!))
    expect(t.bars[0]!.input).toBe("sheet.tiers.pro.price")
  })

  it("finds the least starting Pro users for a positive net profit, with the one before failing", () => {
    const input = resolveInput(loaded, "users.start.pro")!
    const goal = parseGoal("net_profit>=0")
    if (typeof goal === "string") throw new Error(goal)
    const r = goalSeek(loaded, { input, goal, monthIndex: 0, min: d("0"), max: d("2000") })
    expect(r._tag).toBe("Found")
    if (r._tag !== "Found") return
    expect(Number(r.at.value) - Number(r.before.value)).toBe(1)
    expect(Number(r.at.figure)).toBeGreaterThanOrEqual(0)
    expect(Number(r.before.figure)).toBeLessThan(0)
    expect(parseGoal("margin>=70")).toMatch(/unknown output/)
  })
})

describe("range", () => {
  it("refuses populations beyond the exact integer range with a message naming the month", () => {
    const loaded = scenarioOf({ horizon_months: 120, users: { start: {}, signups: { per_month: { start: 100, growth: 0.5 }, mix: { pro: 1 } } } })
    expect(() => project(prepare(loaded.state))).toThrow(/2029-05: .* signed-up users is beyond the engine's exact range/)
  })
})
