// Scenario inputs named for people: "sheet.tiers.pro.price" reads "Pro price", "users.churn.pro" "Pro churn (monthly)",
// "fixed_costs.2.costs.development" "Fixed costs (step 3): development". The engine's notes and the reports share it.
import { costLineLabel } from "./outputCatalogue.ts"

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
export const stripRoot = (path: string): ReadonlyArray<string> => {
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
      // flows are monthly shares of last month's users (schema.ts): the period belongs in the name
      if (b === "conversion") return `Conversion to ${tier(c)} (monthly)`
      if (b === "churn") return `${tier(c)} churn (monthly)`
      if (b === "upgrade") return `Upgrade from ${tier(c)} (monthly)`
      if (b === "downgrade") return `Downgrade from ${tier(c)} (monthly)`
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
