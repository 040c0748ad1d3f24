// Which charts a report has: the four deterministic ones always, Monte Carlo, tornado and two-way when the summary
// carries them, and the comparison pair when a baseline is given. Names are the .svg file names.
import { breakEvenChart } from "./charts/breakEven.ts"
import { breakEvenProbabilityChart } from "./charts/breakEvenProbability.ts"
import { compareDiffChart } from "./charts/compareDiff.ts"
import { compareLinesChart } from "./charts/compareLines.ts"
import { costStackChart } from "./charts/costStack.ts"
import { marginChart } from "./charts/margin.ts"
import { monteCarloFanChart } from "./charts/monteCarloFan.ts"
import { revenueCostsChart } from "./charts/revenueCosts.ts"
import { tornadoChart } from "./charts/tornado.ts"
import { twoWayChart } from "./charts/twoWay.ts"
import type { ScenarioSummary } from "../engine/summaryContract.ts"
import { renderChart, type ChartSize, type ChartSpec } from "./svg.ts"

export interface NamedChart {
  readonly name: string
  readonly spec: ChartSpec
}

export interface RenderedChart {
  readonly name: string
  readonly title: string
  readonly svg: string
}

export interface ReportChartsOptions {
  /** scenario A of the comparison (e.g. the plan); the summary itself is B */
  readonly baseline?: ScenarioSummary
  /** figures to draw Monte Carlo fans for, when their percentiles exist; default cumulative_net_profit, net_profit */
  readonly fanFigures?: ReadonlyArray<string>
  /** figure compared between baseline and summary; default net_profit */
  readonly compareFigure?: string
  /** margin target line in percent (e.g. 70), or none */
  readonly marginTargetPct?: number
  /** a report of a comparison (`econ compare`): only charts that show both A and B */
  readonly comparisonOnly?: boolean
}

/** The figures a comparison report draws, each with A and B on one chart. */
const COMPARISON_FIGURES = ["revenue", "net_profit", "cumulative_net_profit", "gross_margin_pct"] as const

export const reportCharts = (summary: ScenarioSummary, options: ReportChartsOptions = {}): ReadonlyArray<NamedChart> => {
  if (options.baseline !== undefined && options.comparisonOnly === true) {
    const a = options.baseline
    return [
      ...COMPARISON_FIGURES.map((figure) => ({ name: `compare-${figure.replace(/_/g, "-")}`, spec: compareLinesChart(a, summary, { figure }) })),
      { name: "compare-diff", spec: compareDiffChart(a, summary, { figure: options.compareFigure ?? "net_profit" }) }
    ]
  }
  const charts: Array<NamedChart> = [
    { name: "revenue-costs", spec: revenueCostsChart(summary) },
    { name: "break-even", spec: breakEvenChart(summary) },
    { name: "cost-stack", spec: costStackChart(summary) },
    { name: "margin", spec: marginChart(summary, options.marginTargetPct !== undefined ? { targetPct: options.marginTargetPct } : {}) }
  ]
  const mc = summary.monte_carlo
  if (mc !== undefined) {
    for (const figure of options.fanFigures ?? ["cumulative_net_profit", "net_profit"])
      if (mc.percentiles[figure] !== undefined)
        charts.push({ name: `mc-${figure.replace(/[^a-z0-9]+/gi, "-")}`, spec: monteCarloFanChart(summary, { figure }) })
    if (mc.p_break_even_by_month.length > 0) charts.push({ name: "break-even-probability", spec: breakEvenProbabilityChart(summary) })
  }
  if (summary.sensitivity !== undefined && summary.sensitivity.bars.length > 0) charts.push({ name: "tornado", spec: tornadoChart(summary) })
  if (summary.two_way !== undefined) charts.push({ name: "two-way", spec: twoWayChart(summary) })
  if (options.baseline !== undefined) {
    const figure = options.compareFigure ?? "net_profit"
    charts.push({ name: "compare-lines", spec: compareLinesChart(options.baseline, summary, { figure }) })
    charts.push({ name: "compare-diff", spec: compareDiffChart(options.baseline, summary, { figure }) })
  }
  return charts
}

export const renderCharts = (charts: ReadonlyArray<NamedChart>, size?: ChartSize): ReadonlyArray<RenderedChart> =>
  charts.map(({ name, spec }) => ({ name, title: spec.title, svg: renderChart(spec, size) }))
