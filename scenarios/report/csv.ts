// CSV for spreadsheets: the projection (month × tier) with a stable column order, and the A/B difference table.
// RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or line break. Differences are exact.
import * as BigDecimal from "effect/BigDecimal"
import { DECIMAL_TEXT, formatMoney, formatPercent, percent } from "../../model/money.ts"
import { COST_LINE_ORDER, costLines, figureUnit, figureValue } from "./figures.ts"
import { monthsBetween } from "./format.ts"
import { ReportInputError, type MonthFigures, type ProjectionRow, type ScenarioSummary } from "../engine/summaryContract.ts"

export type Cell = string | number | bigint | boolean | null | undefined

/** One field, quoted only when needed. Text that a spreadsheet would run as a formula gets a leading quote (OWASP). */
export const csvField = (value: Cell): string => {
  if (value === null || value === undefined) return ""
  let s = String(value)
  if (typeof value === "string" && !DECIMAL_TEXT.test(s) && /^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export const toCsv = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<Cell>>): string =>
  [header, ...rows].map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n"

const LEADING = ["month", "tier", "users", "revenue"]
const TRAILING = ["variable_costs", "gross_profit", "gross_margin_pct", "fixed", "net_profit", "cumulative_net_profit", "jettythunder_pool"]

/**
 * Column order: month, tier, users, revenue, the known cost lines in canonical order, the known totals, then any other
 * column A→Z (a new cost line lands there until it joins COST_LINE_ORDER). The same rows always give the same header,
 * whatever key order the engine used.
 */
export const projectionColumns = (rows: ReadonlyArray<ProjectionRow>): ReadonlyArray<string> => {
  const keys = new Set<string>(["month", "tier"])
  for (const r of rows) for (const k of Object.keys(r)) keys.add(k)
  const placed = [...LEADING, ...COST_LINE_ORDER, ...TRAILING].filter((k) => keys.has(k))
  const rest = [...keys].filter((k) => !placed.includes(k)).sort()
  return [...placed, ...rest]
}

export interface ProjectionCsvOptions {
  /** explicit column order; default projectionColumns(rows) */
  readonly columns?: ReadonlyArray<string>
}

/** projection.csv: one row per month and tier, rows sorted by month then in the order given. */
export const projectionCsv = (rows: ReadonlyArray<ProjectionRow>, options: ProjectionCsvOptions = {}): string => {
  const columns = options.columns ?? projectionColumns(rows)
  rows.forEach((r, i) => {
    if (typeof r.month !== "string" || !/^\d{4}-\d{2}$/.test(r.month))
      throw new ReportInputError({ field: `rows[${i}].month`, message: `rows[${i}].month = ${JSON.stringify(r.month)}: expected "YYYY-MM"` })
    for (const c of columns) {
      const v = r[c]
      if (typeof v === "number" && !Number.isInteger(v))
        throw new ReportInputError({ field: `rows[${i}].${c}`, message: `rows[${i}].${c} = ${v} is a float: money must be a decimal string, counts integers` })
    }
  })
  // a stable sort keeps the engine's tier order within a month
  const sorted = [...rows].sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0))
  return toCsv(columns, sorted.map((r) => columns.map((c) => r[c])))
}

// ── A vs B ──────────────────────────────────────────────────────────────────────────────────────────────────────

export interface CompareRow {
  readonly figure: string
  readonly month: string
  /** the figure in A and B as exact decimal strings; null when that scenario lacks the month or line */
  readonly a: string | null
  readonly b: string | null
  /** B − A, exact */
  readonly diff: string | null
  /** (B − A) / |A| in percent, one decimal, half-even; null when A is zero or missing, or the figure is a percentage */
  readonly diff_pct: string | null
}

export interface CompareTableOptions {
  /** figures to compare; default: revenue, total/variable costs, each cost line, profits, margins, fixed, users, pool */
  readonly figures?: ReadonlyArray<string>
  /** "horizon": the last month both scenarios have (default); "month": every month in either; or one "YYYY-MM" */
  readonly at?: "horizon" | "month" | string
}

