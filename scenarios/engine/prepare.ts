// Compiles a decoded scenario into the engine's fast form, once per run: user-flow rates per million, expected
// sign-ups in micro-users, and each month's exact per-user cost of every line as integers on one scale per line.
import * as BigDecimal from "effect/BigDecimal"
import {
  allocateUnits,
  FULL_USAGE,
  isPayingTier,
  JETTYTHUNDER_LINES,
  keptFraction,
  type Money,
  roundMoney,
  type Sheet,
  sumMoney,
  supportPerUser,
  TIER_IDS,
  type TierId,
  tierOf,
  type UsageFractions,
  USAGE_LINES,
  usageCostLines,
  type UsageLineName
} from "../../model/index.ts"
import type { ScenarioState } from "../scenario/load.ts"
import { type FractionSeries, type Scenario, USAGE_DIMENSIONS, type UsageDimension } from "../scenario/schema.ts"
import { EngineRangeError, type FlowPlan, MAX_USERS, PER_MILLION } from "./flows.ts"
import { fractionAt, rampLength, seriesMicro } from "./series.ts"

/** Cost lines of a month, in report order: the usage-driven ones, then support. */
export type LineName = UsageLineName | "support"
export const LINES: ReadonlyArray<LineName> = [...USAGE_LINES, "support"]
/** Index of revenue in the per-user tables: priced like a line (price × users), booked the same way. */
export const REVENUE = LINES.length

export interface EngineInput {
  readonly name: string
  readonly monthKeys: ReadonlyArray<string>
  readonly tiers: ReadonlyArray<TierId>
  readonly flows: FlowPlan
  /** decimal scale of row r (each line, then revenue) in every table */
  readonly rowScale: ReadonlyArray<number>
  /**
   * Per-user amounts: tables[j][r · K + k] is row r (line or revenue) for tier k, an integer at rowScale[r]. Month i
   * uses table tableOf[i]; months after every ramp has ended share the last table.
   */
  readonly tables: ReadonlyArray<ReadonlyArray<bigint>>
  /**
   * The same tables as JS numbers for rows whose every amount is small enough (SMALL_ROW) that users × amount summed over
   * the tiers stays an exact integer below 2^53; those rows are summed without bigint arithmetic. Other rows: 0.
   */
  readonly smallTables: ReadonlyArray<Float64Array>
  readonly smallRow: ReadonlyArray<boolean>
  readonly tableOf: ReadonlyArray<number>
  /** booked fixed costs per month, and their items */
  readonly fixed: ReadonlyArray<Money>
  readonly fixedItems: ReadonlyArray<Readonly<Record<string, Money>>>
  /** rows summed into the JettyThunder revenue pool */
  readonly poolRows: ReadonlyArray<number>
}

const ZERO = BigDecimal.fromBigInt(0n)
const ONE = BigDecimal.fromBigInt(1n)

/** Largest per-user amount (integer at its row's scale) for number arithmetic: K · MAX_USERS · SMALL_ROW < 2^53. */
const SMALL_ROW = BigInt(Math.floor(Number.MAX_SAFE_INTEGER / (TIER_IDS.length * MAX_USERS)))

const POW10: Array<bigint> = [1n]

/** The integer value of `v` at a scale ≥ its own (exact: appends zeros). */
const atScale = (v: BigDecimal.BigDecimal, scale: number): bigint => {
  const shift = scale - v.scale
  if (shift === 0) return v.value
  while (POW10.length <= shift) POW10.push(POW10[POW10.length - 1]! * 10n)
  return v.value * POW10[shift]!
}

