// Revenue against total costs (variable + fixed) per month, with net profit as bars: the chart finance opens first.
import * as Plot from "@observablehq/plot"
import { plotNumber, totalCosts } from "../figures.ts"
import { dollarTick, monthDate } from "../format.ts"
import type { ChartSpec } from "../svg.ts"
import type { ScenarioSummary } from "../../engine/summaryContract.ts"
import { COLORS, INK } from "../theme.ts"
import { dollarY, frameSize, MARGINS, monthX } from "./axes.ts"
import { partLabels, yPixel } from "./spreadLabels.ts"

export const defaults = {
  title: "Revenue, costs and net profit",
  subtitle: "Per month. Total costs = variable cost lines + fixed costs; bars are net profit (revenue − total costs).",
  showNetProfit: true,
  /** print the last month's value at the end of each line */
  endLabels: true,
  colors: { revenue: COLORS.revenue, costs: COLORS.costs, profit: COLORS.profit, loss: COLORS.loss }
}

export type RevenueCostsOptions = Partial<typeof defaults>

export const revenueCostsChart = (summary: ScenarioSummary, options: RevenueCostsOptions = {}): ChartSpec => {
  const o = { ...defaults, ...options }
  const data = summary.months.map((m) => ({
    date: monthDate(m.month),
    revenue: plotNumber(m.revenue),
    costs: plotNumber(totalCosts(m)),
    net: plotNumber(m.net_profit)
  }))
  // the two end labels, parted when revenue and costs end close together (break-even near the horizon)
  const last = data.slice(-1)
  const values = data.flatMap((d) => [d.revenue, d.costs, ...(o.showNetProfit ? [d.net] : [])])
  const domain = [Math.min(0, ...values), Math.max(0, ...values)] as const
  const [revenueDy, costsDy] = partLabels(last.length === 0 ? [0, 0] : [last[0]!.revenue, last[0]!.costs].map((v) => yPixel(v, domain, frameSize().height)))
  const endLabel = (y: "revenue" | "costs", fill: string) =>
    Plot.text(last, { x: "date", y, text: (d: (typeof data)[number]) => dollarTick(d[y]), dx: 8, dy: (y === "revenue" ? revenueDy : costsDy) ?? 0, textAnchor: "start", fill, fontWeight: 600 })
  return {
    title: o.title,
    subtitle: o.subtitle,
    legend: [
      { label: "Revenue", color: o.colors.revenue, shape: "line" },
      { label: "Total costs", color: o.colors.costs, shape: "line" },
      ...(o.showNetProfit
        ? ([
            { label: "Net profit", color: o.colors.profit, shape: "area" },
            { label: "Net loss", color: o.colors.loss, shape: "area" }
          ] as const)
        : [])
    ],
    plot: {
      ...MARGINS,
      x: monthX(summary.months.map((m) => m.month)),
      y: dollarY("$ per month"),
      marks: [
        o.showNetProfit
          ? Plot.rectY(data, { x: "date", y: "net", interval: "month", inset: 1.5, fill: (d: (typeof data)[number]) => (d.net < 0 ? o.colors.loss : o.colors.profit), fillOpacity: 0.45 })
          : null,
        Plot.ruleY([0], { stroke: INK.zero }),
        Plot.lineY(data, { x: "date", y: "costs", stroke: o.colors.costs, strokeWidth: 2.5 }),
        Plot.lineY(data, { x: "date", y: "revenue", stroke: o.colors.revenue, strokeWidth: 2.5 }),
        o.endLabels ? endLabel("revenue", o.colors.revenue) : null,
        o.endLabels ? endLabel("costs", o.colors.costs) : null
      ]
    }
  }
}
