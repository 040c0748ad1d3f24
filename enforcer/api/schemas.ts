// Response bodies of the HTTP API. Byte counts are exact JSON integers (`*_bytes`); MB/GB figures are exact decimal
// strings (1 MB = 10^6 bytes, 1 GB = 10^9 bytes); money is a decimal string; `null` means unlimited.
import * as Schema from "effect/Schema"
import type { QuotaUnit } from "../../model/index.ts"

const Decimal = Schema.String.annotate({ description: "exact decimal, e.g. \"0.000012\"" })
const Bytes = Schema.Number.annotate({ description: "whole bytes" })

/** The schema of the model's `quotaBlock` for one unit: `limit_mb`, `used_mb`, … or `limit_gb`, … plus exact bytes. */
const quotaBlockSchema = <U extends QuotaUnit>(unit: U) =>
  Schema.Struct({
    ...({
      [`limit_${unit}`]: Schema.NullOr(Decimal),
      [`used_${unit}`]: Decimal,
      [`available_${unit}`]: Schema.NullOr(Decimal)
    } as
      & { readonly [K in `limit_${U}` | `available_${U}`]: Schema.NullOr<typeof Decimal> }
      & { readonly [K in `used_${U}`]: typeof Decimal }),
    percent_used: Decimal,
    limit_bytes: Schema.NullOr(Bytes),
    used_bytes: Bytes,
    reserved_bytes: Bytes,
    available_bytes: Schema.NullOr(Bytes)
  })

export const MbBlock = quotaBlockSchema("mb")
export const GbBlock = quotaBlockSchema("gb")

export const QuotaView = Schema.Struct({
  tier: Schema.String,
  period: Schema.Struct({ start: Schema.String, end: Schema.String }),
  storage: Schema.Struct({ redis: MbBlock, jettythunder: GbBlock }),
  bandwidth: GbBlock,
  requests: Schema.Struct({
    limit: Schema.NullOr(Schema.Number),
    used: Schema.Number,
    reserved: Schema.Number,
    available: Schema.NullOr(Schema.Number),
    percent_used: Decimal
  })
})
export type QuotaView = typeof QuotaView.Type

export const CachePut = Schema.Struct({
  key: Schema.String,
  size_bytes: Bytes,
  ttl_seconds: Schema.Number,
  expires_at: Schema.String
})

export const CacheDeleted = Schema.Struct({ key: Schema.String, deleted: Schema.Boolean })

export const StoredAsset = Schema.Struct({
  asset_id: Schema.String,
  size_bytes: Bytes,
  content_hash: Schema.String.annotate({ description: "hex SHA-256 of the bytes" }),
  deduplicated: Schema.Boolean
})

export const AssetInfo = Schema.Struct({
  asset_id: Schema.String,
  size_bytes: Bytes,
  content_hash: Schema.String,
  content_type: Schema.String,
  cache_key: Schema.String,
  hit_count: Schema.Number,
  last_accessed: Schema.String,
  created_at: Schema.String,
  expires_at: Schema.NullOr(Schema.String),
  storage_class: Schema.String,
  url: Schema.String
})

export const NewUser = Schema.Struct({ user_id: Schema.String, api_key: Schema.String, tier: Schema.String })

export const UserInfo = Schema.Struct({
  user_id: Schema.String,
  tier: Schema.String,
  created_at: Schema.String,
  period_start: Schema.String,
  period_end: Schema.String,
  key_prefix: Schema.NullOr(Schema.String)
})

export const MonthRow = Schema.Struct({
  month: Schema.String,
  active_users: Schema.Number,
  paying_users: Schema.Number,
  revenue: Decimal,
  allowance_cost: Decimal,
  bandwidth_cost: Decimal,
  internal_cost: Decimal,
  gross_profit: Decimal,
  margin_pct: Schema.NullOr(Decimal)
})

export const Alert = Schema.Struct({
  user_id: Schema.String,
  tier: Schema.String,
  period: Schema.String,
  dimension: Schema.String,
  used: Schema.Number,
  limit: Schema.Number,
  percent: Decimal,
  message: Schema.String
})

export const Health = Schema.Struct({
  status: Schema.Literals(["ok", "degraded"]),
  redis: Schema.Literals(["ok", "unreachable"])
})

/** The maintenance jobs an operator can run by name (`POST /admin/v1/jobs/:job`, `econ enforcer` on a schedule). */
export const JOB_NAMES = ["tiering", "alerts", "rollover", "reconcile"] as const
export type JobName = (typeof JOB_NAMES)[number]

export const JobResult = Schema.Record(Schema.String, Schema.Unknown)
