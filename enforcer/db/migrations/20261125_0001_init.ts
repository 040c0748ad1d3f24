// The plan's user_storage_quotas and jettythunder_assets, corrected: bytes are BIGINT (never GB decimals), money is
// exact NUMERIC, periods are explicit, usage lives in an append-only ledger. Frozen: never import application code here.
import { type Kysely, sql } from "kysely"

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("users")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable("api_keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    // sha-256 of the key: a database leak does not leak usable keys
    .addColumn("key_hash", "text", (c) => c.notNull().unique())
    .addColumn("key_prefix", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("revoked_at", "timestamptz")
    .execute()

  // Limits are NOT copied here: they come from the price sheet through the model (limitsOf), so a sheet change
  // applies to everyone at once and there is one source of truth.
  await db.schema
    .createTable("user_storage_quotas")
    .addColumn("user_id", "text", (c) => c.primaryKey().references("users.id").onDelete("cascade"))
    .addColumn("tier", "text", (c) => c.notNull().check(sql`tier in ('free','starter','pro','business','enterprise')`))
    .addColumn("monthly_price", "numeric(12, 2)", (c) => c.notNull())
    .addColumn("period_start", "timestamptz", (c) => c.notNull())
    .addColumn("period_end", "timestamptz", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint("quota_period_order", sql`period_end > period_start`)
    .execute()

  // One row per distinct content of a tenant: deduplication and reference counting live here.
  await db.schema
    .createTable("content_objects")
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("content_hash", "text", (c) => c.notNull())
    .addColumn("size_bytes", "bigint", (c) => c.notNull().check(sql`size_bytes >= 0`))
    .addColumn("bucket", "text", (c) => c.notNull())
    .addColumn("object_key", "text", (c) => c.notNull())
    .addColumn("storage_class", "text", (c) => c.notNull().defaultTo("hot").check(sql`storage_class in ('hot','cold')`))
    .addColumn("refcount", "integer", (c) => c.notNull().check(sql`refcount >= 0`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("content_objects_pk", ["user_id", "content_hash"])
    .execute()

  await db.schema
    .createTable("jettythunder_assets")
    .addColumn("asset_id", "text", (c) => c.primaryKey())
    .addColumn("agentcache_user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("content_hash", "text", (c) => c.notNull())
    .addColumn("size_bytes", "bigint", (c) => c.notNull().check(sql`size_bytes >= 0`))
    .addColumn("mime_type", "text", (c) => c.notNull())
    .addColumn("cache_key", "text", (c) => c.notNull())
    .addColumn("hit_count", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("last_accessed", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("ttl_expires_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addForeignKeyConstraint("assets_content_fk", ["agentcache_user_id", "content_hash"], "content_objects", [
      "user_id",
      "content_hash"
    ])
    .execute()
  await db.schema.createIndex("idx_assets_user").on("jettythunder_assets").column("agentcache_user_id").execute()
  await db.schema.createIndex("idx_assets_cache_key").on("jettythunder_assets").columns(["agentcache_user_id", "cache_key"])
    .execute()
  await db.schema.createIndex("idx_assets_accessed").on("jettythunder_assets").column("last_accessed").execute()

  // Claimed only together with the result it replays (same transaction as the asset and its ledger row).
  await db.schema
    .createTable("idempotency_keys")
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("status", "integer", (c) => c.notNull())
    .addColumn("response", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("idempotency_keys_pk", ["user_id", "key"])
    .execute()

  // Append-only: every unit that counts against a quota or is billed. Requests and bandwidth belong to the period in
  // `period_start`; storage deltas sum to the bytes held. `op_id` makes a retried write land once.
  await db.schema
    .createTable("usage_ledger")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("period_start", "date", (c) => c.notNull())
    .addColumn("occurred_at", "timestamptz", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("op_id", "text", (c) => c.notNull())
    .addColumn("requests", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("redis_bytes", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("storage_bytes", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("bandwidth_bytes", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("asset_id", "text")
    .addColumn("tier", "text")
    .addColumn("amount", "numeric(14, 4)")
    .addUniqueConstraint("usage_ledger_op_kind", ["op_id", "kind"])
    .execute()
  await db.schema.createIndex("idx_ledger_user_period").on("usage_ledger").columns(["user_id", "period_start"]).execute()
  await db.schema.createIndex("idx_ledger_asset").on("usage_ledger").columns(["asset_id", "occurred_at"]).execute()
  await sql`create function usage_ledger_append_only() returns trigger language plpgsql as $$
    begin raise exception 'usage_ledger is append-only'; end $$`.execute(db)
  await sql`create trigger usage_ledger_no_update before update or delete on usage_ledger
    for each row execute function usage_ledger_append_only()`.execute(db)

  await db.schema
    .createTable("tiering_moves")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("content_hash", "text", (c) => c.notNull())
    .addColumn("size_bytes", "bigint", (c) => c.notNull())
    .addColumn("from_class", "text", (c) => c.notNull())
    .addColumn("to_class", "text", (c) => c.notNull())
    // positive when moving to cold: what the move saves per month at the sheet's unit prices
    .addColumn("monthly_saving", "numeric(24, 12)", (c) => c.notNull())
    .addColumn("moved_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable("usage_alerts")
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("period_start", "date", (c) => c.notNull())
    .addColumn("dimension", "text", (c) => c.notNull())
    .addColumn("percent", "numeric(5, 1)", (c) => c.notNull())
    .addColumn("message", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("usage_alerts_pk", ["user_id", "period_start", "dimension"])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["usage_alerts", "tiering_moves", "usage_ledger", "idempotency_keys", "jettythunder_assets",
    "content_objects", "user_storage_quotas", "api_keys", "users"]) {
    await db.schema.dropTable(t).ifExists().execute()
  }
  await sql`drop function if exists usage_ledger_append_only()`.execute(db)
}
