// The terminal view of a scenario: aligned columns, money right-aligned with thousands separators and cents, a few
// months rather than all of them, and the headline figures underneath.
import { formatUsd } from "../../model/money.ts"
import { moneyOf, totalUsers, variableCosts } from "./figures.ts"
import { count, monthLabel, NA } from "./format.ts"
import { type Headline, headline, monthIndexText } from "./headline.ts"
import type { MonthFigures, ScenarioSummary } from "../engine/summaryContract.ts"

export interface SummaryTableOptions {
  /** show every n-th month (plus the first and the last); default 1 up to 12 months, 3 up to 36, else 12 */
  readonly every?: number
}

/** Indices of the months the table shows: the first, every n-th, and the last. */
export const selectedMonths = (length: number, every: number): ReadonlyArray<number> => {
  const picked = new Set<number>([0, length - 1])
  for (let i = every - 1; i < length; i += every) picked.add(i)
  return [...picked].filter((i) => i >= 0).sort((a, b) => a - b)
}

// "-$1,234.50": money in the one format every econ table uses
const amount = (text: string, field: string): string => formatUsd(moneyOf(text, field))

interface Column {
  readonly header: string
  readonly align: "left" | "right"
  readonly cell: (m: MonthFigures) => string
}

const COLUMNS: ReadonlyArray<Column> = [
  { header: "Month", align: "left", cell: (m) => monthLabel(m.month) },
  { header: "Users", align: "right", cell: (m) => count(totalUsers(m)) },
  { header: "Revenue", align: "right", cell: (m) => amount(m.revenue, `${m.month}.revenue`) },
  { header: "Var. costs", align: "right", cell: (m) => formatUsd(variableCosts(m)) },
  { header: "Gross profit", align: "right", cell: (m) => amount(m.gross_profit, `${m.month}.gross_profit`) },
  { header: "GM", align: "right", cell: (m) => (m.gross_margin_pct === null ? NA : `${m.gross_margin_pct}%`) },
  { header: "Fixed", align: "right", cell: (m) => amount(m.fixed, `${m.month}.fixed`) },
  { header: "Net profit", align: "right", cell: (m) => amount(m.net_profit, `${m.month}.net_profit`) },
  { header: "Cumulative", align: "right", cell: (m) => amount(m.cumulative_net_profit, `${m.month}.cumulative_net_profit`) }
]

const nth = (n: number): string => {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th"
  return `${n}${suffix}`
}

/** "Break-even: May 2026 (month 5) — net loss again in Jul–Aug 2026; sustained from Sep 2026 (month 9)" */
export const breakEvenLines = (h: Headline): ReadonlyArray<string> => {
  if (h.breakEven === null) return ["Break-even: not within the horizon"]
  const first = `Break-even: ${monthIndexText(h.breakEven)}`
  if (h.relapses.length === 0) return [first + (h.sustained === null ? "" : ", sustained to the horizon")]
  return [
    `${first}; net loss again in ${h.relapses.join(", ")}`,
    `Sustained break-even (net profit ≥ 0 to the horizon): ${h.sustained === null ? "not within the horizon" : monthIndexText(h.sustained)}`
  ]
}

export const formatSummaryTable = (summary: ScenarioSummary, options: SummaryTableOptions = {}): string => {
  const n = summary.months.length
  if (n === 0) return `Scenario ${summary.scenario}: no months\n`
  const every = options.every ?? (n <= 12 ? 1 : n <= 36 ? 3 : 12)
  const rows = selectedMonths(n, every).map((i) => summary.months[i]!)
  const cells = rows.map((m) => COLUMNS.map((c) => c.cell(m)))
  const widths = COLUMNS.map((c, j) => Math.max(c.header.length, ...cells.map((r) => r[j]!.length)))
  const line = (values: ReadonlyArray<string>) =>
    values.map((v, j) => (COLUMNS[j]!.align === "left" ? v.padEnd(widths[j]!) : v.padStart(widths[j]!))).join("  ").trimEnd()
  const rule = widths.map((w) => "─".repeat(w)).join("  ")
  const h = headline(summary)
  const out = [
    `Scenario ${summary.scenario}: ${monthLabel(h.first)} – ${monthLabel(h.last)} (${h.months} months${every > 1 ? `, every ${nth(every)} month shown` : ""}), USD`,
    "",
    line(COLUMNS.map((c) => c.header)),
    rule,
    ...cells.map(line),
    "",
    ...breakEvenLines(h),
    `Payback (cumulative ≥ 0): ${h.payback === null ? "not within the horizon" : monthIndexText(h.payback)}`,
    ...(h.trough !== null ? [`Cash to raise: ${h.trough.amount} (lowest cumulative net profit, ${h.trough.month})`] : [])
  ]
  if (h.monteCarlo !== null) {
    const mc = h.monteCarlo
    out.push(`Monte Carlo (${count(mc.runs)} runs, seed ${mc.seed}): P(sustained break-even) ${mc.pBreakEven.map((d) => `by ${d.month} ${d.p}`).join(", ")}`)
    if (mc.cumulativeAtHorizon !== null)
      out.push(`  cumulative net profit at ${monthLabel(h.last)}: p5 ${mc.cumulativeAtHorizon.p5}, median ${mc.cumulativeAtHorizon.p50}, p95 ${mc.cumulativeAtHorizon.p95}`)
  }
  return out.join("\n") + "\n"
}
