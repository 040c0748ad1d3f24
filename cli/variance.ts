// `econ variance SCENARIO --from-ledger [--json] [--out DIR]`: plan against actual. The enforcer's metered months
// (users billed per tier, revenue, and the usage the cost lines are priced on) beside the scenario's projection for the
// same months, with the variance of each line in money and percent. The join lives here, on top: scenarios/ and
// enforcer/ never import each other. Actual cost lines use the scenario's price sheet and the model's rules.
import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"
import * as Plot from "@observablehq/plot"
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Command, Flag } from "effect/cli"
import {
  exactJsonNumber,
  formatMoney,
  formatPercent,
  type Money,
  percent,
  priceOfBytes,
  roundMoney,
  type Sheet,
  sumMoney,
  TIER_IDS,
  type TierId,
  tierOf
} from "../model/index.ts"
import { settingsFromEnv } from "../enforcer/config/EnforcerConfig.ts"
import { Database } from "../enforcer/db/Database.ts"
import { type MeteredMonth, meteredMonths } from "../enforcer/db/metered.repository.ts"
import { databaseOnlyLayer } from "../enforcer/layers.ts"
import { type EngineInput, type LineName, LINES, prepare } from "../scenarios/engine/prepare.ts"
import { project, type Projection } from "../scenarios/engine/project.ts"
import { costLineLabel } from "../scenarios/report/figures.ts"
import { dollarTick } from "../scenarios/report/format.ts"
import { renderChart, type ChartSpec } from "../scenarios/report/svg.ts"
import { COLORS, INK } from "../scenarios/report/theme.ts"
import { CommandFailed, figureCell, formatTable, pctCell, usdCell, jsonFlag, printJson, printLine, printNote, UsageError } from "./common.ts"
import { readMeteredFile } from "./meteredFile.ts"
import { scenarioArgument, useScenario } from "./scenarioCommon.ts"

const TOTALS = { revenue: "Revenue", variable_costs: "Variable costs", gross_profit: "Gross profit" } as const
type MoneyLine = LineName | keyof typeof TOTALS
const label = (line: MoneyLine): string => (line in TOTALS ? TOTALS[line as keyof typeof TOTALS] : costLineLabel(line))
/** Lines where more is better (revenue, profit); for the others (costs) less is better. */
const MORE_IS_BETTER = new Set<MoneyLine>(["revenue", "gross_profit"])

export interface MoneyVariance {
  readonly line: MoneyLine
  readonly plan: string
  readonly actual: string
  readonly variance: string
  /** variance ÷ |plan| × 100, one decimal half-even; null when the plan is zero */
  readonly variance_pct: string | null
}

export interface UsersVariance {
  readonly tier: TierId
  readonly plan: number
  readonly actual: number
  readonly variance: number
  readonly variance_pct: string | null
}

export interface VarianceMonth {
  readonly month: string
  /** what was metered, as `--actual FILE` reads it back */
  readonly metered: {
    readonly month: string
    readonly users: Readonly<Partial<Record<TierId, number>>>
    readonly revenue: string
    readonly requests: number
    readonly bandwidth_bytes: number
    readonly storage_bytes: number
    readonly redis_bytes: number
  }
  readonly users: ReadonlyArray<UsersVariance>
  readonly money: ReadonlyArray<MoneyVariance>
}

export interface VarianceJson {
  readonly scenario: string
  readonly months: ReadonlyArray<VarianceMonth>
  /** money lines summed over the joined months */
  readonly total: ReadonlyArray<MoneyVariance>
  readonly notes: ReadonlyArray<string>
}

const ZERO = BigDecimal.fromBigInt(0n)
// text-cache price is per 100k requests: × 10^-5 is exact
const PER_REQUEST = BigDecimal.make(1n, 5)

/** What the metered month costs by the model's rules: usage lines priced on metered bytes and requests, per-user lines
 * (Workers, API, JettySpeed, support) at the scenario's per-user amounts times the users billed; each booked once. */
