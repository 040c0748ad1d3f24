// The scenario file (YAML) as a Schema: what finance writes to plan prices and growth on top of the price sheet.
// Numeric leaves may also be distributions; those are replaced by their point value before this schema runs (uncertain.ts).
import * as BigDecimal from "effect/BigDecimal"
import * as Schema from "effect/Schema"
import { CHECK_METRICS } from "../engine/outputCatalogue.ts"
import { Count, DECIMAL_TEXT, Decimal, decimalFrom, DIMENSIONS, Fraction, MEDIA_TYPES, PAYING_TIERS, TIER_IDS, type TierId } from "../../model/index.ts"

export const Month = Schema.String.check(
  Schema.isPattern(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'Expected a month "YYYY-MM" such as "2026-01"' })
)

/** A decimal that may be negative (growth rates, check bounds on profit). Same reading rules as the sheet's Decimal. */
export const SignedDecimal = decimalFrom(DECIMAL_TEXT, 'a decimal such as "-0.02" or 70')

/** Rates move whole users with parts-per-million precision (engine/flows.ts), so they carry at most 6 decimals. */
export const RATE_DECIMALS = 6

const atMostSixDecimals = Schema.makeFilter((d: BigDecimal.BigDecimal) =>
  BigDecimal.normalize(d).scale <= RATE_DECIMALS || `Expected at most ${RATE_DECIMALS} decimals (rates are applied per million users)`
)

/** A monthly rate in [0, 1] acting on users: churn, conversion, upgrade, downgrade, sign-up mix. */
export const Rate = Fraction.pipe(Schema.check(atMostSixDecimals))

const PositiveCount = Count.pipe(Schema.check(Schema.makeFilter((n: number) => n > 0 || "Expected a whole number > 0")))

/** Monthly growth of a series, > −1 (−0.05 = 5% fewer each month). */
export const Growth = SignedDecimal.pipe(
  Schema.check(
    Schema.makeFilter((d: BigDecimal.BigDecimal) => BigDecimal.isGreaterThan(d, BigDecimal.fromBigInt(-1n)) || "Expected a growth rate > -1"),
    atMostSixDecimals
  )
)

/** A straight line from `from` (month 1) to `to` (month `months` + 1 and after). */
const rampOf = <S extends Schema.Top>(value: S) => Schema.Struct({ from: value, to: value, months: PositiveCount })

/** A monthly count that may change over time: a constant, a ramp, or compounding growth from `start`. */
export const Series = Schema.Union([
  Decimal,
  rampOf(Decimal),
  Schema.Struct({ start: Decimal, growth: Growth })
]).annotate({ expected: "a number, a ramp { from, to, months } or growth { start, growth }" })
export type Series = typeof Series.Type

/** A share that may change over time: a constant or a ramp. */
export const FractionSeries = Schema.Union([Fraction, rampOf(Fraction)]).annotate({
  expected: "a fraction in [0, 1] or a ramp { from, to, months }"
})
export type FractionSeries = typeof FractionSeries.Type

type TierMap<S extends Schema.Top, K extends TierId> = Schema.Struct<{ [k in K]: Schema.optionalKey<S> }>

/** A map over (some of) the tiers; keys outside `ids` are reported as unknown fields. */
const tierMap = <S extends Schema.Top, K extends TierId>(value: S, ids: ReadonlyArray<K>): TierMap<S, K> =>
  Schema.Struct(Object.fromEntries(ids.map((id) => [id, Schema.optionalKey(value)])) as { [k in K]: Schema.optionalKey<S> })

const PAID = PAYING_TIERS

export const USAGE_DIMENSIONS = DIMENSIONS
export type UsageDimension = (typeof USAGE_DIMENSIONS)[number]

const UsageDims = Schema.Struct({
  requests: Schema.optionalKey(FractionSeries),
  redis: Schema.optionalKey(FractionSeries),
  storage: Schema.optionalKey(FractionSeries),
  bandwidth: Schema.optionalKey(FractionSeries)
})
export type UsageDims = typeof UsageDims.Type

