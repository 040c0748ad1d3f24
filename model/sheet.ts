// The price sheet as data: the schema every reader (model, scenarios, enforcer) decodes, and its decode/encode.
// Parsing YAML text is the caller's job (model does no I/O); this module takes the parsed tree.
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaGetter from "effect/SchemaGetter"
import * as SchemaIssue from "effect/SchemaIssue"
import { UNSIGNED_DECIMAL_TEXT } from "./money.ts"

/**
 * Most decimals a written value may carry. Exact arithmetic keeps every decimal through each product (scales add), so
 * a price written with 100,000 decimals made each month's booking work on 100,000-digit numbers (18 s to project one
 * scenario). 15 is far finer than any price or rate (a billionth of a cent is 11 decimals), and every such value is
 * encoded back in plain notation (BigDecimal.format switches to an exponent from 16), so it decodes again.
 */
export const MAX_DECIMALS = 15

/**
 * An exact decimal read from YAML as a string ("0.015") or a plain number (0.015); a number is read through its
 * shortest decimal form, which is exactly what was written for any literal of up to 15 significant digits. `pattern`
 * is the text it must match (`DECIMAL_TEXT` or `UNSIGNED_DECIMAL_TEXT`), `example` what the message suggests.
 */
export const decimalFrom = (pattern: RegExp, expected: string) =>
  Schema.Union([Schema.String, Schema.Finite]).pipe(
    Schema.decodeTo(Schema.BigDecimal, {
      decode: SchemaGetter.transformEffect((input: string | number) => {
        const text = typeof input === "number" ? String(input) : input.trim()
        if (!pattern.test(text)) {
          return Effect.fail(new SchemaIssue.InvalidValue({ message: `Expected ${expected}, got ${JSON.stringify(input)}` }, input))
        }
        const point = text.indexOf(".")
        const decimals = point < 0 ? 0 : text.length - point - 1
        return decimals <= MAX_DECIMALS
          ? Effect.succeed(BigDecimal.fromStringUnsafe(text))
          : Effect.fail(new SchemaIssue.InvalidValue({
            message: `Expected at most ${MAX_DECIMALS} decimals (got ${decimals.toLocaleString("en-US")})`
          }, input))
      }),
      encode: SchemaGetter.transform((d: BigDecimal.BigDecimal) => BigDecimal.format(d))
    })
  )

/** A non-negative exact decimal: prices, quantities, rates of the sheet. */
export const Decimal = decimalFrom(UNSIGNED_DECIMAL_TEXT, 'a non-negative decimal such as "0.015" or 12')

/** A decimal in [0, 1]: rates, ratios, fractions. */
export const Fraction = Decimal.pipe(
  Schema.check(
    Schema.makeFilter((d: BigDecimal.BigDecimal) =>
      BigDecimal.isLessThanOrEqualTo(d, BigDecimal.fromBigInt(1n)) || "Expected a fraction between 0 and 1"
    )
  )
)

/** A non-negative whole number (counts, days, requests). */
export const Count = Schema.Finite.pipe(
  Schema.check(Schema.makeFilter((n: number) => (Number.isSafeInteger(n) && n >= 0) || "Expected a whole number ≥ 0"))
)

export const TierId = Schema.Literals(["free", "starter", "pro", "business", "enterprise"])
export type TierId = typeof TierId.Type
export const TIER_IDS: ReadonlyArray<TierId> = TierId.literals

const Assumption = Schema.Struct({
  field: Schema.NonEmptyString,
  value: Schema.String,
  reason: Schema.NonEmptyString
})

const FlatLines = Schema.Struct({
  workers: Decimal,
  jettythunder_api: Decimal,
  jettyspeed: Decimal
})

export const Tier = Schema.Struct({
  id: TierId,
  name: Schema.NonEmptyString,
  price: Decimal,
  price_is_minimum: Schema.optionalKey(Schema.Boolean),
  limits: Schema.Struct({
    /** null = unlimited */
    cache_requests: Schema.NullOr(Count),
    redis_mb: Schema.NullOr(Decimal),
    storage_gb: Schema.NullOr(Decimal),
    bandwidth_gb: Schema.NullOr(Decimal)
  }),
  /** Requests to price the text-cache line at when `cache_requests` is unlimited. */
  costed_requests: Schema.optionalKey(Count),
  multimodal: Schema.Boolean,
  jetty_speed: Schema.Boolean,
  compliance: Schema.optionalKey(Schema.Array(Schema.String)),
  sla: Schema.optionalKey(Schema.String),
  flat_lines: FlatLines,
  ttl: Schema.Struct({ text_max_seconds: Count, asset_max_seconds: Count }),
  assumptions: Schema.optionalKey(Schema.Array(Assumption))
})
export type Tier = typeof Tier.Type

const MediaType = Schema.Literals(["images", "videos", "audio", "3d_models"])
export type MediaType = typeof MediaType.Type
export const MEDIA_TYPES: ReadonlyArray<MediaType> = MediaType.literals
const PerMedia = Schema.Struct({ images: Fraction, videos: Fraction, audio: Fraction, "3d_models": Fraction })