export const actualFigures = (m: MeteredMonth, input: EngineInput, sheet: Sheet) => {
  const p = sheet.unit_prices
  const K = input.tiers.length
  const users = input.tiers.map((t) => m.users[t] ?? 0)
  const perUser = (line: LineName): Money => {
    const r = LINES.indexOf(line)
    let acc = ZERO
    input.tiers.forEach((_, k) => {
      acc = BigDecimal.sum(acc, BigDecimal.multiply(BigDecimal.make(input.tables[0]![r * K + k]!, input.rowScale[r]!), BigDecimal.fromBigInt(BigInt(users[k]!))))
    })
    return roundMoney(acc)
  }
  const lines: Record<LineName, Money> = {
    redis: roundMoney(priceOfBytes(m.redisBytes, p.redis_per_mb_month, "MB")),
    hot_storage: roundMoney(priceOfBytes(m.storageBytes, p.lyve_per_gb_month)),
    cold_storage: ZERO,
    bandwidth: roundMoney(priceOfBytes(m.bandwidthBytes, p.bandwidth_per_gb)),
    workers: perUser("workers"),
    jettythunder_api: perUser("jettythunder_api"),
    jettyspeed: perUser("jettyspeed"),
    text_cache: roundMoney(BigDecimal.multiply(BigDecimal.fromBigInt(m.requests), BigDecimal.multiply(p.text_cache_per_100k_requests, PER_REQUEST))),
    support: perUser("support")
  }
  const revenue = sumMoney(m.revenue.map((a) => roundMoney(BigDecimal.fromStringUnsafe(a))))
  return { users, revenue, lines: LINES.map((l) => lines[l]) }
}

const moneyVariance = (line: MoneyLine, plan: Money, actual: Money): MoneyVariance => {
  const v = BigDecimal.subtract(actual, plan)
  const pct = percent(v, BigDecimal.abs(plan))
  return { line, plan: formatMoney(plan), actual: formatMoney(actual), variance: formatMoney(v), variance_pct: pct === undefined ? null : formatPercent(pct) }
}

const moneyRows = (planRevenue: Money, planLines: ReadonlyArray<Money>, revenue: Money, lines: ReadonlyArray<Money>): Array<MoneyVariance> => {
  const planVariable = sumMoney(planLines)
  const variable = sumMoney(lines)
  return [
    moneyVariance("revenue", planRevenue, revenue),
    ...LINES.map((l, j) => moneyVariance(l, planLines[j]!, lines[j]!)),
    moneyVariance("variable_costs", planVariable, variable),
    moneyVariance("gross_profit", BigDecimal.subtract(planRevenue, planVariable), BigDecimal.subtract(revenue, variable))
  ]
}

export const NOTES = [
  "Actual users per tier: users billed in the month, each at the highest tier billed in it (the enforcer's ledger).",
  "Actual cost lines by the model's rules and the scenario's price sheet: Redis and stored bytes held at the month's end, " +
    "bandwidth and requests of the month; Workers, JettyThunder API, JettySpeed and support per billed user, as the " +
    "projection prices them. Each line is booked once a month (half-even to the cent).",
  "Cold storage reads $0.00: the ledger keeps no storage-class history, so every stored byte is priced hot. Redis " +
    "reads the bytes put less those deleted: entries that expire are not given back in the ledger, so it reads high."
]

/** The metered months that fall within the projection, each beside the plan; undefined when none overlap. */
export const varianceOf = (projection: Projection, metered: ReadonlyArray<MeteredMonth>, sheet: Sheet): VarianceJson | undefined => {
  const plan = new Map(projection.months.map((m) => [m.month, m]))
  const joined = metered.filter((m) => plan.has(m.month))
  if (joined.length === 0) return undefined
  const totals = { planRevenue: ZERO, planLines: LINES.map(() => ZERO), revenue: ZERO, lines: LINES.map(() => ZERO) }
  const months = joined.map((m): VarianceMonth => {
    const p = plan.get(m.month)!
    const a = actualFigures(m, projection.input, sheet)
    totals.planRevenue = BigDecimal.sum(totals.planRevenue, p.revenue)
    totals.revenue = BigDecimal.sum(totals.revenue, a.revenue)
    LINES.forEach((_, j) => {
      totals.planLines[j] = BigDecimal.sum(totals.planLines[j]!, p.lines[j]!)
      totals.lines[j] = BigDecimal.sum(totals.lines[j]!, a.lines[j]!)
    })
    return {
      month: m.month,
      metered: {
        month: m.month,
        users: m.users,
        revenue: formatMoney(a.revenue),
        requests: exactJsonNumber(m.requests),
        bandwidth_bytes: exactJsonNumber(m.bandwidthBytes),
        storage_bytes: exactJsonNumber(m.storageBytes),
        redis_bytes: exactJsonNumber(m.redisBytes)
      },
      users: TIER_IDS.map((tier, k) => {
        const planned = p.users[k]!
        const actual = a.users[k]!
        const pct = percent(BigDecimal.fromBigInt(BigInt(actual - planned)), BigDecimal.fromBigInt(BigInt(planned)))
        return { tier, plan: planned, actual, variance: actual - planned, variance_pct: pct === undefined ? null : formatPercent(pct) }
      }),
      money: moneyRows(p.revenue, p.lines, a.revenue, a.lines)
    }
  })
  return {
    scenario: projection.input.name,
    months,
    total: moneyRows(totals.planRevenue, totals.planLines, totals.revenue, totals.lines),
    notes: NOTES
  }
}

