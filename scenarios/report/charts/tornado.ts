// Tornado: how far each input, moved to its low and high value, pushes the output away from the base case.
// Bars are sorted by swing |high − low|, computed exactly; only the bar lengths are floats.
import * as Plot from "@observablehq/plot"
import * as BigDecimal from "effect/BigDecimal"
import { figureLabel, moneyOf, plotNumber } from "../figures.ts"
import { dollarTick, monthLabel, usd } from "../format.ts"
import { inputLabel } from "../../engine/inputLabel.ts"
import { formatInputValues } from "../inputLabel.ts"
import { textWidth, type ChartSpec } from "../svg.ts"
import { ReportInputError, type ScenarioSummary, type Sensitivity } from "../../engine/summaryContract.ts"
import { COLORS, INK } from "../theme.ts"
import { dollarY, frameSize, MARGINS } from "./axes.ts"

export const defaults = {
  title: undefined as string | undefined,
  /** show at most this many inputs (the largest swings) */
  maxBars: 12,
  /** print each input's path in small type under its label; undefined: when the rows have room (about 10 bars) */
  showPaths: undefined as boolean | undefined,
  colors: { low: COLORS.low, high: COLORS.high, base: INK.title }
}

export type TornadoOptions = Partial<typeof defaults>

const PATH_FONT = 9.5
// a 12px label over a 9.5px path needs this much height per bar; below it, the path is only the label's <title>
const TWO_LINE_ROW = 26

/** Bars by decreasing swing, ties by input name so the order is stable. */
export const sortedBars = (s: Sensitivity): Sensitivity["bars"] =>
  [...s.bars]
    .map((b, i) => ({ b, swing: BigDecimal.abs(BigDecimal.subtract(moneyOf(b.high, `sensitivity.bars[${i}].high`), moneyOf(b.low, `sensitivity.bars[${i}].low`))) }))
    .sort((x, y) => BigDecimal.Order(y.swing, x.swing) || (x.b.input < y.b.input ? -1 : x.b.input > y.b.input ? 1 : 0))
    .map((x) => x.b)

export const tornadoChart = (summary: ScenarioSummary, options: TornadoOptions = {}): ChartSpec => {
  const o = { ...defaults, ...options }
  const s = summary.sensitivity
  if (s === undefined)
    throw new ReportInputError({ field: "sensitivity", message: "the tornado needs sensitivity in the summary: run a sensitivity sweep" })
  const bars = sortedBars(s).slice(0, o.maxBars)
  const base = plotNumber(moneyOf(s.base, "sensitivity.base"))
  const data = bars.flatMap((b) => {
    // both values of one input in one unit, decided from the path and the pair ($44.10 and $53.90, 0.72% and 0.88%)
    const [low, high] = formatInputValues(b.input, [b.low_value, b.high_value])
    return [
      { input: b.input, side: "low", at: low ?? "", value: plotNumber(b.low) },
      { input: b.input, side: "high", at: high ?? "", value: plotNumber(b.high) }
    ]
  })
  const order = bars.map((b) => b.input)
  // each row: the human label ("Pro price"), with the input's path as its <title> (hover, copy) and, when the rows
  // have room, in small print under it
  const showPaths = o.showPaths ?? frameSize().height / Math.max(1, order.length) >= TWO_LINE_ROW
  const rowLabel = Math.max(...order.map((i) => Math.max(textWidth(inputLabel(i), 12), showPaths ? textWidth(i, PATH_FONT) : 0)), 60)
  const fill = (d: (typeof data)[number]) => (d.side === "low" ? o.colors.low : o.colors.high)
  const label = figureLabel(s.output)
  const xs = [base, ...data.map((d) => d.value)]
  const span = Math.max(...xs) - Math.min(...xs) || 1
  return {
    title: o.title ?? `What moves ${label.toLowerCase()} most`,
    subtitle: `${label} in ${monthLabel(s.month)}; base case ${usd(s.base, "sensitivity.base")}. Each bar moves one input to its low or high value.`,
    legend: [
      { label: "Input at low value", color: o.colors.low, shape: "bar" },
      { label: "Input at high value", color: o.colors.high, shape: "bar" },
      { label: "Base case", color: o.colors.base, shape: "line" }
    ],
    plot: {
      ...MARGINS,
      marginLeft: Math.round(rowLabel) + 20,
      marginRight: 72,
      x: { ...dollarY(`${label}, ${monthLabel(s.month)} ($)`), labelAnchor: "right", domain: [Math.min(...xs) - span * 0.12, Math.max(...xs) + span * 0.12] },
      y: { domain: order, axis: null, padding: 0.25 },
      marks: [
        Plot.barX(data.filter((d) => d.side === "low"), { y: "input", x1: base, x2: "value", fill, insetTop: 1, insetBottom: 1 }),
        // drawn narrower on top, so a non-monotone input (low and high on the same side) shows both bars
        Plot.barX(data.filter((d) => d.side === "high"), { y: "input", x1: base, x2: "value", fill, insetTop: 5, insetBottom: 5 }),
        Plot.ruleX([base], { stroke: o.colors.base, strokeWidth: 2 }),
        // the input value at the outer end of each bar: left of the base reads right-aligned, right of it left-aligned
        Plot.text(data.filter((d) => d.value < base), { y: "input", x: "value", text: "at", textAnchor: "end", dx: -6, fill: INK.muted, fontSize: 11 }),
        Plot.text(data.filter((d) => d.value >= base), { y: "input", x: "value", text: "at", textAnchor: "start", dx: 6, fill: INK.muted, fontSize: 11 }),
        Plot.text(order, { y: (d: string) => d, frameAnchor: "left", dx: -12, dy: showPaths ? -6 : 0, textAnchor: "end", text: inputLabel, title: (d: string) => d, fill: INK.text, fontSize: 12 }),
        showPaths
          ? Plot.text(order, { y: (d: string) => d, frameAnchor: "left", dx: -12, dy: 8, textAnchor: "end", text: (d: string) => d, title: (d: string) => d, fill: INK.muted, fontSize: PATH_FONT })
          : null,
        Plot.text([base], { x: (d: number) => d, frameAnchor: "top", dy: -14, text: () => `base ${dollarTick(base)}`, fill: o.colors.base, fontWeight: 600 })
      ]
    }
  }
}
