// The report layer's input contract: the scenario summary (summary.json), projection rows and caller checks/notes.
// Money travels as decimal strings so nothing between the engine and the page can round it; statistics are floats.
import { Result, Schema } from "effect"
import { DECIMAL_TEXT } from "../../model/money.ts"

/** A decimal string: "12", "-3.50", "1234.125". No exponent, no grouping, no blanks. */
export const MoneyText = Schema.String.check(
  Schema.isPattern(DECIMAL_TEXT, { message: 'expected a decimal string such as "1234.50" (no $, commas or exponent)' })
)

export const MonthKey = Schema.String.check(
  Schema.isPattern(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'expected a month "YYYY-MM", e.g. "2026-01"' })
)

const Count = Schema.Number.check(Schema.isInt(), Schema.isGreaterThanOrEqualTo(0))

export const MonthFigures = Schema.Struct({
  month: MonthKey,
  users: Schema.Record(Schema.String, Count),
  revenue: MoneyText,
  costs: Schema.Record(Schema.String, MoneyText),
  gross_profit: MoneyText,
  /** null without revenue (no margin to speak of): shown as "n/a" */
  gross_margin_pct: Schema.NullOr(MoneyText),
  fixed: MoneyText,
  /** the engine's extras, read by the P&L export when present */
  paying_users: Schema.optionalKey(Count),
  fixed_costs: Schema.optionalKey(Schema.Record(Schema.String, MoneyText)),
  net_profit: MoneyText,
  cumulative_net_profit: MoneyText,
  jettythunder_pool: MoneyText
})
export type MonthFigures = typeof MonthFigures.Type

const Band = Schema.Struct({ month: MonthKey, p5: Schema.Finite, p50: Schema.Finite, p95: Schema.Finite })
export type Band = typeof Band.Type

export const MonteCarlo = Schema.Struct({
  runs: Count,
  seed: Schema.Union([Schema.Finite, Schema.String]),
  percentiles: Schema.Record(Schema.String, Schema.Array(Band)),
  p_break_even_by_month: Schema.Array(Schema.Struct({ month: MonthKey, p: Schema.Finite }))
})
export type MonteCarlo = typeof MonteCarlo.Type

const InputValue = Schema.Union([Schema.Finite, Schema.String])

export const Sensitivity = Schema.Struct({
  output: Schema.String,
  month: MonthKey,
  base: MoneyText,
  bars: Schema.Array(
    Schema.Struct({ input: Schema.String, low_value: InputValue, high_value: InputValue, low: MoneyText, high: MoneyText })
  )
})
export type Sensitivity = typeof Sensitivity.Type

export const TwoWay = Schema.Struct({
  row_input: Schema.String,
  col_input: Schema.String,
  rows: Schema.Array(InputValue),
  cols: Schema.Array(InputValue),
  // the output figure per (row, col); money strings from the engine, numbers tolerated for statistics
  values: Schema.Array(Schema.Array(Schema.Union([MoneyText, Schema.Finite]))),
  output: Schema.optionalKey(Schema.String),
  month: Schema.optionalKey(MonthKey)
})
export type TwoWay = typeof TwoWay.Type

export const ScenarioSummary = Schema.Struct({
  scenario: Schema.String,
  months: Schema.Array(MonthFigures),
  break_even_month: Schema.NullOr(MonthKey),
  // derived from the months' net profit when absent (hand-made summaries); the engine always writes them
  break_even_sustained_month: Schema.optionalKey(Schema.NullOr(MonthKey)),
  relapses: Schema.optionalKey(Schema.Array(Schema.Struct({ from: MonthKey, to: MonthKey }))),
  monte_carlo: Schema.optionalKey(MonteCarlo),
  sensitivity: Schema.optionalKey(Sensitivity),
  two_way: Schema.optionalKey(TwoWay)
})
export type ScenarioSummary = typeof ScenarioSummary.Type

/** One projection row per month and tier; money columns are decimal strings, the column set is open. */
export type ProjectionRow = { readonly month: string; readonly tier: string } & {
  readonly [column: string]: string | number | bigint | null | undefined
}

/** A pass/fail check the caller evaluated (e.g. "gross margin ≥ 70% at month 12"). */
export interface Check {
  readonly name: string
  readonly target: string
  readonly value: string
  readonly pass: boolean
}

export class ReportInputError extends Schema.TaggedError<ReportInputError>()("ReportInputError", {
  field: Schema.String,
  message: Schema.String
}) {}

/**
 * Decode an untrusted summary (summary.json read back from disk, a notebook's hand-made object). The message names
 * every bad field by path, e.g. `expected a decimal string … at ["months"][3]["revenue"]`.
 */
export const decodeSummary = (input: unknown): Result.Result<ScenarioSummary, ReportInputError> => {
  const decoded = Schema.decodeUnknownResult(ScenarioSummary)(input, { errors: "all" })
  if (Result.isFailure(decoded))
    return Result.fail(new ReportInputError({ field: "summary", message: `summary does not match the report contract: ${decoded.failure.message}` }))
  const months = decoded.success.months
  if (months.length === 0)
    return Result.fail(new ReportInputError({ field: "months", message: "summary has no months: run the scenario over at least one month" }))
  for (let i = 1; i < months.length; i++) {
    const [prev, cur] = [months[i - 1]!.month, months[i]!.month]
    if (cur <= prev)
      return Result.fail(new ReportInputError({ field: `months[${i}].month`, message: `months must be strictly increasing, got ${prev} then ${cur}` }))
  }
  return Result.succeed(decoded.success)
}