const usd = (s: string) => usdCell(s)
/** a variance in percent is signed ("+34.5%"); nothing to compare against reads "n/a", as in every table */
const pctText = (p: string | null) => (p === null ? pctCell(p) : `${p.startsWith("-") ? "" : "+"}${pctCell(p)}`)
const count = (n: number) => `${n > 0 ? "+" : n < 0 ? "-" : ""}${figureCell("count", String(Math.abs(n)))}`

export const VARIANCE_HEADER: ReadonlyArray<string> = ["line", "plan", "actual", "actual − plan", "%"]

/** Rows people read (the CLI's table, notebook 06): users per tier (named as the sheet names them), then each money
 * line, money as "$1,234.50". */
export const varianceRows = (
  users: ReadonlyArray<UsersVariance>,
  money: ReadonlyArray<MoneyVariance>,
  sheet?: Sheet
): ReadonlyArray<ReadonlyArray<string>> => [
  ...users.map((u) => [
    `${sheet === undefined ? u.tier : tierOf(sheet, u.tier).name} users`,
    figureCell("count", String(u.plan)),
    figureCell("count", String(u.actual)),
    count(u.variance),
    pctText(u.variance_pct)
  ]),
  ...money.map((m) => [label(m.line), usd(m.plan), usd(m.actual), usd(m.variance), pctText(m.variance_pct)])
]

export const varianceTable = (v: VarianceJson, sheet: Sheet): string => {
  const right = new Set([1, 2, 3, 4])
  const block = (title: string, users: ReadonlyArray<UsersVariance>, money: ReadonlyArray<MoneyVariance>) =>
    `${title}\n` + formatTable(VARIANCE_HEADER, varianceRows(users, money, sheet), right)
  const parts = v.months.map((m) => block(`${m.month}: ${v.scenario} against what the enforcer metered`, m.users, m.money))
  if (v.months.length > 1) parts.push(block(`Total ${v.months[0]!.month} … ${v.months.at(-1)!.month}`, [], v.total))
  return [...parts, ...v.notes.map((n) => `• ${n}`)].join("\n\n")
}

/** Actual − plan per money line over the joined months, as bars: green where it helps profit, red where it hurts. */
export const varianceChart = (v: VarianceJson): ChartSpec => {
  const data = v.total.map((m) => {
    const x = Number(m.variance)
    const good = MORE_IS_BETTER.has(m.line) ? x >= 0 : x <= 0
    return { label: label(m.line), x, good, text: usd(m.variance) }
  })
  const span = v.months.length === 1 ? v.months[0]!.month : `${v.months[0]!.month} … ${v.months.at(-1)!.month}`
  const lo = Math.min(0, ...data.map((d) => d.x))
  const hi = Math.max(0, ...data.map((d) => d.x))
  const pad = (hi - lo || 1) * 0.22
  return {
    title: `Plan against actual: ${v.scenario}`,
    subtitle: `Actual (metered by the enforcer) minus plan, ${span}, per line`,
    legend: [
      { label: "better than plan", color: COLORS.profit, shape: "bar" },
      { label: "worse than plan", color: COLORS.loss, shape: "bar" }
    ],
    footnote: "Costs above plan and revenue below plan are worse; cold storage is not metered per month.",
    plot: {
      marginLeft: 150,
      marginRight: 40,
      marginTop: 20,
      marginBottom: 40,
      x: { label: "actual − plan ($)", grid: true, labelArrow: "none", tickFormat: dollarTick, domain: [lo - pad, hi + pad] },
      y: { label: null, domain: data.map((d) => d.label) },
      marks: [
        Plot.barX(data, { x: "x", y: "label", fill: (d: (typeof data)[number]) => (d.good ? COLORS.profit : COLORS.loss), inset: 2 }),
        Plot.ruleX([0], { stroke: INK.title }),
        Plot.text(data, {
          x: "x",
          y: "label",
          text: "text",
          dx: 6,
          textAnchor: "start",
          filter: (d: (typeof data)[number]) => d.x >= 0,
          fill: INK.text
        }),
        Plot.text(data, { x: "x", y: "label", text: "text", dx: -6, textAnchor: "end", filter: (d: (typeof data)[number]) => d.x < 0, fill: INK.text })
      ]
    }
  }
}

