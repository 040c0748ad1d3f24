// The output catalogue and the outputs computed from it: who uses which output, and laws tying the figures together.
import * as BigDecimal from "effect/BigDecimal"
import { describe, expect, it } from "vitest"
import { divideRounded } from "../../model/index.ts"
import { CHECK_METRICS, MONTE_CARLO_FIGURES, OUTPUT_CATALOGUE, type OutputName, SEEK_OUTPUTS } from "./outputCatalogue.ts"
import { monthOutput, outputRatio, outputValue } from "./outputs.ts"
import { prepare } from "./prepare.ts"
import { project } from "./project.ts"
import { scenarioOf } from "./testScenario.ts"

const p = project(prepare(scenarioOf({
  horizon_months: 6,
  users: { start: { free: 400, starter: 120, pro: 60 }, conversion: { starter: 0.02 }, churn: { starter: 0.03, pro: 0.01 } },
  support_per_user: 5
}).state))
const exact = (m: (typeof p.months)[number], name: OutputName) => {
  const r = monthOutput(m, name)
  if (typeof r === "string") throw new Error(r)
  return divideRounded(r.num, r.den, 6, "half-even")
}

describe("output catalogue", () => {
  it("the Monte Carlo figures keep the order worker results are laid out in", () => {
    expect(MONTE_CARLO_FIGURES).toEqual([
      "users", "paying_users", "revenue", "variable_costs", "gross_profit", "gross_margin_pct", "net_profit", "cumulative_net_profit",
      "jettythunder_pool"
    ])
  })
  it("every Monte Carlo figure can also be aimed at by sensitivity; checks cover churn and unit contribution", () => {
    for (const f of MONTE_CARLO_FIGURES) expect(SEEK_OUTPUTS).toContain(f)
    expect(CHECK_METRICS).toEqual(expect.arrayContaining(["paying_churn_pct", "unit_contribution", "net_margin_pct"]))
  })
  it("a percentage is named *_pct and nothing else is", () => {
    for (const [name, info] of Object.entries(OUTPUT_CATALOGUE)) expect(info.unit === "pct").toBe(name.endsWith("_pct"))
  })
})

describe("outputs of a month", () => {
  it("net profit = revenue − total costs, total costs = variable + fixed, gross profit = revenue − variable", () => {
    for (const m of p.months) {
      const v = (n: OutputName) => exact(m, n)
      expect(BigDecimal.equals(v("net_profit"), BigDecimal.subtract(v("revenue"), v("total_costs")))).toBe(true)
      expect(BigDecimal.equals(v("total_costs"), BigDecimal.sum(v("variable_costs"), v("fixed")))).toBe(true)
      expect(BigDecimal.equals(v("gross_profit"), BigDecimal.subtract(v("revenue"), v("variable_costs")))).toBe(true)
    }
  })
  it("users = paying users + Free users; the shown margin is the exact ratio rounded to one decimal", () => {
    for (const m of p.months) {
      expect(Number(BigDecimal.format(outputValue(m, "users")))).toBe(Number(BigDecimal.format(outputValue(m, "paying_users"))) + m.users[0]!)
      for (const pct of ["gross_margin_pct", "net_margin_pct"] as const) {
        const r = outputRatio(m, pct)!
        expect(BigDecimal.equals(outputValue(m, pct), divideRounded(r.num, r.den, 1, "half-even"))).toBe(true)
      }
    }
  })
  it("a margin without revenue has no ratio and shows 0; churn without paying users says why", () => {
    const empty = project(prepare(scenarioOf({ horizon_months: 1, users: { start: { free: 10 } } }).state)).months[0]!
    expect(outputRatio(empty, "gross_margin_pct")).toBeUndefined()
    expect(BigDecimal.format(outputValue(empty, "net_margin_pct"))).toBe("0")
    expect(monthOutput(empty, "paying_churn_pct", [10, 0, 0, 0, 0])).toBe("no paying users at the start of that month")
  })
})
