// pnl.csv: the monthly P&L as finance lays one out, line items down and months across, so it opens in a spreadsheet
// as a P&L (revenue, each cost line, gross profit and margin, each fixed cost, net profit and margin, cumulative); and
// montecarlo.csv: the Monte Carlo percentiles per month. Amounts are the engine's exact decimals; a margin without
// revenue is an empty cell (n/a).
import * as BigDecimal from "effect/BigDecimal"
import { formatMoney, formatPercent, sumMoney } from "../../model/money.ts"
import { costLineLabel, costLines, moneyOf, netMarginPct, totalUsers, variableCosts } from "./figures.ts"
import { type Cell, toCsv } from "./csv.ts"
import type { MonthFigures, ScenarioSummary } from "../engine/summaryContract.ts"

interface PnlLine {
  readonly label: string
  readonly cell: (m: MonthFigures) => Cell
}

const pctCell = (p: BigDecimal.BigDecimal | undefined): Cell => (p === undefined ? null : formatPercent(p))

const label = (key: string) => key.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase())

/** Fixed-cost items in the order they first appear (a step can add one). */
const fixedItems = (summary: Pick<ScenarioSummary, "months">): ReadonlyArray<string> => {
  const seen = new Set<string>()
  for (const m of summary.months) for (const k of Object.keys(m.fixed_costs ?? {})) seen.add(k)
  return [...seen]
}

export const pnlLines = (summary: Pick<ScenarioSummary, "months">): ReadonlyArray<PnlLine> => {
  const money = (m: MonthFigures, k: "revenue" | "gross_profit" | "fixed" | "net_profit" | "cumulative_net_profit" | "jettythunder_pool") =>
    formatMoney(moneyOf(m[k], `${m.month}.${k}`))
  const items = fixedItems(summary)
  return [
    { label: "Users", cell: totalUsers },
    { label: "Paying users", cell: (m) => m.paying_users },
    { label: "Revenue", cell: (m) => money(m, "revenue") },
    ...costLines(summary).map((l) => ({ label: `Cost: ${costLineLabel(l)}`, cell: (m: MonthFigures) => m.costs[l] ?? "0.00" })),
    { label: "Variable costs", cell: (m) => formatMoney(variableCosts(m)) },
    { label: "Gross profit", cell: (m) => money(m, "gross_profit") },
    { label: "Gross margin %", cell: (m) => m.gross_margin_pct },
    ...items.map((k) => ({ label: `Fixed: ${label(k)}`, cell: (m: MonthFigures) => m.fixed_costs?.[k] ?? "0.00" })),
    { label: "Fixed costs", cell: (m) => money(m, "fixed") },
    { label: "Net profit", cell: (m) => money(m, "net_profit") },
    { label: "Net margin %", cell: (m) => pctCell(netMarginPct(m)) },
    { label: "Cumulative net profit", cell: (m) => money(m, "cumulative_net_profit") },
    { label: "JettyThunder pool (owed to JettyThunder: storage, bandwidth, API)", cell: (m) => money(m, "jettythunder_pool") }
  ]
}

/** The P&L: one row per line item, one column per month (YYYY-MM), plus the horizon total of each flow. */
export const pnlCsv = (summary: Pick<ScenarioSummary, "months">): string => {
  const lines = pnlLines(summary)
  const months = summary.months
  // a total makes sense for amounts that flow (revenue, costs, profits), not for counts, margins or the running sum
  const total = (l: PnlLine): Cell => {
    if (/^(Users|Paying users|Cumulative|.*%)/.test(l.label)) return null
    const values = months.map((m) => l.cell(m)).filter((v): v is string => typeof v === "string")
    return formatMoney(sumMoney(values.map((v) => BigDecimal.fromStringUnsafe(v))))
  }
  return toCsv(
    ["line", ...months.map((m) => m.month), "total"],
    lines.map((l) => [l.label, ...months.map((m) => l.cell(m)), total(l)])
  )
}

/** montecarlo.csv: per month, p5/p50/p95 of each figure and P(sustained break-even by that month). */
export const monteCarloCsv = (summary: ScenarioSummary): string | undefined => {
  const mc = summary.monte_carlo
  if (mc === undefined) return undefined
  const figures = Object.keys(mc.percentiles)
  const byMonth = new Map(figures.map((f) => [f, new Map(mc.percentiles[f]!.map((b) => [b.month, b]))]))
  const p = new Map(mc.p_break_even_by_month.map((d) => [d.month, d.p]))
  return toCsv(
    ["month", ...figures.flatMap((f) => [`${f}_p5`, `${f}_p50`, `${f}_p95`]), "p_sustained_break_even_by_month"],
    summary.months.map((m) => [
      m.month,
      ...figures.flatMap((f) => {
        const b = byMonth.get(f)!.get(m.month)
        return b === undefined ? [null, null, null] : [b.p5, b.p50, b.p95]
      }),
      p.get(m.month)
    ])
  )
}
