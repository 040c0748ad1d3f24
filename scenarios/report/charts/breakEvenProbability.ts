// P(break-even by month) from the Monte Carlo runs, with the months where it passes 50% and 90% called out.
import * as Plot from "@observablehq/plot"
import { count, monthDate, monthLabel, probabilityTick } from "../format.ts"
import { textWidth, type ChartSpec } from "../svg.ts"
import { ReportInputError, type ScenarioSummary } from "../../engine/summaryContract.ts"
import { COLORS, INK } from "../theme.ts"
import { frameSize, MARGINS, monthX } from "./axes.ts"

export const defaults = {
  title: "Probability of sustained break-even",
  /** probability levels to call out with the first month that reaches them */
  levels: [0.5, 0.9] as ReadonlyArray<number>,
  colors: { line: COLORS.breakEven, level: INK.muted }
}

export type BreakEvenProbabilityOptions = Partial<typeof defaults>

export const breakEvenProbabilityChart = (summary: ScenarioSummary, options: BreakEvenProbabilityOptions = {}): ChartSpec => {
  const o = { ...defaults, ...options }
  const mc = summary.monte_carlo
  if (mc === undefined)
    throw new ReportInputError({ field: "monte_carlo", message: "the break-even probability chart needs monte_carlo.p_break_even_by_month" })
  const data = mc.p_break_even_by_month.map((d) => ({ month: d.month, date: monthDate(d.month), p: d.p }))
  const reached = o.levels.flatMap((level) => {
    const hit = data.find((d) => d.p >= level)
    return hit === undefined ? [] : [{ ...hit, level }]
  })
  const missed = o.levels.filter((l) => !reached.some((r) => r.level === l))
  const lastP = data.at(-1)?.p ?? 0
  const frame = frameSize()
  const [t0, t1] = [data[0]?.date.getTime() ?? 0, data.at(-1)?.date.getTime() ?? 0]
  /** where a date falls across the frame, 0 (first month) to 1 (last) */
  const position = (d: Date): number => (t1 > t0 ? (d.getTime() - t0) / (t1 - t0) : 0.5)
  return {
    title: o.title,
    subtitle:
      `Share of ${count(mc.runs)} Monte Carlo runs whose net profit stays ≥ 0 from that month to the horizon. ` +
      (reached.length > 0 ? reached.map((r) => `${probabilityTick(r.level)} by ${monthLabel(r.month)}`).join(", ") : `Never above ${probabilityTick(o.levels[0] ?? 0.5)}`) +
      (missed.length > 0 && reached.length > 0 ? `; ${missed.map(probabilityTick).join(", ")} not reached (${probabilityTick(lastP)} at horizon)` : "") +
      ".",
    legend: [
      { label: "P(sustained break-even by month)", color: o.colors.line, shape: "line" },
      { label: "Month a level is reached", color: o.colors.line, shape: "dot" }
    ],
    plot: {
      ...MARGINS,
      x: monthX(data.map((d) => d.month)),
      y: { domain: [0, 1], grid: true, tickFormat: probabilityTick, label: "Probability (%)", labelArrow: "none" },
      marks: [
        Plot.ruleY(o.levels, { stroke: o.colors.level, strokeDasharray: "3 3" }),
        Plot.areaY(data, { x: "date", y: "p", fill: o.colors.line, fillOpacity: 0.08, curve: "step-after" }),
        Plot.lineY(data, { x: "date", y: "p", stroke: o.colors.line, strokeWidth: 2.5, curve: "step-after" }),
        Plot.ruleX(reached, { x: "date", y1: 0, y2: "level", stroke: o.colors.line, strokeOpacity: 0.5 }),
        Plot.dot(reached, { x: "date", y: "level", fill: o.colors.line, r: 5, stroke: "white", strokeWidth: 1.5 }),
        // Right of the dot and just below its level: the curve is a CDF, so right of the month a level is reached
        // it runs at or above that level and this corner is clear (the faint level rules pass under a white halo).
        // Near the right edge the caption turns to the left of the dot and above the level, the clear corner there.
        ...reached.map((r) => {
          const text = `${probabilityTick(r.level)} by ${monthLabel(r.month)}`
          const x = frame.width * position(r.date)
          const leftward = x + 10 + textWidth(text, 12, true) > frame.width + MARGINS.marginRight - 4
          const above = leftward || r.level * frame.height < 24
          return Plot.text([r], {
            x: "date",
            y: "level",
            text: () => text,
            dx: leftward ? -10 : 10,
            dy: above ? -6 : 6,
            lineAnchor: above ? "bottom" : "top",
            textAnchor: leftward ? "end" : "start",
            fill: INK.title,
            fontWeight: 600,
            stroke: "white",
            strokeWidth: 4,
            paintOrder: "stroke"
          } as Plot.TextOptions)
        })
      ]
    }
  }
}
