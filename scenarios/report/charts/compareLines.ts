// Scenario A against scenario B for one figure over time (e.g. the plan against the current forecast).
import * as Plot from "@observablehq/plot"
import { figureLabel, figureUnit, figureValue, plotNumber } from "../figures.ts"
import { count, dollarTick, monthDate, percentTick } from "../format.ts"
import { textWidth, type ChartSpec } from "../svg.ts"
import type { ScenarioSummary } from "../../engine/summaryContract.ts"
import { COLORS, INK } from "../theme.ts"
import { dollarY, frameSize, MARGINS, monthX, percentY } from "./axes.ts"
import { partLabels, yPixel } from "./spreadLabels.ts"

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

interface End {
  readonly key: string
  readonly date: Date
  readonly value: number
}

/**
 * Vertical offsets (px) for the two end labels so they do not overlap. The y domain is Plot's default here (the
 * extent of the values and zero) and x spans all months, so a point's pixel position is known up to the frame size,
 * taken at the default. Labels only meet when the lines end within a label's width of each other.
 */
const endLabelNudges = (data: ReadonlyArray<End>, ends: ReadonlyArray<End>, text: (e: End) => string): ReadonlyArray<number> => {
  const [a, b] = ends
  if (a === undefined || b === undefined) return ends.map(() => 0)
  const frame = frameSize({ ...MARGINS, marginRight: 110 })
  const values = data.map((d) => d.value)
  const times = data.map((d) => d.date.getTime())
  const [lo, hi] = [Math.min(0, ...values), Math.max(0, ...values)]
  const [t0, t1] = [Math.min(...times), Math.max(...times)]
  const x = (e: End) => (t1 > t0 ? (frame.width * (e.date.getTime() - t0)) / (t1 - t0) : 0)
  const [left, right] = x(a) <= x(b) ? [a, b] : [b, a]
  if (x(right) - x(left) > textWidth(text(left), 12, true) + 8) return ends.map(() => 0)
  return partLabels(ends.map((e) => yPixel(e.value, [lo, hi], frame.height)))
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
  const ends = (["A", "B"] as const).flatMap((k) => data.filter((d) => d.key === k).slice(-1))
  const endText = (p: End): string => `${p.key} ${tick(p.value)}`
  const nudges = endLabelNudges(data, ends, endText)
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
        // end labels: a white halo where a line ends inside the plot (the other scenario may run on), nudged apart
        // vertically when both end at about the same height
        ...ends.map((d, i) =>
          Plot.text([d], { x: "date", y: "value", text: endText, dx: 8, dy: nudges[i] ?? 0, textAnchor: "start", fill: color(d.key), fontWeight: 600, stroke: "white", strokeWidth: 4, paintOrder: "stroke" } as Plot.TextOptions)
        )
      ]
    }
  }
}
