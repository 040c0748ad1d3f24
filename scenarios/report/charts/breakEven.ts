// Cumulative net profit with the break-even month marked: the J-curve, its lowest point (the cash the plan needs
// before it pays for itself) and where it pays back.
import * as Plot from "@observablehq/plot"
import * as BigDecimal from "effect/BigDecimal"
import { breakEvenMonths, moneyOf, paybackMonth, plotNumber, troughMonth } from "../figures.ts"
import { dollarTick, monthDate, monthLabel, monthRangeLabel } from "../format.ts"
import { type Inset, textWidth, type ChartSpec } from "../svg.ts"
import type { MonthFigures, ScenarioSummary } from "../../engine/summaryContract.ts"
import { COLORS, INK } from "../theme.ts"
import { dollarY, frameSize, MARGINS, monthTicks, monthX, paddedDomain } from "./axes.ts"
import { spreadLabels } from "./spreadLabels.ts"

export const defaults = {
  title: "Break-even",
  /** also mark payback: the first month cumulative net profit is ≥ 0 */
  showPayback: true,
  /** label the lowest point of the curve (peak cumulative loss) */
  showTrough: true,
  colors: { line: COLORS.cumulative, profit: COLORS.profit, loss: COLORS.loss, breakEven: COLORS.breakEven, relapse: COLORS.relapse }
}

export type BreakEvenOptions = Partial<typeof defaults>

const CAPTION_FONT = 12.5

// where the curve pays back and bottoms out: figures.ts (the headline reads them without loading Plot)
export { paybackMonth, troughMonth } from "../figures.ts"

/**
 * Shaded spans for the months that fall back into a net loss after the first break-even: a month's loss is the
 * segment of the cumulative curve that ends on that month, so a span starts at the month before.
 */
const relapseSpans = (summary: ScenarioSummary) =>
  breakEvenMonths(summary).relapses.map((r) => ({
    x1: new Date(Date.UTC(monthDate(r.from).getUTCFullYear(), monthDate(r.from).getUTCMonth() - 1, 1)),
    x2: monthDate(r.to),
    label: monthRangeLabel(r.from, r.to)
  }))

interface Point {
  readonly month: string
  readonly date: Date
  readonly value: number
}

/** The curve, its zero line, loss/profit areas, relapse spans and the trough: shared by the chart and its inset. */
const curveMarks = (data: ReadonlyArray<Point>, spans: ReturnType<typeof relapseSpans>, trough: ReadonlyArray<Point>, colors: typeof defaults.colors, troughLabel: boolean) => [
  Plot.rectX(spans, { x1: "x1", x2: "x2", fill: colors.relapse, fillOpacity: 0.16 }),
  Plot.areaY(data, { x: "date", y1: 0, y2: (d: Point) => Math.min(0, d.value), fill: colors.loss, fillOpacity: 0.18 }),
  Plot.areaY(data, { x: "date", y1: 0, y2: (d: Point) => Math.max(0, d.value), fill: colors.profit, fillOpacity: 0.18 }),
  Plot.ruleY([0], { stroke: INK.zero, strokeWidth: 1.25 }),
  Plot.lineY(data, { x: "date", y: "value", stroke: colors.line, strokeWidth: 2.5 }),
  Plot.dot(trough, { x: "date", y: "value", fill: colors.loss, r: 4.5, stroke: "white", strokeWidth: 1.5 }),
  ...(troughLabel
    ? [Plot.text(trough, { x: "date", y: "value", text: (d: Point) => `Lowest ${dollarTick(d.value)}`, dy: 16, fill: colors.loss, fontWeight: 600, stroke: "white", strokeWidth: 4, paintOrder: "stroke" } as Plot.TextOptions)]
    : [])
]

const INSET = { width: 360, height: 170, gap: 14 } as const

