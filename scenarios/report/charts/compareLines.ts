// Scenario A against scenario B for one figure over time (e.g. the plan against the current forecast).
import * as Plot from "@observablehq/plot"
import { figureLabel, figureUnit, figureValue, plotNumber } from "../figures.ts"
import { count, dollarTick, monthDate, percentTick } from "../format.ts"
import type { ChartSpec } from "../svg.ts"
import type { ScenarioSummary } from "../summary.ts"
import { COLORS, INK } from "../theme.ts"
import { dollarY, MARGINS, monthX, percentY } from "./axes.ts"

export const defaults = {
  figure: "net_profit",
  title: undefined as string | undefined,
  colors: { a: COLORS.scenarioA, b: COLORS.scenarioB }
}

export type CompareLinesOptions = Partial<typeof defaults>

export const tickFor = (figure: string): ((n: number) => string) => {
  const unit = figureUnit(figure)
  return unit === "pct" ? percentTick : unit === "count" ? (n: number) => count(Math.round(n)) : dollarTick
}

export const compareLinesChart = (a: ScenarioSummary, b: ScenarioSummary, options: CompareLinesOptions = {}): ChartSpec => {
  const o = { ...defaults, ...options }
  const series = (s: ScenarioSummary, key: "A" | "B") =>
    s.months.flatMap((m) => {
      const v = figureValue(m, o.figure)
      return v === undefined ? [] : [{ key, date: monthDate(m.month), value: plotNumber(v) }]
    })
  const data = [...series(a, "A"), ...series(b, "B")]
  const label = figureLabel(o.figure)
  const unit = figureUnit(o.figure)
  const tick = tickFor(o.figure)
  const color = (k: string) => (k === "A" ? o.colors.a : o.colors.b)
  type Point = (typeof data)[number]
  return {
    title: o.title ?? `${label}: ${a.scenario} vs ${b.scenario}`,
    subtitle: `A = ${a.scenario}, B = ${b.scenario}. Per month.`,
    legend: [
      { label: `A: ${a.scenario}`, color: o.colors.a, shape: "dashed" },
      { label: `B: ${b.scenario}`, color: o.colors.b, shape: "line" }
    ],
    plot: {
      ...MARGINS,
      marginRight: 110,
      x: monthX([...a.months, ...b.months].map((m) => m.month)),
      y: unit === "pct" ? percentY(`${label} (%)`) : unit === "count" ? { label, grid: true, labelArrow: "none", tickFormat: tick } : dollarY(`${label} ($)`),
      marks: [
        Plot.ruleY([0], { stroke: INK.zero }),
        Plot.lineY(data.filter((d) => d.key === "A"), { x: "date", y: "value", stroke: o.colors.a, strokeWidth: 2.25, strokeDasharray: "6 4" }),
        Plot.lineY(data.filter((d) => d.key === "B"), { x: "date", y: "value", stroke: o.colors.b, strokeWidth: 2.5 }),
        Plot.text(data, Plot.selectLast({ x: "date", y: "value", z: "key", text: (d: Point) => `${d.key} ${tick(d.value)}`, dx: 8, textAnchor: "start", fill: (d: Point) => color(d.key), fontWeight: 600 }))
      ]
    }
  }
}
