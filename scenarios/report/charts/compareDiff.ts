// B − A for one figure per month as bars, green where B is ahead. The difference is exact; only bar height is a float.
import * as Plot from "@observablehq/plot"
import * as BigDecimal from "effect/BigDecimal"
import { figureLabel, figureUnit, figureValue, plotNumber } from "../figures.ts"
import { sumMoney } from "../../../model/money.ts"
import { monthDate, usdOf } from "../format.ts"
import type { ChartSpec } from "../svg.ts"
import type { ScenarioSummary } from "../../engine/summaryContract.ts"
import { COLORS, INK } from "../theme.ts"
import { MARGINS, monthX, paddedDomain } from "./axes.ts"
import { tickFor } from "./compareLines.ts"

export const defaults = {
  figure: "net_profit",
  title: undefined as string | undefined,
  colors: { ahead: COLORS.profit, behind: COLORS.loss }
}

export type CompareDiffOptions = Partial<typeof defaults>

/** Exact B − A per month present in both scenarios. */
export const monthlyDifference = (a: ScenarioSummary, b: ScenarioSummary, figure: string) => {
  const byMonth = new Map(a.months.map((m) => [m.month, m]))
  return b.months.flatMap((mb) => {
    const ma = byMonth.get(mb.month)
    const va = ma === undefined ? undefined : figureValue(ma, figure)
    const vb = figureValue(mb, figure)
    return va === undefined || vb === undefined ? [] : [{ month: mb.month, diff: BigDecimal.subtract(vb, va) }]
  })
}

export const compareDiffChart = (a: ScenarioSummary, b: ScenarioSummary, options: CompareDiffOptions = {}): ChartSpec => {
  const o = { ...defaults, ...options }
  const diffs = monthlyDifference(a, b, o.figure)
  const data = diffs.map((d) => ({ date: monthDate(d.month), diff: plotNumber(d.diff) }))
  const unit = figureUnit(o.figure)
  // a sum over months means something for flows in dollars, not for margins or head counts
  const total = unit === "usd" && o.figure !== "cumulative_net_profit" ? ` Total over ${diffs.length} months: ${usdOf(sumMoney(diffs.map((d) => d.diff)))}.` : ""
  const label = figureLabel(o.figure)
  const unitLabel = unit === "pct" ? "percentage points" : unit === "count" ? "users" : "$"
  return {
    title: o.title ?? `${label}: difference B − A`,
    subtitle: `B = ${b.scenario} minus A = ${a.scenario}, per month.${total}`,
    legend: [
      { label: `${b.scenario} ahead of ${a.scenario}`, color: o.colors.ahead, shape: "bar" },
      { label: `${b.scenario} behind ${a.scenario}`, color: o.colors.behind, shape: "bar" }
    ],
    plot: {
      ...MARGINS,
      x: monthX(diffs.map((d) => d.month)),
      y: { label: `B − A (${unitLabel})`, grid: true, labelArrow: "none", tickFormat: tickFor(o.figure), domain: paddedDomain(data.map((d) => d.diff), 0.04, 0.04) },
      marks: [
        Plot.rectY(data, { x: "date", y: "diff", interval: "month", inset: 1.5, fill: (d: (typeof data)[number]) => (d.diff < 0 ? o.colors.behind : o.colors.ahead) }),
        Plot.ruleY([0], { stroke: INK.title })
      ]
    }
  }
}
