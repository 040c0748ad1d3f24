// The handful of numbers a reader wants before any chart: break-even, payback, the cash the plan burns first, month-12
// and horizon revenue/net/margin, and the Monte Carlo odds. Shared by the HTML page and the terminal table.
import * as BigDecimal from "effect/BigDecimal"
import { formatUsd } from "../../model/money.ts"
import { breakEvenMonths, moneyOf, netMarginPct, paybackMonth, troughMonth } from "./figures.ts"
import { monthLabel, monthRangeLabel, monthsBetween, NA, pctOf, usd } from "./format.ts"
import type { MonthFigures, ScenarioSummary } from "../engine/summaryContract.ts"

export interface MonthHeadline {
  readonly label: string
  readonly month: string
  readonly revenue: string
  readonly netProfit: string
  readonly netNegative: boolean
  readonly grossMargin: string
  readonly netMargin: string
}

export interface MonthIndex {
  readonly month: string
  readonly index: number
}

export interface Headline {
  readonly scenario: string
  readonly first: string
  readonly last: string
  readonly months: number
  /** the first month with net profit ≥ 0 and its position (1 = first month); null when there is none within the horizon */
  readonly breakEven: MonthIndex | null
  /** the first month from which net profit stays ≥ 0 to the horizon */
  readonly sustained: MonthIndex | null
  /** loss months after the first break-even, as text: ["Jul–Aug 2026"] */
  readonly relapses: ReadonlyArray<string>
  /** first month with cumulative net profit ≥ 0 */
  readonly payback: MonthIndex | null
  /** the cash to raise: minus the lowest cumulative net profit, and its month, when it goes below zero */
  readonly trough: { readonly amount: string; readonly month: string } | null
  readonly month12: MonthHeadline | null
  readonly horizon: MonthHeadline
  readonly monteCarlo: {
    readonly runs: number
    readonly seed: string
    /** P(sustained break-even by month) at month 12, 24, … and the horizon, as "90%" */
    readonly pBreakEven: ReadonlyArray<{ readonly month: string; readonly p: string }>
    /** cumulative net profit at the horizon, p5/p50/p95 (statistics over runs, shown to the whole dollar) */
    readonly cumulativeAtHorizon: { readonly p5: string; readonly p50: string; readonly p95: string } | null
  } | null
}

const indexed = (first: string, month: string): MonthIndex => ({ month, index: monthsBetween(first, month) + 1 })

/** "Aug 2027 (month 20)" */
export const monthIndexText = (m: MonthIndex): string => `${monthLabel(m.month)} (month ${m.index})`

const monthHeadline = (label: string, m: MonthFigures): MonthHeadline => {
  const net = netMarginPct(m)
  return {
    label,
    month: m.month,
    revenue: usd(m.revenue, `${m.month}.revenue`),
    netProfit: usd(m.net_profit, `${m.month}.net_profit`),
    netNegative: BigDecimal.isNegative(moneyOf(m.net_profit, `${m.month}.net_profit`)),
    grossMargin: m.gross_margin_pct === null ? NA : `${m.gross_margin_pct}%`,
    netMargin: net === undefined ? NA : pctOf(net)
  }
}

// statistics, not money: the percentile of many runs is shown to the whole dollar with grouping
const wholeDollars = (x: number): string => {
  const r = Math.round(x)
  const s = String(Math.abs(r)).replace(/\B(?=(\d{3})+(?!\d))/g, ",")
  return `${r < 0 ? "-" : ""}$${s}`
}

export const percentText = (p: number): string => {
  const pct = p * 100
  // 99.6% must not read "100%" and 0.4% must not read "0%": say "<1%" / ">99%" at the ends
  if (pct > 0 && pct < 1) return "<1%"
  if (pct > 99 && pct < 100) return ">99%"
  return `${Math.round(pct)}%`
}

export const headline = (summary: ScenarioSummary): Headline => {
  const months = summary.months
  const first = months[0]!
  const last = months.at(-1)!
  const m12 = months[11]
  const trough = troughMonth(summary)
  const be = breakEvenMonths(summary)
  const payback = paybackMonth(summary)
  const mc = summary.monte_carlo
  const pbe = mc?.p_break_even_by_month ?? []
  const checkpoints = pbe.filter((_, i) => (i + 1) % 12 === 0 || i === pbe.length - 1)
  const cumulative = mc?.percentiles["cumulative_net_profit"]?.at(-1)
  return {
    scenario: summary.scenario,
    first: first.month,
    last: last.month,
    months: months.length,
    breakEven: be.first === null ? null : indexed(first.month, be.first),
    sustained: be.sustained === null ? null : indexed(first.month, be.sustained),
    relapses: be.relapses.map((r) => monthRangeLabel(r.from, r.to)),
    payback: payback === null ? null : indexed(first.month, payback),
    trough: trough === undefined
      ? null
      : { amount: formatUsd(BigDecimal.negate(moneyOf(trough.cumulative_net_profit, `${trough.month}.cumulative_net_profit`))), month: monthLabel(trough.month) },
    month12: m12 === undefined || months.length <= 12 ? null : monthHeadline("Month 12", m12),
    horizon: monthHeadline(`Horizon (month ${months.length})`, last),
    monteCarlo:
      mc === undefined
        ? null
        : {
            runs: mc.runs,
            seed: String(mc.seed),
            pBreakEven: checkpoints.map((d) => ({ month: monthLabel(d.month), p: percentText(d.p) })),
            cumulativeAtHorizon:
              cumulative === undefined ? null : { p5: wholeDollars(cumulative.p5), p50: wholeDollars(cumulative.p50), p95: wholeDollars(cumulative.p95) }
          }
  }
}