const sumIsOne = (shares: Readonly<Record<string, BigDecimal.BigDecimal | undefined>>, what: string) => {
  let total = BigDecimal.fromBigInt(0n)
  for (const v of Object.values(shares)) if (v !== undefined) total = BigDecimal.sum(total, v)
  return BigDecimal.equals(total, BigDecimal.fromBigInt(1n)) || `Expected ${what} shares summing to 1, got ${BigDecimal.format(total)}`
}

const Signups = Schema.Struct({
  per_month: Series,
  mix: tierMap(Rate, TIER_IDS).check(Schema.makeFilter((m) => sumIsOne(m, "sign-up mix")))
})

const Users = Schema.Struct({
  /** users at the close of the month before `start` */
  start: tierMap(Count, TIER_IDS),
  signups: Schema.optionalKey(Signups),
  /** monthly share of Free users who become paying users of each paid tier */
  conversion: Schema.optionalKey(tierMap(Rate, PAID)),
  /** monthly share moving one tier up (free → starter is `conversion`) */
  upgrade: Schema.optionalKey(tierMap(Rate, ["starter", "pro", "business"] as const)),
  /** monthly share moving one tier down (starter → free) */
  downgrade: Schema.optionalKey(tierMap(Rate, PAID)),
  churn: Schema.optionalKey(tierMap(Rate, TIER_IDS))
})
export type Users = typeof Users.Type

const PerMedia = Schema.Struct(
  Object.fromEntries(MEDIA_TYPES.map((m) => [m, Fraction])) as { [k in (typeof MEDIA_TYPES)[number]]: typeof Fraction }
)

const FixedCostItems = Schema.Record(Schema.String, Decimal)
const FixedCostStep = Schema.Struct({ from: Month, costs: FixedCostItems })
export const FixedCosts = Schema.Union([FixedCostItems, Schema.Array(FixedCostStep)]).annotate({
  expected: "a map { item: amount } or a list of steps [{ from: YYYY-MM, costs: { item: amount } }]"
})

/** What a check may test: the catalogue's check metrics (engine/outputCatalogue.ts). */
export const METRICS = CHECK_METRICS
export type Metric = (typeof METRICS)[number]

export const Check = Schema.Struct({
  /** what people call it: "500 paying users" */
  name: Schema.NonEmptyString,
  metric: Schema.Literals(METRICS),
  /** month evaluated (default: the last); ignored by unit_contribution, which looks at the first month with `at_paying_users` */
  month: Schema.optionalKey(Month),
  /** unit_contribution, positive_unit_economics: evaluated in the first month with at least this many paying users */
  at_paying_users: Schema.optionalKey(Count),
  /** inclusive bounds (≥ min, ≤ max) */
  min: Schema.optionalKey(SignedDecimal),
  max: Schema.optionalKey(SignedDecimal),
  /** strict bounds (> above, < below): "<2% churn" is below: 2 */
  above: Schema.optionalKey(SignedDecimal),
  below: Schema.optionalKey(SignedDecimal),
  /** the plan's wording of the target, shown next to the figure */
  source: Schema.optionalKey(Schema.String)
}).check(
  Schema.makeFilter((c) =>
    c.min !== undefined || c.max !== undefined || c.above !== undefined || c.below !== undefined ||
      c.metric === "positive_unit_economics"
      ? true
      : { path: ["min"], issue: "A check needs a bound: min, max, above or below" }
  ),
  Schema.makeFilter((c) =>
    (c.metric !== "unit_contribution" && c.metric !== "positive_unit_economics") || c.at_paying_users !== undefined
      ? true
      : { path: ["at_paying_users"], issue: `${c.metric} needs at_paying_users (e.g. 100)` }
  )
)
export type Check = typeof Check.Type

const Correlation = Schema.Struct({
  a: Schema.NonEmptyString,
  b: Schema.NonEmptyString,
  rank: Schema.Finite.check(Schema.makeFilter((r: number) => (r >= -1 && r <= 1) || "Expected a rank correlation in [-1, 1]"))
})

