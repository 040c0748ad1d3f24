// The figures of a projection month that sensitivity, goal seek and checks can aim at, read exactly by name, and the
// months they can be asked for (1-based index or "YYYY-MM").
import * as BigDecimal from "effect/BigDecimal"
import { percent } from "../../model/index.ts"
import type { MonthResult, Projection } from "./project.ts"
import { payingUsers } from "./summaryJson.ts"

export const OUTPUTS = [
  "revenue",
  "variable_costs",
  "gross_profit",
  "gross_margin_pct",
  "net_profit",
  "net_margin_pct",
  "cumulative_net_profit",
  "jettythunder_pool",
  "users",
  "paying_users"
] as const
export type Output = (typeof OUTPUTS)[number]

export const isOutput = (s: string): s is Output => (OUTPUTS as ReadonlyArray<string>).includes(s)

const ZERO = BigDecimal.fromBigInt(0n)
const count = (n: number) => BigDecimal.fromBigInt(BigInt(n))

/** The figure as shown (percentages at one decimal, half-even; 0 without revenue). */
export const outputValue = (m: MonthResult, output: Output): BigDecimal.BigDecimal => {
  switch (output) {
    case "revenue":
      return m.revenue
    case "variable_costs":
      return m.variableCosts
    case "gross_profit":
      return m.grossProfit
    case "gross_margin_pct":
      return m.grossMarginPct ?? ZERO
    case "net_profit":
      return m.netProfit
    case "net_margin_pct":
      return percent(m.netProfit, m.revenue) ?? ZERO
    case "cumulative_net_profit":
      return m.cumulativeNetProfit
    case "jettythunder_pool":
      return m.jettythunderPool
    case "users":
      return count(m.users.reduce((a, b) => a + b, 0))
    case "paying_users":
      return count(payingUsers(m))
  }
}

/**
 * The figure as an exact ratio num / den (den > 0), so a target like "margin ≥ 70%" is decided on the unrounded
 * value: 69.96% does not pass because it displays as 70.0. Undefined for a percentage without revenue.
 */
export const outputRatio = (
  m: MonthResult,
  output: Output
): { readonly num: BigDecimal.BigDecimal; readonly den: BigDecimal.BigDecimal } | undefined => {
  const hundred = count(100)
  if (output === "gross_margin_pct" || output === "net_margin_pct") {
    if (BigDecimal.isZero(m.revenue)) return undefined
    const profit = output === "gross_margin_pct" ? m.grossProfit : m.netProfit
    return { num: BigDecimal.multiply(profit, hundred), den: m.revenue }
  }
  return { num: outputValue(m, output), den: count(1) }
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
