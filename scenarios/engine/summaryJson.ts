// A projection in the public JSON contract (summary.json, `econ run --json`) and as CSV rows (one per month × tier).
// Money leaves as decimal strings with two places; counts as integers.
import * as BigDecimal from "effect/BigDecimal"
import { breakEvenRun, formatMoney, formatPercent, payingUsersOf, sumMoney } from "../../model/index.ts"
import type { MonthFigures, ProjectionRow, ScenarioSummary } from "./summaryContract.ts"
import { LINES, REVENUE } from "./prepare.ts"
import type { MonthResult, Projection } from "./project.ts"

/** A margin with no revenue behind it has no value: null in JSON, "n/a" on screen (as `econ tiers` shows it). */
const pct = (p: BigDecimal.BigDecimal | undefined): string | null => (p === undefined ? null : formatPercent(p))

const perTier = (tiers: ReadonlyArray<string>, values: ReadonlyArray<number>): Record<string, number> =>
  Object.fromEntries(tiers.map((t, k) => [t, values[k]!]))

export interface MonthJson extends MonthFigures {
  readonly paying_users: number
  readonly signups: Readonly<Record<string, number>>
  readonly churned: Readonly<Record<string, number>>
  readonly fixed_costs: Readonly<Record<string, string>>
}

export const monthJson = (p: Projection, m: MonthResult, i: number): MonthJson => {
  const tiers = p.input.tiers
  return {
    month: m.month,
    users: perTier(tiers, m.users),
    paying_users: payingUsers(m),
    signups: perTier(tiers, m.signups),
    churned: perTier(tiers, m.churned),
    revenue: formatMoney(m.revenue),
    costs: Object.fromEntries(LINES.map((l, j) => [l, formatMoney(m.lines[j]!)])),
    gross_profit: formatMoney(m.grossProfit),
    gross_margin_pct: pct(m.grossMarginPct),
    fixed: formatMoney(m.fixed),
    fixed_costs: Object.fromEntries(Object.entries(p.input.fixedItems[i]!).map(([k, v]) => [k, formatMoney(v)])),
    net_profit: formatMoney(m.netProfit),
    cumulative_net_profit: formatMoney(m.cumulativeNetProfit),
    jettythunder_pool: formatMoney(m.jettythunderPool)
  }
}

/** Users of every tier but Free (the model's `payingUsersOf`). */
export const payingUsers = (m: MonthResult): number => payingUsersOf(m.users)

/** The deterministic part of the summary; Monte Carlo, sensitivity and the rest are added by runScenario. */
export interface SummaryJson extends Omit<ScenarioSummary, "monte_carlo" | "sensitivity" | "two_way"> {
  readonly months: ReadonlyArray<MonthJson>
  /** first month from which net profit stays ≥ 0 to the horizon (break_even_month is the first month it is ≥ 0) */
  readonly break_even_sustained_month: string | null
  /** months after the first break-even with a net loss again, as runs: [{ from: "2026-07", to: "2026-08" }] */
  readonly relapses: ReadonlyArray<{ readonly from: string; readonly to: string }>
  /** first month whose cumulative net profit is ≥ 0 */
  readonly payback_month: string | null
}

export const summaryJson = (p: Projection): SummaryJson => {
  const keys = p.input.monthKeys
  const run = breakEvenRun(p.months.map((m) => BigDecimal.isNegative(m.netProfit)))
  return {
    scenario: p.input.name,
    months: p.months.map((m, i) => monthJson(p, m, i)),
    break_even_month: run.first < 0 ? null : keys[run.first]!,
    break_even_sustained_month: run.sustained < 0 ? null : keys[run.sustained]!,
    relapses: run.relapses.map((r) => ({ from: keys[r.from]!, to: keys[r.to]! })),
    payback_month: p.paybackIndex < 0 ? null : keys[p.paybackIndex]!
  }
}

/**
 * projection.csv rows: per month and tier, each line's share of the month's booked amount (largest remainder, so a
 * month's tier rows add up to its summary figures exactly). Needs a projection run with `detail`.
 */
export const projectionRows = (p: Projection): ReadonlyArray<ProjectionRow> => {
  const rows: Array<ProjectionRow> = []
  for (const m of p.months) {
    const byTier = m.byTier
    if (byTier === undefined) throw new Error("projectionRows: run project() with { detail: true }")
    p.input.tiers.forEach((tier, k) => {
      const lines = LINES.map((_, l) => byTier[l]![k]!)
      const revenue = byTier[REVENUE]![k]!
      const variable = sumMoney(lines)
      const gross = BigDecimal.subtract(revenue, variable)
      rows.push({
        month: m.month,
        tier,
        users: m.users[k]!,
        signups: m.signups[k]!,
        churned: m.churned[k]!,
        revenue: formatMoney(revenue),
        ...Object.fromEntries(LINES.map((l, j) => [l, formatMoney(lines[j]!)])),
        variable_costs: formatMoney(variable),
        gross_profit: formatMoney(gross),
        jettythunder_pool: formatMoney(sumMoney(p.input.poolRows.map((r) => byTier[r]![k]!)))
      })
    })
  }
  return rows
}