export const readLedger = Effect.gen(function*() {
  const settings = yield* settingsFromEnv().pipe(Effect.mapError((e) => new UsageError({ message: e.message })))
  return yield* Effect.gen(function*() {
    const database = yield* Database
    return yield* database.use(meteredMonths)
  }).pipe(
    Effect.provide(databaseOnlyLayer(settings)),
    Effect.mapError((e) =>
      new CommandFailed({
        message: `reading the enforcer's ledger: ${(e as { message?: string }).message ?? String(e)} (DATABASE_URL, or the embedded database in ECON_DATA_DIR, default ./.data; stop econ serve while it holds the embedded one)`
      })
    )
  )
})

/** `--from-ledger`: read what the enforcer metered (econ variance, econ notebooks). */
export const fromLedgerFlag = Flag.Boolean("from-ledger").pipe(
  Flag.withDescription("Read the actuals from the enforcer's ledger (DATABASE_URL, or the embedded database in ECON_DATA_DIR / ./.data)"),
  Flag.withDefault(false)
)

export const varianceCommand = Command.make(
  "variance",
  {
    file: scenarioArgument(),
    fromLedger: fromLedgerFlag,
    actual: Flag.String("actual").pipe(
      Flag.withDescription("Read the actuals from a JSON file instead: `econ variance --json` output, or a list of its months' metered objects"),
      Flag.optional
    ),
    out: Flag.String("out").pipe(Flag.withDescription("Also write variance.json and variance.svg to this directory"), Flag.optional),
    json: jsonFlag
  },
  Effect.fn(function*({ file, fromLedger, actual, out, json }) {
    if (fromLedger === Option.isSome(actual)) {
      return yield* new UsageError({
        message: "variance compares the plan with what the enforcer metered: give --from-ledger (its database) or --actual FILE, one of them"
      })
    }
    const loaded = yield* useScenario(file)
    const projection = project(prepare(loaded.state))
    const metered = Option.isSome(actual) ? yield* readMeteredFile(actual.value) : yield* readLedger
    const v = varianceOf(projection, metered, loaded.state.sheet)
    if (v === undefined) {
      const months = metered.map((m) => m.month)
      return yield* new UsageError({
        message: `the metered months (${months.length === 0 ? "none" : `${months[0]} … ${months.at(-1)}`}) and the scenario's ` +
          `(${projection.months[0]!.month} … ${projection.months.at(-1)!.month}) do not overlap: set the scenario's start`
      })
    }
    if (Option.isSome(out)) {
      const dir = out.value
      yield* Effect.tryPromise({
        try: async () => {
          await mkdir(dir, { recursive: true })
          await writeFile(join(dir, "variance.json"), JSON.stringify(v, null, 2) + "\n")
          await writeFile(join(dir, "variance.svg"), renderChart(varianceChart(v)))
        },
        catch: (e) => new UsageError({ message: `--out ${dir}: ${e instanceof Error ? e.message : String(e)}` })
      })
      yield* printNote(`wrote variance.json and variance.svg to ${dir}`)
    }
    yield* json ? printJson(v) : printLine(varianceTable(v, loaded.state.sheet))
  })
).pipe(Command.withDescription("Plan against actual: the enforcer's metered months beside the scenario's projection, variance per line"))

