// Row types of the enforcer's tables, as kysely sees them. int8 columns arrive as bigint (PGlite) or as a string
// (pg without a parser); the Database layer installs a parser so both give bigint.
import type { ColumnType, Generated } from "kysely"

type Timestamp = ColumnType<Date, Date | string, Date | string>
type Int8 = ColumnType<bigint, bigint | number | string, bigint | number | string>
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>
type GeneratedInt8 = ColumnType<bigint, bigint | number | string | undefined, bigint | number | string>
/** NUMERIC arrives as a string on both drivers: parse it with BigDecimal, never with parseFloat. */
type Numeric = ColumnType<string, string, string>

export interface UsersTable {
  id: string
  created_at: GeneratedTimestamp
}

export interface ApiKeysTable {
  id: string
  user_id: string
  key_hash: string
  key_prefix: string
  created_at: GeneratedTimestamp
  revoked_at: Timestamp | null
}

export interface UserStorageQuotasTable {
  user_id: string
  tier: string
  monthly_price: Numeric
  period_start: Timestamp
  period_end: Timestamp
  created_at: GeneratedTimestamp
  updated_at: GeneratedTimestamp
}

export interface ContentObjectsTable {
  user_id: string
  content_hash: string
  size_bytes: Int8
  bucket: string
  object_key: string
  storage_class: Generated<"hot" | "cold">
  refcount: number
  created_at: GeneratedTimestamp
}

export interface AssetsTable {
  asset_id: string
  agentcache_user_id: string
  content_hash: string
  size_bytes: Int8
  mime_type: string
  cache_key: string
  hit_count: GeneratedInt8
  last_accessed: GeneratedTimestamp
  ttl_expires_at: Timestamp | null
  created_at: GeneratedTimestamp
}

export interface IdempotencyKeysTable {
  user_id: string
  key: string
  status: number
  response: string
  created_at: GeneratedTimestamp
}

export type LedgerKind =
  | "cache_request"
  | "asset_store"
  | "asset_delete"
  | "bandwidth"
  | "lookup"
  | "subscription"
  | "tier_change"
  | "void"
  | "reconcile"

export interface UsageLedgerTable {
  id: GeneratedInt8
  user_id: string
  period_start: ColumnType<Date, Date | string, Date | string>
  occurred_at: Timestamp
  kind: LedgerKind
  op_id: string
  requests: GeneratedInt8
  redis_bytes: GeneratedInt8
  storage_bytes: GeneratedInt8
  bandwidth_bytes: GeneratedInt8
  asset_id: string | null
  tier: string | null
  amount: Numeric | null
}

/** Counted requests, aggregated per tenant, period, hour, kind and asset ('' for none); only ever incremented. */
export interface UsageCountersTable {
  user_id: string
  period_start: ColumnType<Date, Date | string, Date | string>
  hour: Timestamp
  kind: LedgerKind
  asset_id: string
  requests: GeneratedInt8
  redis_bytes: GeneratedInt8
  storage_bytes: GeneratedInt8
  bandwidth_bytes: GeneratedInt8
}

/** The last batch of counters each service instance made durable. */
export interface LedgerBatchesTable {
  instance_id: string
  seq: Int8
  updated_at: GeneratedTimestamp
}

/** A view: every booked unit, per-operation ledger rows and counters alike (what reports and jobs sum). */
export interface UsageAllView {
  user_id: string
  period_start: ColumnType<Date, never, never>
  occurred_at: ColumnType<Date, never, never>
  kind: LedgerKind
  requests: ColumnType<bigint, never, never>
  redis_bytes: ColumnType<bigint, never, never>
  storage_bytes: ColumnType<bigint, never, never>
  bandwidth_bytes: ColumnType<bigint, never, never>
  asset_id: string | null
  tier: string | null
  amount: Numeric | null
}

export interface TieringMovesTable {
  id: GeneratedInt8
  user_id: string
  content_hash: string
  size_bytes: Int8
  from_class: string
  to_class: string
  monthly_saving: Numeric
  moved_at: GeneratedTimestamp
}

export interface UsageAlertsTable {
  user_id: string
  period_start: ColumnType<Date, Date | string, Date | string>
  dimension: string
  percent: Numeric
  message: string
  created_at: GeneratedTimestamp
}

export interface DB {
  users: UsersTable
  api_keys: ApiKeysTable
  user_storage_quotas: UserStorageQuotasTable
  content_objects: ContentObjectsTable
  jettythunder_assets: AssetsTable
  idempotency_keys: IdempotencyKeysTable
  usage_ledger: UsageLedgerTable
  usage_counters: UsageCountersTable
  ledger_batches: LedgerBatchesTable
  usage_all: UsageAllView
  tiering_moves: TieringMovesTable
  usage_alerts: UsageAlertsTable
}