export const Scenario = Schema.Struct({
  name: Schema.NonEmptyString,
  description: Schema.optionalKey(Schema.String),
  /** price sheet to inherit, relative to this file; default: the plan's sheet */
  sheet: Schema.optionalKey(Schema.NonEmptyString),
  /** any field of the sheet; `tiers` is keyed by tier id: { tiers: { pro: { price: 59 } } } (checked by the sheet's schema) */
  overrides: Schema.optionalKey(Schema.Record(Schema.String, Schema.Unknown)),
  start: Month,
  horizon_months: PositiveCount.check(Schema.makeFilter((n: number) => n <= 600 || "Expected at most 600 months (50 years)")),
  users: Users,
  /** share of each allowance used: per tier, with `default` for tiers not listed; 1 (full allowance) when absent */
  usage: Schema.optionalKey(
    Schema.Struct({ default: Schema.optionalKey(UsageDims), ...tierMap(UsageDims, TIER_IDS).fields })
  ),
  media: Schema.optionalKey(
    Schema.Struct({
      /** default: the sheet's media.default_mix */
      mix: Schema.optionalKey(PerMedia),
      /** share of stored asset bytes that are duplicates (removed by dedup) */
      duplicate_ratio: Schema.optionalKey(Fraction)
    })
  ),
  optimizations: Schema.optionalKey(
    Schema.Struct({
      dedup: Schema.optionalKey(Schema.Boolean),
      compression: Schema.optionalKey(Schema.Boolean),
      tiering: Schema.optionalKey(Schema.Boolean)
    })
  ),
  /** share of stored bytes the tiering policy keeps in cold storage (idle > cold_after_days, hit rate < cold_max_hit_rate) */
  tiering: Schema.optionalKey(Schema.Struct({ cold_share: Fraction })),
  /** default: the sheet's fixed_costs every month */
  fixed_costs: Schema.optionalKey(FixedCosts),
  /** one amount for every paid tier, or per tier; default: the sheet's support_per_user_month for paid tiers, 0 for Free */
  support_per_user: Schema.optionalKey(
    Schema.Union([Decimal, tierMap(Decimal, TIER_IDS)]).annotate({ expected: "an amount or a map { tier: amount }" })
  ),
  /** rank correlations between uncertain inputs, named by their path: { a: users.churn.pro, b: users.signups.per_month.growth, rank: -0.5 } */
  correlations: Schema.optionalKey(Schema.Array(Correlation)),
  monte_carlo: Schema.optionalKey(Schema.Struct({ runs: Schema.optionalKey(PositiveCount), seed: Schema.optionalKey(Count) })),
  checks: Schema.optionalKey(Schema.Array(Check)),
  /** a second scenario to show against this one: this file with `changes` merged in (e.g. optimizations off) */
  compare_to: Schema.optionalKey(
    Schema.Struct({ label: Schema.NonEmptyString, changes: Schema.Record(Schema.String, Schema.Unknown) })
  ),
  /** compare month 1 with one of the plan's stated projections, line by line */
  plan_comparison: Schema.optionalKey(Schema.Literal("projection_pro_1000")),
  /** report presentation: a margin target line (percent) */
  report: Schema.optionalKey(Schema.Struct({ margin_target_pct: Schema.optionalKey(Schema.Finite) }))
}).check(
  Schema.makeFilter((s) =>
    s.optimizations?.dedup === true && s.media?.duplicate_ratio === undefined
      ? { path: ["media", "duplicate_ratio"], issue: "optimizations.dedup is on: give media.duplicate_ratio (e.g. 0.4)" }
      : true
  ),
  Schema.makeFilter((s) => {
    const f = s.fixed_costs
    if (!Array.isArray(f) || f.length === 0) return Array.isArray(f) ? { path: ["fixed_costs"], issue: "Expected at least one step" } : true
    const steps = f as ReadonlyArray<{ readonly from: string }>
    if (steps[0]!.from > s.start) {
      return { path: ["fixed_costs", 0, "from"], issue: `The first step must start on or before start (${s.start})` }
    }
    const bad = steps.findIndex((x, i) => i > 0 && x.from <= steps[i - 1]!.from)
    return bad < 0 || { path: ["fixed_costs", bad, "from"], issue: "Steps must be in increasing month order" }
  }),
  Schema.makeFilter((s) =>
    s.optimizations?.tiering === true && s.tiering === undefined
      ? { path: ["tiering", "cold_share"], issue: "optimizations.tiering is on: give tiering.cold_share (e.g. 0.6)" }
      : true
  )
)
export type Scenario = typeof Scenario.Type
export type ScenarioEncoded = typeof Scenario.Encoded
