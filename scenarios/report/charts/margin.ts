// Gross and net margin in percent per month. Net margin in the first months can be −1000% and would flatten the
// chart, so the y axis stops at a floor and says so.
import * as Plot from "@observablehq/plot"
import { netMarginPct, plotNumber } from "../figures.ts"
import { monthDate, percentTick } from "../format.ts"
import type { ChartSpec } from "../svg.ts"
import type { ScenarioSummary } from "../../engine/summaryContract.ts"
import { COLORS, INK } from "../theme.ts"
import { frameSize, MARGINS, monthX, percentY } from "./axes.ts"
import { partLabels, yPixel } from "./spreadLabels.ts"

export const defaults = {
  title: "Margins",
  subtitle: "Gross margin = gross profit ÷ revenue; net margin = net profit ÷ revenue (after fixed costs).",
  showNetMargin: true,
  /** lowest percent shown; months below are cut off at the axis */
  floorPct: -100,
  /** a target line, e.g. 70 for the plan's "70%+ profit margin"; null for none */
  targetPct: null as number | null,
  /** which margin the target is for: the plan's tier margins are gross margins (revenue − variable costs) */
  targetOf: "gross" as "gross" | "net",
  colors: { gross: COLORS.revenue, net: COLORS.profit, target: COLORS.breakEven }
}

export type MarginOptions = Partial<typeof defaults>

const SERIES = ["Gross margin", "Net margin"] as const

export const marginChart = (summary: ScenarioSummary, options: MarginOptions = {}): ChartSpec => {
  const o = { ...defaults, ...options }
  const data = summary.months.flatMap((m) => {
    const net = netMarginPct(m)
    return [
      ...(m.gross_margin_pct === null ? [] : [{ date: monthDate(m.month), series: "Gross margin", pct: plotNumber(m.gross_margin_pct) }]),
      ...(o.showNetMargin && net !== undefined ? [{ date: monthDate(m.month), series: "Net margin", pct: plotNumber(net) }] : [])
    ]
  })
  const values = data.map((d) => d.pct)
  const min = Math.min(0, ...values)
  const max = Math.max(0, ...values, o.targetPct ?? 0)
  const clipped = min < o.floorPct
  const lo = clipped ? o.floorPct : Math.floor(min / 10) * 10
  const hi = Math.min(100, Math.ceil((max + 5) / 10) * 10)
  const stroke = (series: string) => (series === "Gross margin" ? o.colors.gross : o.colors.net)
  const last = (series: string) => data.filter((d) => d.series === series).slice(-1)
  // end labels parted when gross and net margin end close together (fixed costs small against revenue); a label
  // whose line is cut off at the floor sits at the floor
  const frame = frameSize(MARGINS, clipped ? 84 + 24 : 84)
  const ends = SERIES.flatMap((s) => last(s).map((d) => yPixel(Math.max(lo, d.pct), [lo, hi], frame.height - 8)))
  const endDy = ends.length === SERIES.length ? partLabels(ends) : []
  return {
    title: o.title,
    subtitle: o.subtitle,
    legend: [
      { label: "Gross margin", color: o.colors.gross, shape: "line" },
      ...(o.showNetMargin ? [{ label: "Net margin", color: o.colors.net, shape: "line" as const }] : []),
      ...(o.targetPct !== null ? [{ label: `Target: ${o.targetOf} margin ≥ ${percentTick(o.targetPct)}`, color: o.colors.target, shape: "dashed" as const }] : [])
    ],
    ...(clipped ? { footnote: `Net margin below ${percentTick(o.floorPct)} (early months with little revenue) is cut off at the axis.` } : {}),
    plot: {
      ...MARGINS,
      x: monthX(summary.months.map((m) => m.month)),
      // inset: the floor tick label would otherwise touch the first month label in the corner
      y: percentY("% of revenue", { domain: [lo, hi], insetBottom: 8 }),
      marks: [
        Plot.ruleY([0], { stroke: INK.zero }),
        o.targetPct !== null ? Plot.ruleY([o.targetPct], { stroke: o.colors.target, strokeDasharray: "6 4", strokeWidth: 1.5 }) : null,
        Plot.lineY(data, { x: "date", y: "pct", z: "series", stroke: (d: (typeof data)[number]) => stroke(d.series), strokeWidth: 2.5, clip: true }),
        ...SERIES.map((s, i) =>
          Plot.text(last(s), { x: "date", y: "pct", text: (d: (typeof data)[number]) => percentTick(d.pct), dx: 8, dy: endDy[i] ?? 0, textAnchor: "start", fill: stroke(s), fontWeight: 600 })
        )
      ]
    }
  }
}
