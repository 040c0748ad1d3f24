// Named figures of a summary month (revenue, total_costs, cost.redis, …), derived exactly from the decimal strings.
// Charts, tables and comparisons all read figures through here so a "total cost" means the same thing everywhere.
import * as BigDecimal from "effect/BigDecimal"
import { breakEvenRun } from "../../model/breakeven.ts"
import { parseMoney, percent, sumMoney, type Money } from "../../model/money.ts"
import { USAGE_LINES, type UsageLineName } from "../../model/usageCost.ts"
import {
  costLineLabel,
  isOutputName,
  OUTPUT_CATALOGUE,
  type OutputsFor,
  type OutputUnit,
  outputUnit,
  REPORT_FIGURES
} from "../engine/outputCatalogue.ts"
import { ReportInputError, type MonthFigures, type ScenarioSummary } from "../engine/summaryContract.ts"

/** Known cost lines in the order finance reads them (the model's usage lines, then support); unknown lines follow, A→Z. */
export const COST_LINE_ORDER: ReadonlyArray<UsageLineName | "support"> = [...USAGE_LINES, "support"]

export { costLineLabel }

/** Every cost line that appears in any month, canonical ones first. */
export const costLines = (summary: Pick<ScenarioSummary, "months">): ReadonlyArray<string> => {
  const seen = new Set<string>()
  for (const m of summary.months) for (const line of Object.keys(m.costs)) seen.add(line)
  const known: Array<string> = COST_LINE_ORDER.filter((l) => seen.has(l))
  const extra = [...seen].filter((l) => !(COST_LINE_ORDER as ReadonlyArray<string>).includes(l)).sort()
  return [...known, ...extra]
}

/** Tiers in the order they first appear (the engine lists them cheapest first). */
export const tiers = (summary: Pick<ScenarioSummary, "months">): ReadonlyArray<string> => {
  const seen = new Set<string>()
  for (const m of summary.months) for (const t of Object.keys(m.users)) seen.add(t)
  return [...seen]
}

/** Parse a contract money string; the field path goes into the error so the caller can fix the engine output. */
export const moneyOf = (text: string, field: string): Money => {
  const m = parseMoney(text)
  if (m === undefined) throw new ReportInputError({ field, message: `${field} = ${JSON.stringify(text)} is not a decimal string such as "1234.50"` })
  return m
}

export const variableCosts = (m: MonthFigures): Money =>
  sumMoney(Object.entries(m.costs).map(([line, v]) => moneyOf(v, `${m.month}.costs.${line}`)))

/** Variable costs plus fixed costs: what revenue has to beat for a positive net profit. */
export const totalCosts = (m: MonthFigures): Money => BigDecimal.sum(variableCosts(m), moneyOf(m.fixed, `${m.month}.fixed`))

export const totalUsers = (m: MonthFigures): number => Object.values(m.users).reduce((a, b) => a + b, 0)

/** Net profit over revenue in percent, one decimal (half-even); undefined with no revenue. */
export const netMarginPct = (m: MonthFigures): BigDecimal.BigDecimal | undefined =>
  percent(moneyOf(m.net_profit, `${m.month}.net_profit`), moneyOf(m.revenue, `${m.month}.revenue`))

/** Figures a chart or comparison can ask for by name (the catalogue's report figures). `cost.<line>` selects one cost line. */
export type FigureName = OutputsFor<"report"> | `cost.${string}`

export const FIGURE_LABELS: Readonly<Record<string, string>> = Object.fromEntries(
  REPORT_FIGURES.map((n) => [n, OUTPUT_CATALOGUE[n].label])
)

export const figureLabel = (figure: string): string =>
  figure.startsWith("cost.")
    ? `Cost: ${costLineLabel(figure.slice(5))}`
    : isOutputName(figure) ? OUTPUT_CATALOGUE[figure].label : figure.replace(/_/g, " ")

export type FigureUnit = OutputUnit

export const figureUnit = (figure: string): FigureUnit => outputUnit(figure)

/** The exact value of a figure in a month; undefined when the month lacks it (e.g. a cost line that starts later). */
export const figureValue = (m: MonthFigures, figure: string): BigDecimal.BigDecimal | undefined => {
  switch (figure) {
    case "variable_costs":
      return variableCosts(m)
    case "total_costs":
      return totalCosts(m)
    case "net_margin_pct":
      return netMarginPct(m)
    case "users":
      return BigDecimal.fromBigInt(BigInt(totalUsers(m)))
    case "gross_margin_pct":
      return m.gross_margin_pct === null ? undefined : moneyOf(m.gross_margin_pct, `${m.month}.gross_margin_pct`)
    case "revenue":
    case "gross_profit":
    case "fixed":
    case "net_profit":
    case "cumulative_net_profit":
    case "jettythunder_pool":
      return moneyOf(m[figure], `${m.month}.${figure}`)
    default: {
      if (figure.startsWith("cost.")) {
        const text = m.costs[figure.slice(5)]
        return text === undefined ? undefined : moneyOf(text, `${m.month}.costs.${figure.slice(5)}`)
      }
      throw new ReportInputError({ field: "figure", message: `unknown figure "${figure}": use one of ${Object.keys(FIGURE_LABELS).join(", ")} or cost.<line>` })
    }
  }
}

/** Plotting only: a float for the y position of a mark. Never feed this back into money arithmetic. */
export const plotNumber = (value: BigDecimal.BigDecimal | string): number =>
  typeof value === "string" ? Number(value) : BigDecimal.toNumberUnsafe(value)

export interface BreakEvenMonths {
  /** first month with net profit ≥ 0 */
  readonly first: string | null
  /** first month from which net profit stays ≥ 0 to the horizon */
  readonly sustained: string | null
  /** loss months after the first break-even, as runs */
  readonly relapses: ReadonlyArray<{ readonly from: string; readonly to: string }>
}

/** Break-even of a summary read from its months' net profit, by the model's one rule (`breakEvenRun`). */
export const breakEvenMonths = (summary: Pick<ScenarioSummary, "months">): BreakEvenMonths => {
  const ms = summary.months
  const run = breakEvenRun(ms.map((m) => BigDecimal.isNegative(moneyOf(m.net_profit, `${m.month}.net_profit`))))
  const key = (i: number) => (i < 0 ? null : ms[i]!.month)
  return {
    first: key(run.first),
    sustained: key(run.sustained),
    relapses: run.relapses.map((r) => ({ from: ms[r.from]!.month, to: ms[r.to]!.month }))
  }
}

/** First month whose cumulative net profit is not negative (exact: a sign test on the decimal). */
export const paybackMonth = (summary: ScenarioSummary): string | null =>
  summary.months.find((m) => !BigDecimal.isNegative(moneyOf(m.cumulative_net_profit, `${m.month}.cumulative_net_profit`)))?.month ?? null

/** The month of the lowest cumulative net profit when it is below zero: the most cash the scenario burns. */
export const troughMonth = (summary: ScenarioSummary): MonthFigures | undefined => {
  let low: { m: MonthFigures; v: BigDecimal.BigDecimal } | undefined
  for (const m of summary.months) {
    const v = moneyOf(m.cumulative_net_profit, `${m.month}.cumulative_net_profit`)
    if (BigDecimal.isNegative(v) && (low === undefined || BigDecimal.isLessThan(v, low.v))) low = { m, v }
  }
  return low?.m
}
