// Shared axes for the charts: a month time axis whose tick spacing follows the horizon, dollar and percent y axes.
import type * as Plot from "@observablehq/plot"
import { dollarTick, monthDate, monthsBetween, monthTick, percentTick } from "../format.ts"
import { CHART_SIZE, INK } from "../theme.ts"

/** Ticks every month up to 1½ years, then quarterly, half-yearly, yearly, so labels never collide at 880px. */
export const monthInterval = (months: number): string =>
  months <= 18 ? "month" : months <= 40 ? "3 months" : months <= 84 ? "6 months" : "year"

/**
 * Explicit tick dates from the first to the last month, so a chart of Jan 2026–Dec 2028 never shows a "Jan 2029"
 * tick (bars of the last month end there, and Plot's automatic ticks would label it).
 */
export const monthTicks = (monthKeys: ReadonlyArray<string>): ReadonlyArray<Date> => {
  const keys = [...new Set(monthKeys)].sort()
  const first = keys[0]
  const last = keys.at(-1)
  if (first === undefined || last === undefined) return []
  const step = { month: 1, "3 months": 3, "6 months": 6, year: 12 }[monthInterval(keys.length)] ?? 1
  const span = monthsBetween(first, last)
  const start = monthDate(first)
  const ticks: Array<Date> = []
  // align quarterly/half-yearly/yearly ticks to calendar boundaries (Jan, Apr, Jul, Oct) like a finance calendar
  const offset = (step - (start.getUTCMonth() % step)) % step
  for (let i = offset; i <= span; i += step) ticks.push(new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + i, 1)))
  return ticks
}

export const monthX = (monthKeys: ReadonlyArray<string>, extra: Plot.ScaleOptions = {}): Plot.ScaleOptions => ({
  type: "utc",
  label: "Month",
  labelAnchor: "right",
  labelArrow: "none",
  ticks: monthTicks(monthKeys) as Array<Date>,
  tickFormat: monthTick,
  ...extra
})

export const dollarY = (label: string, extra: Plot.ScaleOptions = {}): Plot.ScaleOptions => ({
  label,
  grid: true,
  tickFormat: dollarTick,
  labelArrow: "none",
  ...extra
})

export const percentY = (label: string, extra: Plot.ScaleOptions = {}): Plot.ScaleOptions => ({
  label,
  grid: true,
  tickFormat: percentTick,
  labelArrow: "none",
  ...extra
})

/** Pad a numeric extent so marks and their labels never sit on the frame edge. */
export const paddedDomain = (values: ReadonlyArray<number>, below = 0.08, above = 0.08): [number, number] => {
  const lo = Math.min(0, ...values)
  const hi = Math.max(0, ...values)
  const span = hi - lo || 1
  return [lo - (lo < 0 ? span * below : 0), hi + (hi > 0 ? span * above : 0)]
}

/** Margins that fit "−$1.2M" ticks at 12px and an end-of-line value label on the right. */
export const MARGINS = { marginLeft: 72, marginRight: 64, marginTop: 28, marginBottom: 48 } as const

export const ZERO_STYLE = { stroke: INK.zero, strokeWidth: 1.25 } as const

export interface FrameMargins {
  readonly marginLeft: number
  readonly marginRight: number
  readonly marginTop: number
  readonly marginBottom: number
}

/**
 * The plot frame in pixels at the default chart size, for laying out labels that must not collide (Plot places
 * marks, but not text against text). `header` is what renderChart puts above the plot: title, subtitle and one
 * legend row take 84px; a footnote takes 24px more. At another size labels move with the scales; only gaps change.
 */
export const frameSize = (margins: FrameMargins = MARGINS, header = 84): { readonly width: number; readonly height: number } => ({
  width: CHART_SIZE.width - margins.marginLeft - margins.marginRight,
  height: CHART_SIZE.height - header - margins.marginTop - margins.marginBottom
})
