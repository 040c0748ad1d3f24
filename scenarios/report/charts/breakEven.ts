// Cumulative net profit with the break-even month marked: the J-curve, its lowest point (the cash the plan needs
// before it pays for itself) and where it pays back.
import * as Plot from "@observablehq/plot"
import * as BigDecimal from "effect/BigDecimal"
import { moneyOf, plotNumber } from "../figures.ts"
import { dollarTick, monthDate, monthLabel } from "../format.ts"
import { textWidth, type ChartSpec } from "../svg.ts"
import type { MonthFigures, ScenarioSummary } from "../../engine/summaryContract.ts"
import { COLORS, INK } from "../theme.ts"
import { dollarY, frameSize, MARGINS, monthX, paddedDomain } from "./axes.ts"
import { spreadLabels } from "./spreadLabels.ts"

export const defaults = {
  title: "Break-even",
  /** also mark payback: the first month cumulative net profit is ≥ 0 */
  showPayback: true,
  /** label the lowest point of the curve (peak cumulative loss) */
  showTrough: true,
  colors: { line: COLORS.cumulative, profit: COLORS.profit, loss: COLORS.loss, breakEven: COLORS.breakEven }
}

export type BreakEvenOptions = Partial<typeof defaults>

const CAPTION_FONT = 12.5

/** First month whose cumulative net profit is not negative (exact: a sign test on the decimal). */
export const paybackMonth = (summary: ScenarioSummary): string | null =>
  summary.months.find((m) => !BigDecimal.isNegative(moneyOf(m.cumulative_net_profit, `${m.month}.cumulative_net_profit`)))?.month ?? null

/** The month of the lowest cumulative net profit when it is below zero: the most cash the scenario burns. */
export const troughMonth = (summary: ScenarioSummary): MonthFigures | undefined => {
  let low: { m: MonthFigures; v: BigDecimal.BigDecimal } | undefined
  for (const m of summary.months) {
    const v = moneyOf(m.cumulative_net_profit, `${m.month}.cumulative_net_profit`)
    if (BigDecimal.isNegative(v) && (low === undefined || BigDecimal.isLessThan(v, low.v))) low = { m, v }
  }
  return low?.m
}