const StatedTier = Schema.Struct({
  cost_to_us: Decimal,
  margin: Schema.optionalKey(Decimal),
  margin_pct: Schema.optionalKey(Decimal),
  lines: Schema.optionalKey(Schema.Record(Schema.String, Decimal))
})

const Range = Schema.Struct({ min: Decimal, max: Decimal })

/** The plan's own figures, kept apart from the inputs: the audit recomputes each. */
export const Stated = Schema.Struct({
  tiers: Schema.Record(Schema.String, StatedTier),
  transfer_record: Schema.Struct({
    tier: TierId,
    storage_gb: Decimal,
    bandwidth_gb: Decimal,
    requests: Count,
    storage: Decimal,
    bandwidth: Decimal,
    api_calls: Decimal,
    total: Decimal,
    charged_to_user: Decimal,
    margin: Decimal
  }),
  accounting_model: Schema.Struct({ tier: TierId, redis: Decimal, cloudflare: Decimal, jettythunder: Decimal }),
  cold_storage_saving_pct: Decimal,
  dedup_cost_saved_per_hit: Decimal,
  dedup_savings_pct: Range,
  compression_savings_pct: Range,
  projection_pro_1000: Schema.Struct({
    users: Count,
    revenue: Decimal,
    redis: Decimal,
    lyve_storage: Decimal,
    bandwidth: Decimal,
    jettythunder_api: Decimal,
    support: Decimal,
    total_costs: Decimal,
    net_profit: Decimal,
    margin_pct: Decimal,
    annual_profit: Decimal
  }),
  fixed_costs_total: Decimal,
  break_even: Schema.Struct({ tier: TierId, users: Count, revenue: Decimal, profit: Decimal, margin_pct: Decimal }),
  success_metrics: Schema.Struct({
    paying_users: Count,
    revenue: Decimal,
    margin_pct_min: Decimal,
    churn_pct_max: Decimal,
    positive_unit_economics_users: Count
  })
})
export type Stated = typeof Stated.Type

const PositiveCount = Count.pipe(Schema.check(Schema.makeFilter((n: number) => n > 0 || "Expected a whole number > 0")))

export const Sheet = Schema.Struct({
  version: Schema.Literal(1),
  currency: Schema.Literal("USD"),
  upgrade_url: Schema.NonEmptyString,
  unit_prices: Schema.Struct({
    redis_per_mb_month: Decimal,
    lyve_per_gb_month: Decimal,
    cold_per_gb_month: Decimal,
    bandwidth_per_gb: Decimal,
    jettythunder_api_per_block: Decimal,
    jettythunder_api_block_requests: PositiveCount,
    text_cache_per_100k_requests: Decimal
  }),
  support_per_user_month: Decimal,
  fixed_costs: Schema.Record(Schema.String, Decimal),
  tiers: Schema.Array(Tier).pipe(
    Schema.check(
      Schema.makeFilter((tiers: ReadonlyArray<Tier>) => {
        const ids = tiers.map((t) => t.id)
        const missing = TIER_IDS.filter((id) => !ids.includes(id))
        if (missing.length > 0) return `Expected all five tiers; missing: ${missing.join(", ")}`
        const dup = ids.find((id, i) => ids.indexOf(id) !== i)
        return dup === undefined || `Tier "${dup}" appears twice`
      })
    )
  ),
  media: Schema.Struct({ compression_ratios: PerMedia, default_mix: PerMedia }),
  tiering: Schema.Struct({ cold_after_days: Count, cold_max_hit_rate: Fraction, hot_min_hit_rate: Fraction }),
  alerts: Schema.Struct({ usage_threshold_pct: Count }),
  stated: Stated
})
export type Sheet = typeof Sheet.Type
export type SheetEncoded = typeof Sheet.Encoded

/** A sheet that failed to decode: `message` lists each bad field with its path and what was expected. */
export class SheetError extends Schema.TaggedError<SheetError>()("SheetError", {
  message: Schema.String
}) {}

const decode = Schema.decodeUnknownResult(Sheet, { errors: "all", onExcessProperty: "error" })

export const decodeSheet = (input: unknown): Result.Result<Sheet, SheetError> =>
  Result.mapError(decode(input), (e) => new SheetError({ message: `invalid price sheet:\n${e.message}` }))

export const encodeSheet: (sheet: Sheet) => SheetEncoded = Schema.encodeSync(Sheet)

export const tierOf = (sheet: Sheet, id: TierId): Tier => {
  const tier = sheet.tiers.find((t) => t.id === id)
  // decodeSheet guarantees all five tiers, so this only fires on a hand-built sheet
  if (tier === undefined) throw new Error(`tier ${id} missing from sheet`)
  return tier
}

export const isTierId = (s: string): s is TierId => (TIER_IDS as ReadonlyArray<string>).includes(s)
