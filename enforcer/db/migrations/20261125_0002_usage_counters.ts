// Counted requests are aggregated: one row per tenant, billing period, hour, kind and asset, incremented by each
// group-committed batch, instead of one row per request (storage grows with tenants × time, not with traffic).
// `ledger_batches` records the last batch each service instance made durable, so a reservation left behind by a crash
// can be told apart (committed or not) by its batch number. `usage_all` is every booked unit, per-operation rows and
// counters alike: what reports, jobs and reconcile sum. Frozen: never import application code here.
import { type Kysely, sql } from "kysely"

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("usage_counters")
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("period_start", "date", (c) => c.notNull())
    .addColumn("hour", "timestamptz", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    // '' when the requests concern no asset (a primary key cannot hold NULL)
    .addColumn("asset_id", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("requests", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("redis_bytes", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("storage_bytes", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("bandwidth_bytes", "bigint", (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint("usage_counters_pk", ["user_id", "period_start", "hour", "kind", "asset_id"])
    .execute()

  await db.schema
    .createTable("ledger_batches")
    .addColumn("instance_id", "text", (c) => c.primaryKey())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  await sql`create view usage_all as
    select user_id, period_start, occurred_at, kind, requests, redis_bytes, storage_bytes, bandwidth_bytes, asset_id,
      tier, amount
    from usage_ledger
    union all
    select user_id, period_start, hour, kind, requests, redis_bytes, storage_bytes, bandwidth_bytes, nullif(asset_id, ''),
      null, null
    from usage_counters`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop view if exists usage_all`.execute(db)
  await db.schema.dropTable("ledger_batches").ifExists().execute()
  await db.schema.dropTable("usage_counters").ifExists().execute()
}
