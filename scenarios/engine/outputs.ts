// The outputs of the catalogue (outputCatalogue.ts) computed from a projection month, exactly, by name — for checks,
// Monte Carlo, sensitivity, goal seek and compare alike — and the months they can be asked for (1-based or "YYYY-MM").
import * as BigDecimal from "effect/BigDecimal"
import { divideRounded, payingUsersOf } from "../../model/index.ts"
import { OUTPUT_CATALOGUE, type OutputName, type OutputsFor, SEEK_OUTPUTS } from "./outputCatalogue.ts"
import type { MonthResult, Projection } from "./project.ts"
import { payingUsers } from "./summaryJson.ts"

/** The outputs sensitivity, goal seek and compare can aim at (the catalogue's `seek` outputs). */
export const OUTPUTS = SEEK_OUTPUTS
export type Output = OutputsFor<"seek">

export const isOutput = (s: string): s is Output => (OUTPUTS as ReadonlyArray<string>).includes(s)

const count = (n: number) => BigDecimal.fromBigInt(BigInt(n))
const ZERO = count(0)
const ONE = count(1)
const HUNDRED = count(100)
const sumOf = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0)

/** An output as an exact ratio num / den (den > 0), or why the month has none (a margin without revenue). */
export type OutputRatio = { readonly num: BigDecimal.BigDecimal; readonly den: BigDecimal.BigDecimal }

/**
 * Every output of the catalogue in month `m`, exactly, as a ratio: a target like "margin ≥ 70%" is decided on the
 * unrounded value (69.96% does not pass because it displays as 70.0). `previousUsers`: the head count the month
 * started with (churn is measured against it).
 */
export const monthOutput = (
  m: MonthResult,
  output: OutputName,
  previousUsers: ReadonlyArray<number> = []
): OutputRatio | string => {
  const whole = (num: BigDecimal.BigDecimal): OutputRatio => ({ num, den: ONE })
  switch (output) {
    case "users":
      return whole(count(sumOf(m.users)))
    case "paying_users":
      return whole(count(payingUsers(m)))
    case "revenue":
      return whole(m.revenue)
    case "variable_costs":
      return whole(m.variableCosts)
    case "total_costs":
      return whole(BigDecimal.sum(m.variableCosts, m.fixed))
    case "gross_profit":
      return whole(m.grossProfit)
    case "fixed":
      return whole(m.fixed)
    case "net_profit":
      return whole(m.netProfit)
    case "cumulative_net_profit":
      return whole(m.cumulativeNetProfit)
    case "jettythunder_pool":
      return whole(m.jettythunderPool)
    case "gross_margin_pct":
    case "net_margin_pct":
      if (BigDecimal.isZero(m.revenue)) return "no revenue in that month"
      return { num: BigDecimal.multiply(output === "gross_margin_pct" ? m.grossProfit : m.netProfit, HUNDRED), den: m.revenue }
    case "paying_churn_pct": {
      // paying users lost this month over the paying users the month started with
      const base = payingUsersOf(previousUsers)
      if (base === 0) return "no paying users at the start of that month"
      return { num: count(payingUsersOf(m.churned) * 100), den: count(base) }
    }
    case "unit_contribution":
    case "positive_unit_economics": {
      const users = payingUsers(m)
      if (users === 0) return "no paying users in that month"
      return { num: m.grossProfit, den: count(users) }
    }
  }
}

/** The figure as shown: money to the cent, percentages at one decimal (half-even; 0 without revenue), counts whole. */
export const outputValue = (m: MonthResult, output: Output): BigDecimal.BigDecimal => {
  if (output === "gross_margin_pct") return m.grossMarginPct ?? ZERO // computed once by the engine, same rule
  const r = monthOutput(m, output)
  if (typeof r === "string") return ZERO
  if (OUTPUT_CATALOGUE[output].unit === "pct") return divideRounded(r.num, r.den, 1, "half-even")
  return r.num // den is 1 for every money and count output
}

/** The figure as an exact ratio (see `monthOutput`); undefined for a percentage without revenue. */
export const outputRatio = (m: MonthResult, output: Output): OutputRatio | undefined => {
  const r = monthOutput(m, output)
  return typeof r === "string" ? undefined : r
}

/** Month index (0-based) from "12" (1-based) or "2026-12"; undefined when outside the projection. */
export const monthIndexOf = (p: Pick<Projection, "input">, text: string): number | undefined => {
  const keys = p.input.monthKeys
  if (/^\d+$/.test(text)) {
    const n = Number(text)
    return n >= 1 && n <= keys.length ? n - 1 : undefined
  }
  const i = keys.indexOf(text)
  return i < 0 ? undefined : i
}
