// Monte Carlo fan for one figure: the p5–p95 band, the median, the deterministic run, and zero. Floats: statistics.
import * as Plot from "@observablehq/plot"
import { figureLabel, figureValue, plotNumber } from "../figures.ts"
import { count, dollarTick, monthDate, monthLabel } from "../format.ts"
import type { ChartSpec } from "../svg.ts"
import { ReportInputError, type ScenarioSummary } from "../../engine/summaryContract.ts"
import { COLORS, INK } from "../theme.ts"
import { dollarY, MARGINS, monthX, paddedDomain } from "./axes.ts"

export const defaults = {
  figure: "cumulative_net_profit",
  title: undefined as string | undefined,
  /** overlay the deterministic (single-run) scenario as a dashed line */
  showDeterministic: true,
  colors: { band: COLORS.band, median: COLORS.median, deterministic: INK.title }
}

export type MonteCarloFanOptions = Partial<typeof defaults>

export const monteCarloFanChart = (summary: ScenarioSummary, options: MonteCarloFanOptions = {}): ChartSpec => {
  const o = { ...defaults, ...options }
  const mc = summary.monte_carlo
  if (mc === undefined)
    throw new ReportInputError({ field: "monte_carlo", message: "the fan chart needs monte_carlo in the summary: run the scenario with Monte Carlo enabled" })
  const bands = mc.percentiles[o.figure]
  if (bands === undefined)
    throw new ReportInputError({
      field: `monte_carlo.percentiles.${o.figure}`,
      message: `no percentiles for "${o.figure}"; the summary has: ${Object.keys(mc.percentiles).join(", ") || "none"}`
    })
  const label = figureLabel(o.figure)
  const data = bands.map((b) => ({ date: monthDate(b.month), p5: b.p5, p50: b.p50, p95: b.p95 }))
  const deterministic = summary.months.flatMap((m) => {
    const v = o.showDeterministic ? figureValue(m, o.figure) : undefined
    return v === undefined ? [] : [{ date: monthDate(m.month), value: plotNumber(v) }]
  })
  const last = data.slice(-1)
  const end = bands.at(-1)
  return {
    title: o.title ?? `${label}: Monte Carlo range`,
    subtitle: `${count(mc.runs)} runs, seed ${mc.seed}. Band: 5th–95th percentile (90% of runs); line: median.`,
    ...(end !== undefined
      ? { footnote: `At ${monthLabel(end.month)}: 90% of runs between ${dollarTick(end.p5)} and ${dollarTick(end.p95)}; median ${dollarTick(end.p50)}.` }
      : {}),
    legend: [
      { label: "p5–p95", color: o.colors.band, shape: "area" },
      { label: "Median (p50)", color: o.colors.median, shape: "line" },
      ...(deterministic.length > 0 ? [{ label: "Deterministic run", color: o.colors.deterministic, shape: "dashed" as const }] : [])
    ],
    plot: {
      ...MARGINS,
      x: monthX(bands.map((b) => b.month)),
      y: dollarY(`${label} ($)`, { domain: paddedDomain(data.flatMap((d) => [d.p5, d.p95])) }),
      marks: [
        Plot.areaY(data, { x: "date", y1: "p5", y2: "p95", fill: o.colors.band, fillOpacity: 0.55 }),
        Plot.ruleY([0], { stroke: INK.zero, strokeWidth: 1.25 }),
        Plot.lineY(data, { x: "date", y: "p95", stroke: o.colors.band, strokeWidth: 1 }),
        Plot.lineY(data, { x: "date", y: "p5", stroke: o.colors.band, strokeWidth: 1 }),
        deterministic.length > 0
          ? Plot.lineY(deterministic, { x: "date", y: "value", stroke: o.colors.deterministic, strokeDasharray: "5 4", strokeWidth: 1.5 })
          : null,
        Plot.lineY(data, { x: "date", y: "p50", stroke: o.colors.median, strokeWidth: 2.5 }),
        Plot.text(last, { x: "date", y: "p50", text: (d: (typeof data)[number]) => dollarTick(d.p50), dx: 8, textAnchor: "start", fill: o.colors.median, fontWeight: 600 })
      ]
    }
  }
}