export const breakEvenChart = (summary: ScenarioSummary, options: BreakEvenOptions = {}): ChartSpec => {
  const o = { ...defaults, ...options }
  const data: ReadonlyArray<Point> = summary.months.map((m) => ({ month: m.month, date: monthDate(m.month), value: plotNumber(m.cumulative_net_profit) }))
  const runs = breakEvenMonths(summary)
  const be = runs.first
  const sustained = runs.sustained !== be ? runs.sustained : null
  const spans = relapseSpans(summary)
  const payback = o.showPayback ? paybackMonth(summary) : null
  const trough = o.showTrough ? troughMonth(summary) : undefined
  const first = summary.months[0]?.month ?? ""
  const last = summary.months.at(-1)?.month ?? ""
  const markers = [
    ...(be !== null ? [{ kind: "Break-even", month: be, color: o.colors.breakEven }] : []),
    ...(sustained !== null ? [{ kind: "Sustained", month: sustained, color: o.colors.breakEven }] : []),
    ...(payback !== null && payback !== be && payback !== sustained ? [{ kind: "Payback", month: payback, color: o.colors.line }] : [])
  ].map((mk) => ({ ...mk, date: monthDate(mk.month), value: data.find((d) => d.month === mk.month)?.value ?? 0 }))
  const troughPoint: ReadonlyArray<Point> = trough === undefined ? [] : [{ date: monthDate(trough.month), month: trough.month, value: plotNumber(trough.cumulative_net_profit) }]
  const relapseText = spans.length > 0 ? `; net loss again in ${spans.map((r) => r.label).join(", ")}${sustained !== null ? `, for good from ${monthLabel(sustained)}` : ""}` : ""
  const subtitle =
    be === null
      ? `No break-even between ${monthLabel(first)} and ${monthLabel(last)}. Cumulative net profit = running sum of monthly net profit.`
      : `Break-even (monthly net profit ≥ 0) in ${monthLabel(be)}${relapseText}${payback !== null ? `; payback (cumulative ≥ 0) in ${monthLabel(payback)}` : "; no payback within the horizon"}.`
  type Marker = (typeof markers)[number]
  // caption layout in frame pixels: the whole chart width is usable, margins included (captions sit above the frame)
  const frame = frameSize({ ...MARGINS, marginTop: 40 })
  const [t0, t1] = [data[0]?.date.getTime() ?? 0, data.at(-1)?.date.getTime() ?? 0]
  const xOf = (d: Date): number => (t1 > t0 ? (frame.width * (d.getTime() - t0)) / (t1 - t0) : frame.width / 2)
  const caption = (mk: Marker): string => `${mk.kind}: ${monthLabel(mk.month)}`
  const slots = markers.map((mk) => ({ at: xOf(mk.date), size: textWidth(caption(mk), CAPTION_FONT, true) }))
  const [lo, hi] = [-MARGINS.marginLeft + 4, frame.width + MARGINS.marginRight - 4]
  const captions = spreadLabels(slots, lo, hi, 12)
  // on two rows (alternating) each caption only has to stay apart from its row's neighbours
  const rows = [0, 1].map((row) => {
    const idx = slots.map((_, i) => i).filter((i) => i % 2 === row)
    const placed = spreadLabels(idx.map((i) => slots[i]!), lo, hi, 12).centres
    return new Map(idx.map((i, k) => [i, placed[k] ?? slots[i]!.at]))
  })
  const domain = paddedDomain(data.map((d) => d.value), 0.14, 0.06)
  const inset = zoomInset(data, spans, troughPoint, markers, domain, frame, o.colors, payback ?? sustained ?? be)
  return {
    title: o.title,
    subtitle,
    legend: [
      { label: "Cumulative net profit", color: o.colors.line, shape: "line" },
      { label: "Below zero", color: o.colors.loss, shape: "area" },
      { label: "Above zero", color: o.colors.profit, shape: "area" },
      ...(spans.length > 0 ? [{ label: "Net loss again (month by month)", color: o.colors.relapse, shape: "area" as const }] : []),
      ...(be !== null ? [{ label: "Break-even month", color: o.colors.breakEven, shape: "dashed" as const }] : []),
      ...(markers.some((m) => m.kind === "Payback") ? [{ label: "Payback month", color: o.colors.line, shape: "dashed" as const }] : [])
    ],
    ...(trough !== undefined ? { footnote: `Lowest point ${dollarTick(troughPoint[0]!.value)} in ${monthLabel(trough.month)}: the cash to raise before the scenario pays for itself.` } : {}),
    ...(inset === undefined ? {} : { inset }),
    plot: {
      ...MARGINS,
      marginTop: 40,
      x: monthX(summary.months.map((m) => m.month)),
      // room under the trough for its label
      y: dollarY("Cumulative net profit ($)", { domain }),
      marks: [
        ...curveMarks(data, spans, troughPoint, o.colors, inset === undefined),
        Plot.ruleX(markers, { x: "date", stroke: "color", strokeDasharray: "6 4", strokeWidth: 1.5 }),
        Plot.dot(markers, { x: "date", y: "value", fill: "color", r: 5, stroke: "white", strokeWidth: 1.5 }),
        // month captions sit above the frame so they never cross the curve; each is centred on its rule, then
        // pushed inwards at the chart's edges and apart from the other captions, or onto two rows when they don't fit
        ...markers.map((mk, i) => {
          const row = captions.fits ? 0 : i % 2
          const centre = captions.fits ? captions.centres[i]! : (rows[row]!.get(i) ?? slots[i]!.at)
          return Plot.text([mk], {
            x: "date",
            frameAnchor: "top",
            dx: centre - (slots[i]?.at ?? 0),
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

/**
 * When the trough is a sliver of the axis (−$21k on a $2M axis), a zoom on the months up to payback (plus three),
 * drawn in the top-left corner, if the curve leaves that corner empty; otherwise none.
 */
const zoomInset = (
  data: ReadonlyArray<Point>,
  spans: ReturnType<typeof relapseSpans>,
  trough: ReadonlyArray<Point>,
  markers: ReadonlyArray<{ readonly kind: string; readonly month: string; readonly date: Date; readonly value: number; readonly color: string }>,
  [lo, hi]: [number, number],
  frame: { readonly width: number; readonly height: number },
  colors: typeof defaults.colors,
  until: string | null
): Inset | undefined => {
  const low = trough[0]
  if (low === undefined || data.length < 6 || -low.value > (hi - lo) * 0.15) return undefined
  const end = Math.min(data.length - 1, Math.max(data.findIndex((d) => d.month === (until ?? low.month)), data.indexOf(data.find((d) => d.month === low.month)!)) + 3)
  const zoom = data.slice(0, end + 1)
  const t0 = data[0]!.date.getTime()
  const t1 = data.at(-1)!.date.getTime()
  // the corner must be clear: every point under the box lies below its bottom edge
  const boxRight = (INSET.gap + INSET.width) / frame.width
  const boxBottom = hi - ((INSET.gap + INSET.height) / frame.height) * (hi - lo)
  const clear = data.every((d) => (d.date.getTime() - t0) / (t1 - t0 || 1) > boxRight || d.value < boxBottom)
  if (!clear) return undefined
  const zoomMarkers = markers.filter((m) => zoom.some((d) => d.month === m.month))
  const months = zoom.map((d) => d.month)
  return {
    title: `Zoom: ${monthLabel(months[0]!)} – ${monthLabel(months.at(-1)!)}`,
    x: MARGINS.marginLeft + INSET.gap,
    y: 40,
    width: INSET.width,
    height: INSET.height,
    plot: {
      marginLeft: 56,
      marginRight: 16,
      marginTop: 10,
      marginBottom: 26,
      x: monthX(months, { label: null, ticks: monthTicks(months).filter((_, i, a) => a.length <= 8 || i % 2 === 0) as Array<Date> }),
      y: dollarY("", { domain: paddedDomain(zoom.map((d) => d.value), 0.3, 0.12), ticks: 4, label: null }),
      marks: [
        ...curveMarks(zoom, spans.filter((s) => s.x1.getTime() <= zoom.at(-1)!.date.getTime()), trough, colors, true),
        Plot.ruleX(zoomMarkers, { x: "date", stroke: "color", strokeDasharray: "6 4", strokeWidth: 1.25 })
      ]
    }
  }
}
