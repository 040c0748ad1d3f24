// Variable costs stacked by cost line per month: which line grows fastest, and what the total is made of.
import * as Plot from "@observablehq/plot"
import { costLineLabel, costLines, plotNumber } from "../figures.ts"
import { monthDate } from "../format.ts"
import type { ChartSpec } from "../svg.ts"
import type { ScenarioSummary } from "../../engine/summaryContract.ts"
import { COLORS, costLineColor } from "../theme.ts"
import { dollarY, MARGINS, monthX } from "./axes.ts"

export const defaults = {
  title: "Variable costs by line",
  subtitle: "Per month, stacked; the top edge is total variable cost (fixed costs excluded).",
  /** draw revenue as a dashed line for scale (off by default: it flattens the stack) */
  showRevenue: false,
  /** override colours per cost line; unlisted lines keep their house colour */
  colors: {} as Readonly<Record<string, string>>
}

export type CostStackOptions = Partial<typeof defaults>

export const costStackChart = (summary: ScenarioSummary, options: CostStackOptions = {}): ChartSpec => {
  const o = { ...defaults, ...options }
  const lines = costLines(summary)
  const labels = lines.map(costLineLabel)
  const colors = lines.map((l) => o.colors[l] ?? costLineColor(l, lines))
  const data = summary.months.flatMap((m) =>
    lines.map((line) => ({ date: monthDate(m.month), line: costLineLabel(line), value: plotNumber(m.costs[line] ?? "0") }))
  )
  const revenue = summary.months.map((m) => ({ date: monthDate(m.month), revenue: plotNumber(m.revenue) }))
  return {
    title: o.title,
    subtitle: o.subtitle,
    // legend reads bottom of the stack first, like the first series drawn
    legend: [
      ...lines.map((_, i) => ({ label: labels[i]!, color: colors[i]!, shape: "area" as const })),
      ...(o.showRevenue ? [{ label: "Revenue", color: COLORS.revenue, shape: "dashed" as const }] : [])
    ],
    plot: {
      ...MARGINS,
      x: monthX(summary.months.map((m) => m.month)),
      y: dollarY("$ per month"),
      color: { domain: labels, range: colors },
      marks: [
        Plot.areaY(data, { x: "date", y: "value", fill: "line", z: "line", order: labels, fillOpacity: 0.85, stroke: "white", strokeWidth: 0.5 }),
        Plot.ruleY([0]),
        o.showRevenue ? Plot.lineY(revenue, { x: "date", y: "revenue", stroke: COLORS.revenue, strokeDasharray: "6 4", strokeWidth: 2 }) : null
      ]
    }
  }
}
