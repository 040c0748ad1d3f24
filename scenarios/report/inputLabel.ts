// Scenario inputs for people: "sheet.tiers.pro.price" reads "Pro price", "fixed_costs.2.costs.development" reads
// "Fixed costs (step 3): development", and their values print as $44.10, 4.5% or 348.3 instead of raw floats.
import { costLineLabel } from "./figures.ts"
import { compactNumber, compactUsd, fractionPct } from "./format.ts"

export type InputUnit = "usd" | "pct" | "number"

const TIERS: Readonly<Record<string, string>> = {
  free: "Free",
  starter: "Starter",
  pro: "Pro",
  business: "Business",
  enterprise: "Enterprise"
}

const WORDS: Readonly<Record<string, string>> = {
  mb: "MB",
  gb: "GB",
  tb: "TB",
  api: "API",
  usd: "$",
  lyve: "Lyve",
  redis: "Redis",
  jettythunder: "JettyThunder",
  jettyspeed: "JettySpeed",
  "3d": "3D"
}

const cap = (s: string): string => s.replace(/^./, (c) => c.toUpperCase())
const word = (w: string): string => TIERS[w] ?? WORDS[w] ?? w
const words = (segment: string): string => segment.split("_").map(word).join(" ")
const TIME = new Set(["month", "day", "year", "hour"])
/** "mb_month" → "MB-month" (a compound unit), "100k_requests" → "100k requests" */
const unitWords = (segment: string): string => {
  const parts = segment.split("_").map(word)
  return TIME.has(parts.at(-1) ?? "") ? parts.join("-") : parts.join(" ")
}
/** "redis_per_mb_month" → "Redis per MB-month"; with `noun`, "Redis price per MB-month" */
const perUnit = (segment: string, noun = ""): string | undefined => {
  const i = segment.indexOf("_per_")
  if (i <= 0) return undefined
  return `${cap(words(segment.slice(0, i)))}${noun === "" ? "" : ` ${noun}`} per ${unitWords(segment.slice(i + 5))}`
}
const tier = (id: string): string => TIERS[id] ?? cap(words(id))
const RAMP: Readonly<Record<string, string>> = { from: "ramp start", to: "ramp end", months: "ramp months" }

/** The same path without where it lives: "sheet."/"overrides." say which file holds the value, not what it is. */
const stripRoot = (path: string): ReadonlyArray<string> => {
  const p = path.split(".")
  return p[0] === "sheet" || p[0] === "overrides" ? p.slice(1) : p
}

/**
 * A short human label for an input path. Known shapes (tier prices, user flows, usage, fixed-cost steps, unit
 * prices) get phrases; anything else reads as "First: rest of the path" with underscores as spaces.
 */
export const inputLabel = (path: string): string => {
  const p = stripRoot(path)
  const [a, b, c, d] = p
  if (a === "tiers" && b !== undefined && p.length >= 3) {
    if (c === "price" && p.length === 3) return `${tier(b)} price`
    if (c === "flat_lines" && d !== undefined) return `${tier(b)} ${costLineLabel(d)} (flat)`
    return `${tier(b)} ${p.slice(2).map(words).join(" ")}`
  }
  if (a === "users") {
    if (b === "signups" && c === "per_month")
      return d === undefined ? "Sign-ups per month" : d === "start" ? "Sign-ups in month 1" : d === "growth" ? "Sign-up growth per month" : `Sign-ups per month: ${words(d)}`
    if (b === "signups" && c === "mix" && d !== undefined) return `Sign-up mix: ${tier(d)}`
    if (c !== undefined && p.length === 3) {
      if (b === "conversion") return `Conversion to ${tier(c)}`
      if (b === "churn") return `${tier(c)} churn`
      if (b === "upgrade") return `Upgrade from ${tier(c)}`
      if (b === "downgrade") return `Downgrade from ${tier(c)}`
      if (b === "start") return `${tier(c)} users at start`
    }
  }
  if (a === "usage" && b !== undefined && c !== undefined && p.length <= 4) {
    const scope = b === "default" ? [] : [tier(b)]
    const ramp = d === undefined ? [] : [RAMP[d] ?? words(d)]
    const detail = [...scope, ...ramp]
    return `${cap(words(c))} usage${detail.length > 0 ? ` (${detail.join(", ")})` : ""}`
  }
  if (a === "fixed_costs") {
    // scenario fixed costs are steps in time ("fixed_costs.2.costs.development"); the sheet's are one record
    if (b !== undefined && /^\d+$/.test(b)) {
      const step = `Fixed costs (step ${Number(b) + 1})`
      return c === "costs" && d !== undefined ? `${step}: ${words(d)}` : `${step}: ${p.slice(2).map(words).join(" ")}`
    }
    if (b !== undefined) return `Fixed costs: ${p.slice(1).map(words).join(" ")}`
  }
  if (a === "unit_prices" && b !== undefined && p.length === 2) return perUnit(b, "price") ?? `${cap(words(b))} price`
  if (a === "support_per_user" && b !== undefined && p.length === 2) return `Support per ${tier(b)} user`
  const parts = p.map((s) => (/^\d+$/.test(s) ? `#${Number(s) + 1}` : (perUnit(s) ?? words(s))))
  return parts.length === 1 ? cap(parts[0] ?? path) : `${cap(parts[0] ?? "")}: ${parts.slice(1).join(" ")}`
}

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