export const monthKeyAt = (start: string, i: number): string => {
  const m = Number(start.slice(0, 4)) * 12 + Number(start.slice(5, 7)) - 1 + i
  return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, "0")}`
}

const ppm = (d: BigDecimal.BigDecimal | undefined): number => (d === undefined ? 0 : Number(BigDecimal.scale(d, 6).value))

const usageSeries = (scenario: Scenario, tier: TierId, dim: UsageDimension): FractionSeries | undefined =>
  scenario.usage?.[tier]?.[dim] ?? scenario.usage?.default?.[dim]

/** Support per user of a tier: the scenario's amount (one for every paid tier, or per tier), else the model's rule. */
export const supportOf = (scenario: Scenario, sheet: Sheet, tier: TierId): BigDecimal.BigDecimal => {
  const s = scenario.support_per_user
  if (s !== undefined && BigDecimal.isBigDecimal(s)) return isPayingTier(tier) ? s : ZERO
  return supportPerUser(sheet, tier, s?.[tier])
}

const fixedSchedule = (state: ScenarioState, monthKeys: ReadonlyArray<string>) => {
  const f = state.scenario.fixed_costs ?? state.sheet.fixed_costs
  type Step = { readonly from: string; readonly costs: Readonly<Record<string, BigDecimal.BigDecimal>> }
  const steps: ReadonlyArray<Step> = Array.isArray(f)
    ? (f as ReadonlyArray<Step>)
    : [{ from: monthKeys[0]!, costs: f as Readonly<Record<string, BigDecimal.BigDecimal>> }]
  const items: Array<Readonly<Record<string, Money>>> = []
  const totals: Array<Money> = []
  let current: Readonly<Record<string, Money>> = {}
  let total = ZERO
  let next = 0
  for (const key of monthKeys) {
    while (next < steps.length && steps[next]!.from <= key) {
      current = Object.fromEntries(Object.entries(steps[next]!.costs).map(([k, v]) => [k, roundMoney(v)]))
      total = sumMoney(Object.values(current))
      next++
    }
    items.push(current)
    totals.push(total)
  }
  return { items, totals }
}

const keyCache = new Map<string, ReadonlyArray<string>>()
const monthKeysOf = (start: string, months: number): ReadonlyArray<string> => {
  const id = `${start}/${months}`
  let keys = keyCache.get(id)
  if (keys === undefined) {
    keys = Array.from({ length: months }, (_, i) => monthKeyAt(start, i))
    keyCache.set(id, keys)
  }
  return keys
}

export const prepare = (state: ScenarioState): EngineInput => {
  const { scenario, sheet } = state
  const months = scenario.horizon_months
  const monthKeys = monthKeysOf(scenario.start, months)
  const tiers = TIER_IDS
  const K = tiers.length
  const u = scenario.users

  const signupsMicro = new Array<number>(K * months).fill(0)
  if (u.signups !== undefined) {
    const total = seriesMicro(u.signups.per_month, months)
    const limit = BigInt(MAX_USERS) * BigInt(PER_MILLION)
    const over = total.findIndex((x) => x > limit)
    if (over >= 0) throw new EngineRangeError("signed-up", monthKeys[over]!, Number(total[over]! / BigInt(PER_MILLION)))
    // shares per million that always sum to exactly one million: the schema holds a file's mix to 1, but a Monte Carlo
    // draw or a goal-seek trial can move one share alone; renormalised (largest remainder), the month's sign-ups are
    // then split among the tiers, never created or lost. A mix that sums to 1 is unchanged.
    const mixPpm = allocateUnits(BigInt(PER_MILLION), tiers.map((t) => BigInt(ppm(u.signups!.mix[t]))))
    tiers.forEach((_, k) => {
      const share = Number(mixPpm[k]!)
      // micro-users × share per million, truncated to the micro-user: what a tier gets of the month's sign-ups. Split
      // as whole users and micro-user rest so every product stays an exact integer below 2^53.
      for (let i = 0; i < months; i++) {
        const micro = Number(total[i]!)
        const whole = Math.floor(micro / PER_MILLION)
        const rest = micro - whole * PER_MILLION
        signupsMicro[k * months + i] = whole * share + Math.floor((rest * share) / PER_MILLION)
      }
    })
  }
  const flows: FlowPlan = {
    tiers,
    months,
    start: tiers.map((t) => u.start[t] ?? 0),
    churnPpm: tiers.map((t) => ppm(u.churn?.[t])),
    upPpm: tiers.map((t) => (t === "free" || t === "enterprise" ? 0 : ppm(u.upgrade?.[t]))),
    downPpm: tiers.map((t) => (t === "free" ? 0 : ppm(u.downgrade?.[t]))),
    conversionPpm: tiers.map((t) => (t === "free" ? 0 : ppm(u.conversion?.[t]))),
    signupsMicro
  }

  const opt = scenario.optimizations ?? {}
  const placement = {
    kept: keptFraction(sheet, {
      duplicateRatio: opt.dedup === true ? scenario.media?.duplicate_ratio : undefined,
      mix: opt.compression === true ? scenario.media?.mix ?? sheet.media.default_mix : undefined
    }),
    cold: opt.tiering === true ? scenario.tiering?.cold_share ?? ZERO : ZERO
  }

  const series = tiers.map((t) => USAGE_DIMENSIONS.map((d) => usageSeries(scenario, t, d)))
  // one table per month until the last ramp ends, and no more than the horizon shows: a ramp over 100,000 months in a
  // 12-month scenario built 100,001 tables that no month read (10 s to project)
  const tableCount = Math.min(months, 1 + Math.max(0, ...series.flat().map((s) => (s === undefined ? 0 : rampLength(s)))))
  // tiers without their own usage share the `default` series objects: compute each ramp once
  const rampValues = new Map<FractionSeries, Array<BigDecimal.BigDecimal>>()
  const shareAt = (s: FractionSeries | undefined, j: number): BigDecimal.BigDecimal => {
    if (s === undefined) return ONE
    if (BigDecimal.isBigDecimal(s)) return s
    let values = rampValues.get(s)
    if (values === undefined) {
      values = Array.from({ length: tableCount }, (_, i) => fractionAt(s, i))
      rampValues.set(s, values)
    }
    return values[j]!
  }
  const tierDefs = tiers.map((t) => tierOf(sheet, t))
  const support = tiers.map((t) => supportOf(scenario, sheet, t))
  const R = REVENUE + 1
  const exact: Array<Array<BigDecimal.BigDecimal>> = []
  for (let j = 0; j < tableCount; j++) {
    const row = new Array<BigDecimal.BigDecimal>(R * K)
    tiers.forEach((_, k) => {
      const dims = series[k]!
      const usage: UsageFractions = tableCount === 1 && dims.every((s) => s === undefined)
        ? FULL_USAGE
        : { requests: shareAt(dims[0], j), redis: shareAt(dims[1], j), storage: shareAt(dims[2], j), bandwidth: shareAt(dims[3], j) }
      const lines = usageCostLines(sheet, tierDefs[k]!, usage, placement)
      USAGE_LINES.forEach((name, l) => (row[l * K + k] = lines[name]))
      row[LINES.indexOf("support") * K + k] = support[k]!
      row[REVENUE * K + k] = tierDefs[k]!.price
    })
    exact.push(row)
  }
  const rowScale = Array.from({ length: R }, (_, r) => {
    let s = 0
    for (const row of exact) for (let k = 0; k < K; k++) s = Math.max(s, row[r * K + k]!.scale)
    return s
  })
  const tables = exact.map((row) => row.map((v, idx) => atScale(v, rowScale[Math.floor(idx / K)]!)))
  const smallRow = new Array<boolean>(R).fill(true)
  const smallTables = tables.map(() => new Float64Array(R * K))
  for (let r = 0; r < R; r++) {
    for (let j = 0; j < tables.length && smallRow[r]; j++) {
      const t = tables[j]!
      const out = smallTables[j]!
      for (let k = 0; k < K; k++) {
        const v = t[r * K + k]!
        if (v < 0n || v > SMALL_ROW) {
          smallRow[r] = false
          break
        }
        out[r * K + k] = Number(v)
      }
    }
  }
  const fixed = fixedSchedule(state, monthKeys)
  return {
    name: scenario.name,
    monthKeys,
    tiers,
    flows,
    rowScale,
    tables,
    smallTables,
    smallRow,
    tableOf: monthKeys.map((_, i) => Math.min(i, tableCount - 1)),
    fixed: fixed.totals,
    fixedItems: fixed.items,
    poolRows: JETTYTHUNDER_LINES.map((l) => LINES.indexOf(l))
  }
}
