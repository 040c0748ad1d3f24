// pnl.csv reads as a P&L and adds up (an independent re-addition of its own cells), montecarlo.csv carries every band.
import * as BigDecimal from "effect/BigDecimal"
import * as Result from "effect/Result"
import { describe, expect, it } from "vitest"
import { loadScenario } from "../scenario/load.ts"
import { projectScenario } from "../engine/runScenario.ts"
import { summaryJson } from "../engine/summaryJson.ts"
import { monteCarloCsv, pnlCsv } from "./pnl.ts"
import { fixture } from "./fixture.ts"

const summary = summaryJson(projectScenario(Result.getOrThrow(loadScenario(new URL("../mixed-growth-36m.yaml", import.meta.url).pathname))))
const table = (csv: string) => new Map(csv.trimEnd().split("\r\n").slice(1).map((l) => {
  const cells = l.match(/("[^"]*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, "").replace(/^"|"$/g, ""))
  return [cells[0]!, cells.slice(1)] as const
}))
const d = (s: string) => BigDecimal.fromStringUnsafe(s === "" ? "0" : s)
const sum = (xs: ReadonlyArray<string>) => xs.reduce((a, x) => BigDecimal.sum(a, d(x)), BigDecimal.fromBigInt(0n))
const eq = (a: BigDecimal.BigDecimal, b: BigDecimal.BigDecimal) => expect(BigDecimal.format(BigDecimal.normalize(a))).toBe(BigDecimal.format(BigDecimal.normalize(b)))

describe("pnl.csv", () => {
  const csv = pnlCsv(summary)
  const rows = table(csv)
  const months = summary.months.length

  it("is line items down, months across (plus a total), in P&L order", () => {
    expect(csv.split("\r\n")[0]).toBe(["line", ...summary.months.map((m) => m.month), "total"].join(","))
    expect([...rows.keys()]).toEqual([
      "Users", "Paying users", "Revenue", "Cost: Redis", "Cost: Hot storage", "Cost: Cold storage", "Cost: Bandwidth", "Cost: Workers",
      "Cost: JettyThunder API", "Cost: JettySpeed", "Cost: Text cache", "Cost: Support", "Variable costs", "Gross profit", "Gross margin %",
      "Fixed: Infrastructure", "Fixed: Support", "Fixed: Development", "Fixed costs", "Net profit", "Net margin %", "Cumulative net profit",
      "JettyThunder pool (owed to JettyThunder: storage, bandwidth, API)"
    ])
    expect(rows.get("Net profit")!.slice(6, 8)).toEqual(["-3606.54", "-402.39"]) // the Jul–Aug 2026 relapse is in the file
  })

  it("adds up in every month and in the total column: lines → variable, revenue − variable = gross, items → fixed, gross − fixed = net", () => {
    const col = (label: string, i: number) => rows.get(label)![i]!
    const costs = [...rows.keys()].filter((k) => k.startsWith("Cost: "))
    const fixed = [...rows.keys()].filter((k) => k.startsWith("Fixed: "))
    let running = BigDecimal.fromBigInt(0n)
    for (let i = 0; i <= months; i++) {
      eq(sum(costs.map((k) => col(k, i))), d(col("Variable costs", i)))
      eq(BigDecimal.subtract(d(col("Revenue", i)), d(col("Variable costs", i))), d(col("Gross profit", i)))
      eq(sum(fixed.map((k) => col(k, i))), d(col("Fixed costs", i)))
      eq(BigDecimal.subtract(d(col("Gross profit", i)), d(col("Fixed costs", i))), d(col("Net profit", i)))
      if (i < months) {
        running = BigDecimal.sum(running, d(col("Net profit", i)))
        eq(running, d(col("Cumulative net profit", i)))
      }
    }
    eq(sum(rows.get("Net profit")!.slice(0, months)), d(rows.get("Net profit")![months]!))
  })

  it("leaves a margin without revenue empty (n/a), never 0.0", () => {
    const free = summaryJson(projectScenario(Result.getOrThrow(loadScenario(new URL("../plan-pro-1000.yaml", import.meta.url).pathname))))
    const noRevenue = { months: free.months.map((m) => ({ ...m, revenue: "0.00", gross_profit: "-1.00", gross_margin_pct: null })) }
    expect(table(pnlCsv(noRevenue)).get("Gross margin %")!.slice(0, 2)).toEqual(["", ""])
    expect(table(pnlCsv(noRevenue)).get("Net margin %")!.slice(0, 2)).toEqual(["", ""])
  })
})

describe("montecarlo.csv", () => {
  it("has p5/p50/p95 per figure and P(sustained break-even) per month", () => {
    const csv = monteCarloCsv(fixture.summary)!
    const lines = csv.trimEnd().split("\r\n")
    const figures = Object.keys(fixture.summary.monte_carlo!.percentiles)
    expect(lines[0]).toBe(["month", ...figures.flatMap((f) => [`${f}_p5`, `${f}_p50`, `${f}_p95`]), "p_sustained_break_even_by_month"].join(","))
    expect(lines).toHaveLength(1 + fixture.summary.months.length)
    expect(monteCarloCsv({ ...fixture.summary, monte_carlo: undefined } as never)).toBeUndefined()
  })
})
