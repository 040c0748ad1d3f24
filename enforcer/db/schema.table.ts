// Row types of the enforcer's tables, as kysely sees them. int8 columns arrive as bigint (PGlite) or as a string
// (pg without a parser); the Database layer installs a parser so both give bigint.
import type { ColumnType, Generated } from "kysely"

type Timestamp = ColumnType<Date, Date | string, Date | string>
type Int8 = ColumnType<bigint, bigint | number | string, bigint | number | string>
/** NUMERIC arrives as a string on both drivers: parse it with BigDecimal, never with parseFloat. */
type Numeric = ColumnType<string, string, string>

export interface UsersTable {
  id: string
  created_at: Generated<Timestamp>
}

export interface ApiKeysTable {
  id: string
  user_id: string
  key_hash: string
  key_prefix: string
  created_at: Generated<Timestamp>
  revoked_at: Timestamp | null
}

export interface UserStorageQuotasTable {
  user_id: string
  tier: string
  monthly_price: Numeric
  period_start: Timestamp
  period_end: Timestamp
  created_at: Generated<Timestamp>
  updated_at: Generated<Timestamp>
}

export interface ContentObjectsTable {
  user_id: string
  content_hash: string
  size_bytes: Int8
  bucket: string
  object_key: string
  storage_class: Generated<"hot" | "cold">
  refcount: number
  created_at: Generated<Timestamp>
}

export interface AssetsTable {
  asset_id: string
  agentcache_user_id: string
  content_hash: string
  size_bytes: Int8
  mime_type: string
  cache_key: string
  hit_count: Generated<Int8>
  last_accessed: Generated<Timestamp>
  ttl_expires_at: Timestamp | null
  created_at: Generated<Timestamp>
}

export interface IdempotencyKeysTable {
  user_id: string
  key: string
  status: number
  response: string
  created_at: Generated<Timestamp>
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
  id: Generated<Int8>
  user_id: string
  period_start: ColumnType<Date, Date | string, Date | string>
  occurred_at: Timestamp
  kind: LedgerKind
  op_id: string
  requests: Generated<Int8>
  redis_bytes: Generated<Int8>
  storage_bytes: Generated<Int8>
  bandwidth_bytes: Generated<Int8>
  asset_id: string | null
  tier: string | null
  amount: Numeric | null
}

export interface TieringMovesTable {
  id: Generated<Int8>
  user_id: string
  content_hash: string
  size_bytes: Int8
  from_class: string
  to_class: string
  monthly_saving: Numeric
  moved_at: Generated<Timestamp>
}

export interface UsageAlertsTable {
  user_id: string
  period_start: ColumnType<Date, Date | string, Date | string>
  dimension: string
  percent: Numeric
  message: string
  created_at: Generated<Timestamp>
}

export interface DB {
  users: UsersTable
  api_keys: ApiKeysTable
  user_storage_quotas: UserStorageQuotasTable
  content_objects: ContentObjectsTable
  jettythunder_assets: AssetsTable
  idempotency_keys: IdempotencyKeysTable
  usage_ledger: UsageLedgerTable
  tiering_moves: TieringMovesTable
  usage_alerts: UsageAlertsTable
}