export const breakEvenChart = (summary: ScenarioSummary, options: BreakEvenOptions = {}): ChartSpec => {
  const o = { ...defaults, ...options }
  const data = summary.months.map((m) => ({ month: m.month, date: monthDate(m.month), value: plotNumber(m.cumulative_net_profit) }))
  const be = summary.break_even_month
  const payback = o.showPayback ? paybackMonth(summary) : null
  const trough = o.showTrough ? troughMonth(summary) : undefined
  const first = summary.months[0]?.month ?? ""
  const last = summary.months.at(-1)?.month ?? ""
  const markers = [
    ...(be !== null ? [{ kind: "Break-even", month: be, color: o.colors.breakEven }] : []),
    ...(payback !== null && payback !== be ? [{ kind: "Payback", month: payback, color: o.colors.line }] : [])
  ].map((mk) => ({ ...mk, date: monthDate(mk.month), value: data.find((d) => d.month === mk.month)?.value ?? 0 }))
  const troughPoint = trough === undefined ? [] : [{ date: monthDate(trough.month), month: trough.month, value: plotNumber(trough.cumulative_net_profit) }]
  const subtitle =
    be === null
      ? `No break-even between ${monthLabel(first)} and ${monthLabel(last)}. Cumulative net profit = running sum of monthly net profit.`
      : `Break-even in ${monthLabel(be)}${payback !== null ? `; cumulative profit turns positive (payback) in ${monthLabel(payback)}` : "; no payback within the horizon"}.`
  type Marker = (typeof markers)[number]
  type Point = (typeof data)[number]
  // caption layout in frame pixels: the whole chart width is usable, margins included (captions sit above the frame)
  const frame = frameSize({ ...MARGINS, marginTop: 40 })
  const [t0, t1] = [data[0]?.date.getTime() ?? 0, data.at(-1)?.date.getTime() ?? 0]
  const caption = (mk: Marker): string => `${mk.kind}: ${monthLabel(mk.month)}`
  const slots = markers.map((mk) => ({
    at: t1 > t0 ? (frame.width * (mk.date.getTime() - t0)) / (t1 - t0) : frame.width / 2,
    size: textWidth(caption(mk), CAPTION_FONT, true)
  }))
  const [lo, hi] = [-MARGINS.marginLeft + 4, frame.width + MARGINS.marginRight - 4]
  const captions = spreadLabels(slots, lo, hi, 12)
  // on two rows each caption only has to stay inside the chart
  const single = slots.map((s) => spreadLabels([s], lo, hi).centres[0] ?? s.at)
  return {
    title: o.title,
    subtitle,
    legend: [
      { label: "Cumulative net profit", color: o.colors.line, shape: "line" },
      { label: "Below zero", color: o.colors.loss, shape: "area" },
      { label: "Above zero", color: o.colors.profit, shape: "area" },
      ...(be !== null ? [{ label: "Break-even month", color: o.colors.breakEven, shape: "dashed" as const }] : []),
      ...(markers.some((m) => m.kind === "Payback") ? [{ label: "Payback month", color: o.colors.line, shape: "dashed" as const }] : [])
    ],
    ...(trough !== undefined ? { footnote: `Lowest point ${dollarTick(troughPoint[0]!.value)} in ${monthLabel(trough.month)}: the cumulative loss to fund before the scenario pays for itself.` } : {}),
    plot: {
      ...MARGINS,
      marginTop: 40,
      x: monthX(summary.months.map((m) => m.month)),
      // room under the trough for its label
      y: dollarY("Cumulative net profit ($)", { domain: paddedDomain(data.map((d) => d.value), 0.14, 0.06) }),
      marks: [
        Plot.areaY(data, { x: "date", y1: 0, y2: (d: Point) => Math.min(0, d.value), fill: o.colors.loss, fillOpacity: 0.18 }),
        Plot.areaY(data, { x: "date", y1: 0, y2: (d: Point) => Math.max(0, d.value), fill: o.colors.profit, fillOpacity: 0.18 }),
        Plot.ruleY([0], { stroke: INK.zero, strokeWidth: 1.25 }),
        Plot.ruleX(markers, { x: "date", stroke: "color", strokeDasharray: "6 4", strokeWidth: 1.5 }),
        Plot.lineY(data, { x: "date", y: "value", stroke: o.colors.line, strokeWidth: 2.5 }),
        Plot.dot(troughPoint, { x: "date", y: "value", fill: o.colors.loss, r: 4.5, stroke: "white", strokeWidth: 1.5 }),
        Plot.text(troughPoint, { x: "date", y: "value", text: (d: Point) => `Lowest ${dollarTick(d.value)}`, dy: 16, fill: o.colors.loss, fontWeight: 600, stroke: "white", strokeWidth: 4, paintOrder: "stroke" } as Plot.TextOptions),
        Plot.dot(markers, { x: "date", y: "value", fill: "color", r: 5, stroke: "white", strokeWidth: 1.5 }),
        // month captions sit above the frame so they never cross the curve; each is centred on its rule, then
        // pushed inwards at the chart's edges and apart from the other caption, or onto two rows when both don't fit
        ...markers.map((mk, i) => {
          const row = captions.fits ? 0 : i
          return Plot.text([mk], {
            x: "date",
            frameAnchor: "top",
            dx: (captions.fits ? captions.centres[i]! : (single[i] ?? 0)) - (slots[i]?.at ?? 0),
            dy: row === 0 ? -22 : -8,
            textAnchor: "middle",
            text: (d: Marker) => caption(d),
            fill: mk.color,
            fontWeight: 700,
            fontSize: CAPTION_FONT
          })
        }),
        // the horizon value, unless the trough label already sits on that last point
        Plot.text(trough?.month === last ? [] : data.slice(-1), { x: "date", y: "value", text: (d: Point) => dollarTick(d.value), dx: 8, textAnchor: "start", fill: o.colors.line, fontWeight: 600 })
      ]
    }
  }
}
