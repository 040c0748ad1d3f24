// Text forms for people: "$12k" ticks, "$49,000.00" cells, "Mar 2026" months. Locale-free so goldens are stable.
import * as BigDecimal from "effect/BigDecimal"
import { formatPercent, formatUsd } from "../../model/money.ts"
import { moneyOf } from "./figures.ts"

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const

/** "2026-03" → 2026-03-01T00:00Z, the x position of a month on a time axis. */
export const monthDate = (key: string): Date => new Date(Date.UTC(Number(key.slice(0, 4)), Number(key.slice(5, 7)) - 1, 1))

/** "2026-03" → "Mar 2026" */
export const monthLabel = (key: string): string => `${MONTHS[Number(key.slice(5, 7)) - 1] ?? "?"} ${key.slice(0, 4)}`

/** A run of months: "Jul 2026", "Jul–Aug 2026", "Dec 2026–Jan 2027". */
export const monthRangeLabel = (from: string, to: string): string =>
  from === to
    ? monthLabel(from)
    : from.slice(0, 4) === to.slice(0, 4)
    ? `${MONTHS[Number(from.slice(5, 7)) - 1] ?? "?"}–${monthLabel(to)}`
    : `${monthLabel(from)}–${monthLabel(to)}`

/** Axis tick for a month date: "Jan 2026" in January, otherwise just "Apr", so a 36-month axis stays legible. */
export const monthTick = (d: Date): string =>
  d.getUTCMonth() === 0 ? `${MONTHS[0]} ${d.getUTCFullYear()}` : (MONTHS[d.getUTCMonth()] ?? "")

/** Months between two keys (b − a): "2026-01" → "2026-04" is 3. */
export const monthsBetween = (a: string, b: string): number =>
  (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + (Number(b.slice(5, 7)) - Number(a.slice(5, 7)))

// Display-only rounding of a float tick position; toFixed stays out of this codebase so a grep for it finds money bugs.
const short = (x: number, digits: number): string => {
  const f = 10 ** digits
  return String(Math.round(x * f) / f)
}

/** Dollar axis ticks: $0, $500, $12k, $1.2M, −$40k. Floats: ticks are positions, not amounts. */
export const dollarTick = (n: number): string => {
  const a = Math.abs(n)
  const sign = n < 0 ? "−" : ""
  if (a >= 1e9) return `${sign}$${short(a / 1e9, 1)}B`
  if (a >= 1e6) return `${sign}$${short(a / 1e6, a >= 1e7 ? 0 : 1)}M`
  if (a >= 1e3) return `${sign}$${short(a / 1e3, a >= 1e4 ? 0 : 1)}k`
  return `${sign}$${short(a, 0)}`
}

/**
 * A float rounded to `digits` significant digits, as short text: 348.333334 → "348.3", 0.017234 → "0.01723".
 * Display only (input values, not amounts): dividing by an integer power of ten keeps String() free of 1e-17 noise.
 */
export const significant = (x: number, digits = 4): string => {
  if (x === 0 || !Number.isFinite(x)) return String(x === 0 ? 0 : x)
  const magnitude = Math.floor(Math.log10(Math.abs(x)))
  const shift = digits - 1 - magnitude
  const r = shift >= 0 ? Math.round(x * 10 ** shift) / 10 ** shift : Math.round(x / 10 ** -shift) * 10 ** -shift
  return String(Object.is(r, -0) ? 0 : r)
}

/** Decimals in a number's shortest text: "44.1" → 1. */
const decimalsOf = (text: string): number => text.split(".")[1]?.length ?? 0

/** A plain quantity at most 4 significant digits: 285, 348.3, 1,250, 12.35k, 3.5M. */
export const compactNumber = (x: number): string => {
  const a = Math.abs(x)
  const sign = x < 0 ? "−" : ""
  if (a >= 1e6) return `${sign}${significant(a / 1e6)}M`
  if (a >= 1e4) return `${sign}${significant(a / 1e3)}k`
  const s = significant(a)
  return sign + (a >= 1e3 ? count(Number(s)) : s)
}

/**
 * A dollar input (a price, a unit price, a fixed cost) at most 4 significant digits: $44.10, $134.1, $0.0141, $27k.
 * Cents are shown whenever they fit in the 4 digits, so a price reads like a price.
 */
export const compactUsd = (x: number): string => {
  const a = Math.abs(x)
  const sign = x < 0 ? "−" : ""
  if (a >= 1e6) return `${sign}$${significant(a / 1e6)}M`
  if (a >= 1e3) return `${sign}$${significant(a / 1e3)}k`
  const s = significant(a)
  const d = decimalsOf(s)
  // "44.1" → "44.10" and "0.9" → "0.90", but "134.1" stays (5 digits with cents) and "39" stays (whole dollars)
  const padded = d === 1 && a < 100 ? `${s}0` : s
  return `${sign}$${padded}`
}

/** A fraction as a percentage, at most 4 significant digits: 0.0072 → "0.72%", 0.045 → "4.5%". */
export const fractionPct = (x: number): string => `${x < 0 ? "−" : ""}${significant(Math.abs(x) * 100)}%`

export const percentTick = (n: number): string => `${n < 0 ? "−" : ""}${short(Math.abs(n), 1)}%`

export const probabilityTick = (p: number): string => `${short(p * 100, 0)}%`

/** "$49,000.00" from a contract money string (exact; only roundMoney could change cents, and it is a no-op on cents). */
export const usd = (text: string, field = "amount"): string => formatUsd(moneyOf(text, field))

/** Exact cell text for a BigDecimal amount. */
export const usdOf = (amount: BigDecimal.BigDecimal): string => formatUsd(amount)

/** What a figure without a value shows (a margin with no revenue): one convention for tables, cards and charts. */
export const NA = "n/a"

/** "72.4%" from a one-decimal percentage. */
export const pctOf = (p: BigDecimal.BigDecimal): string => `${formatPercent(p)}%`

/** Integers with thousands separators: 12,345. */
export const count = (n: number | bigint): string => {
  const s = String(n)
  const neg = s.startsWith("-")
  return (neg ? "-" : "") + (neg ? s.slice(1) : s).replace(/\B(?=(\d{3})+(?!\d))/g, ",")
}

export const escapeXml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;")
