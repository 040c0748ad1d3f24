// Scenario input values for people: "$44.10", "4.5%" or "348.3" instead of raw floats, the unit read from the input's
// path (its name is engine/inputLabel.ts).
import { stripRoot } from "../engine/inputLabel.ts"
import { compactNumber, compactUsd, fractionPct } from "./format.ts"

export type InputUnit = "usd" | "pct" | "number"

// Fractions of something (rates, shares, usage of an allowance); shown as % when the values are within ±1.
const RATE_SEGMENTS = new Set(["churn", "conversion", "upgrade", "downgrade", "growth", "mix", "usage", "media", "tiering"])
const RATE_WORDS = /(^|_)(ratio|ratios|share|rate|savings|fraction)($|_)/
// Whole quantities even under a rate-like root: ramp lengths, day counts, request counts.
const COUNT_WORDS = /(^|_)(months|days|requests|users)$/
const USD_SEGMENTS = new Set(["price", "prices", "unit_prices", "costs", "fixed", "fixed_costs", "flat_lines", "support_per_user", "usd"])

/**
 * How an input's values read: dollars (prices, unit prices `*_per_*`, `costs.*`), percent (rates, shares, usage) or a
 * plain number. Percent needs both values within ±1, so a misread path still prints its value, never 3400%.
 */
export const inputUnit = (path: string, values: ReadonlyArray<number | string> = []): InputUnit => {
  const p = stripRoot(path)
  const last = p.at(-1) ?? ""
  const nums = values.map(Number)
  const fractions = nums.every((n) => Number.isFinite(n) && Math.abs(n) <= 1)
  if (!COUNT_WORDS.test(last) || last.includes("_per_")) {
    if (fractions && p.some((s) => RATE_SEGMENTS.has(s) || RATE_WORDS.test(s))) return "pct"
  }
  if (p.some((s) => USD_SEGMENTS.has(s) || s.endsWith("_price") || s.endsWith("_costs") || s.includes("_per_"))) return "usd"
  return "number"
}

/** One input value as text: "$44.10", "0.72%", "348.3"; non-numeric values (a distribution name) print as they are. */
export const formatInputValue = (value: number | string, unit: InputUnit): string => {
  const n = typeof value === "number" ? value : value.trim() === "" ? Number.NaN : Number(value)
  if (!Number.isFinite(n)) return String(value)
  switch (unit) {
    case "usd":
      return compactUsd(n)
    case "pct":
      return fractionPct(n)
    case "number":
      return compactNumber(n)
  }
}

/** Values of one input, formatted alike (the unit is decided from the path and all of its values together). */
export const formatInputValues = (path: string, values: ReadonlyArray<number | string>): ReadonlyArray<string> => {
  const unit = inputUnit(path, values)
  return values.map((v) => formatInputValue(v, unit))
}