export const defaultCompareFigures = (a: ScenarioSummary, b: ScenarioSummary): ReadonlyArray<string> => {
  const lines = costLines({ months: [...a.months, ...b.months] })
  return [
    "users",
    "revenue",
    ...lines.map((l) => `cost.${l}`),
    "variable_costs",
    "gross_profit",
    "gross_margin_pct",
    "fixed",
    "total_costs",
    "net_profit",
    "net_margin_pct",
    "cumulative_net_profit",
    "jettythunder_pool"
  ]
}

const text = (v: BigDecimal.BigDecimal, figure: string): string => {
  const unit = figureUnit(figure)
  if (unit === "count") return BigDecimal.format(v)
  if (unit === "pct") return BigDecimal.format(BigDecimal.scale(v, Math.max(1, v.scale)))
  // money is shown at cents; formatMoney goes through roundMoney, a no-op on amounts already on the cent grid
  return v.scale <= 2 ? formatMoney(v) : BigDecimal.format(v)
}

const compareMonth = (figure: string, month: string, ma: MonthFigures | undefined, mb: MonthFigures | undefined): CompareRow => {
  const va = ma === undefined ? undefined : figureValue(ma, figure)
  const vb = mb === undefined ? undefined : figureValue(mb, figure)
  const diff = va !== undefined && vb !== undefined ? BigDecimal.subtract(vb, va) : undefined
  const pct = diff !== undefined && va !== undefined && figureUnit(figure) !== "pct" ? percent(diff, BigDecimal.abs(va)) : undefined
  return {
    figure,
    month,
    a: va === undefined ? null : text(va, figure),
    b: vb === undefined ? null : text(vb, figure),
    diff: diff === undefined ? null : text(diff, figure),
    diff_pct: pct === undefined ? null : formatPercent(pct)
  }
}

/**
 * A, B and B − A per figure, at the horizon, one month, or every month. The break-even month is compared too
 * (figure "break_even_month", diff in months) since it is the headline of any comparison.
 */
export const compareTable = (a: ScenarioSummary, b: ScenarioSummary, options: CompareTableOptions = {}): ReadonlyArray<CompareRow> => {
  const figures = options.figures ?? defaultCompareFigures(a, b)
  const byA = new Map(a.months.map((m) => [m.month, m]))
  const byB = new Map(b.months.map((m) => [m.month, m]))
  const at = options.at ?? "horizon"
  let months: ReadonlyArray<string>
  if (at === "month") months = [...new Set([...byA.keys(), ...byB.keys()])].sort()
  else if (at === "horizon") {
    const common = [...byA.keys()].filter((m) => byB.has(m)).sort()
    const last = common.at(-1)
    if (last === undefined)
      throw new ReportInputError({ field: "months", message: `${a.scenario} and ${b.scenario} share no month: compare with at: "month" instead` })
    months = [last]
  } else {
    if (!byA.has(at) && !byB.has(at))
      throw new ReportInputError({ field: "at", message: `neither ${a.scenario} nor ${b.scenario} has month ${at}` })
    months = [at]
  }
  const rows: Array<CompareRow> = []
  if (at !== "month") {
    const [ba, bb] = [a.break_even_month, b.break_even_month]
    rows.push({
      figure: "break_even_month",
      month: months[0]!,
      a: ba,
      b: bb,
      diff: ba !== null && bb !== null ? String(monthsBetween(ba, bb)) : null,
      diff_pct: null
    })
  }
  for (const month of months) for (const figure of figures) rows.push(compareMonth(figure, month, byA.get(month), byB.get(month)))
  return rows
}

/** compare.csv: figure, month, A, B, B − A, B − A %; header names the scenarios so the file stands alone. */
export const compareCsv = (a: ScenarioSummary, b: ScenarioSummary, options: CompareTableOptions = {}): string =>
  toCsv(
    ["figure", "month", `a_${a.scenario}`, `b_${b.scenario}`, "b_minus_a", "b_minus_a_pct"],
    compareTable(a, b, options).map((r) => [r.figure, r.month, r.a, r.b, r.diff, r.diff_pct])
  )
