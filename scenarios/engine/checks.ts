// A scenario's checks (e.g. the plan's success metrics) evaluated on its projection: pass or fail, with the figure.
// Every comparison is exact (cross-multiplied ratios), the shown figure is rounded for people.
import * as BigDecimal from "effect/BigDecimal"
import { divideRounded, formatFixed, formatUsd, shownAgainstTarget, unitEconomicsVerdict } from "../../model/index.ts"
import type { Check as ReportCheck } from "./summaryContract.ts"
import type { Check } from "../scenario/schema.ts"
import { OUTPUT_CATALOGUE } from "./outputCatalogue.ts"
import { monthOutput, type OutputRatio } from "./outputs.ts"
import type { Projection } from "./project.ts"
import { payingUsers } from "./summaryJson.ts"

type Ratio = OutputRatio

const isPct = (metric: Check["metric"]) => OUTPUT_CATALOGUE[metric].unit === "pct"
const isMoney = (metric: Check["metric"]) => OUTPUT_CATALOGUE[metric].unit === "usd"

/** num/den ≥ bound ⇔ num ≥ bound·den (den > 0) */
const atLeast = (r: Ratio, bound: BigDecimal.BigDecimal) => BigDecimal.isGreaterThanOrEqualTo(r.num, BigDecimal.multiply(bound, r.den))
const atMost = (r: Ratio, bound: BigDecimal.BigDecimal) => BigDecimal.isLessThanOrEqualTo(r.num, BigDecimal.multiply(bound, r.den))
const above = (r: Ratio, bound: BigDecimal.BigDecimal) => BigDecimal.isGreaterThan(r.num, BigDecimal.multiply(bound, r.den))
const below = (r: Ratio, bound: BigDecimal.BigDecimal) => BigDecimal.isLessThan(r.num, BigDecimal.multiply(bound, r.den))

const shown = (metric: Check["metric"], r: Ratio, target?: BigDecimal.BigDecimal): string => {
  // two decimals, and more when they would land on the target the exact ratio misses (1.996% is never "2.00%")
  if (isPct(metric)) return `${target === undefined ? formatFixed(divideRounded(r.num, r.den, 2, "half-even"), 2) : shownAgainstTarget(r.num, r.den, target, 2)}%`
  if (isMoney(metric)) return formatUsd(divideRounded(r.num, r.den, 2, "half-even"))
  return BigDecimal.format(BigDecimal.normalize(divideRounded(r.num, r.den, 0, "half-even")))
}

const bound = (metric: Check["metric"], b: BigDecimal.BigDecimal) =>
  isPct(metric) ? `${BigDecimal.format(b)}%` : isMoney(metric) ? formatUsd(b) : BigDecimal.format(b)

const targetText = (c: Check): string => {
  const parts: Array<string> = []
  if (c.min !== undefined) parts.push(`≥ ${bound(c.metric, c.min)}`)
  if (c.max !== undefined) parts.push(`≤ ${bound(c.metric, c.max)}`)
  if (c.above !== undefined) parts.push(`> ${bound(c.metric, c.above)}`)
  if (c.below !== undefined) parts.push(`< ${bound(c.metric, c.below)}`)
  return parts.join(" and ")
}

const ratioOf = (c: Check, p: Projection, i: number): Ratio | string =>
  monthOutput(p.months[i]!, c.metric, i === 0 ? p.input.flows.start : p.months[i - 1]!.users)

const atPayingUsers = (c: Check) => c.metric === "unit_contribution" || c.metric === "positive_unit_economics"

/** Evaluates each check; the month is the check's own, else the last (unit_contribution: first month with N paying users). */
export const evaluateChecks = (p: Projection, checks: ReadonlyArray<Check>): ReadonlyArray<ReportCheck> =>
  checks.map((c) => {
    const keys = p.input.monthKeys
    let i: number
    if (atPayingUsers(c)) {
      const n = c.at_paying_users ?? 0
      i = p.months.findIndex((m) => payingUsers(m) >= n && payingUsers(m) > 0)
      if (i < 0) return { name: c.name, target: targetText(c), value: `never ${n} paying users in the horizon`, pass: false }
    } else {
      i = c.month === undefined ? keys.length - 1 : keys.indexOf(c.month)
      if (i < 0) return { name: c.name, target: targetText(c), value: `${c.month} is outside ${keys[0]} – ${keys.at(-1)}`, pass: false }
    }
    const r = ratioOf(c, p, i)
    const where = atPayingUsers(c) ? ` per paying user in ${keys[i]} (${payingUsers(p.months[i]!)} paying)` : ` in ${keys[i]}`
    if (typeof r === "string") return { name: c.name, target: targetText(c), value: r + where, pass: false }
    if (c.metric === "positive_unit_economics") {
      // gross profit is the contribution: every variable cost, support included, before fixed costs
      const v = unitEconomicsVerdict(p.months[i]!.grossProfit, BigInt(payingUsers(p.months[i]!)))
      return { name: c.name, target: "contribution per paying user > $0.00 (before fixed costs)", value: shown(c.metric, r) + where, pass: v.positive }
    }
    const pass = (c.min === undefined || atLeast(r, c.min)) && (c.max === undefined || atMost(r, c.max)) &&
      (c.above === undefined || above(r, c.above)) && (c.below === undefined || below(r, c.below))
    return { name: c.name, target: targetText(c), value: shown(c.metric, r, c.min ?? c.max ?? c.above ?? c.below) + where, pass }
  })
