// Shared axes for the charts: a month time axis whose tick spacing follows the horizon, dollar and percent y axes.
import type * as Plot from "@observablehq/plot"
import { dollarTick, monthTick, percentTick } from "../format.ts"
import { INK } from "../theme.ts"

/** Ticks every month up to 1½ years, then quarterly, half-yearly, yearly, so labels never collide at 880px. */
export const monthInterval = (months: number): string =>
  months <= 18 ? "month" : months <= 40 ? "3 months" : months <= 84 ? "6 months" : "year"

export const monthX = (months: number, extra: Plot.ScaleOptions = {}): Plot.ScaleOptions => ({
  type: "utc",
  label: "Month",
  labelAnchor: "right",
  labelArrow: "none",
  ticks: monthInterval(months),
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

/** Margins that fit "−$1.2M" ticks at 12px and an end-of-line value label on the right. */
export const MARGINS = { marginLeft: 72, marginRight: 64, marginTop: 28, marginBottom: 44 } as const

export const ZERO_STYLE = { stroke: INK.zero, strokeWidth: 1.25 } as const
