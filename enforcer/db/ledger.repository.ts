// The usage ledger: what counts against quotas and what is billed. Operations with a life of their own (an asset
// stored, freed or downloaded, a subscription, a correction) are rows of the append-only `usage_ledger`, where a
// retried write with the same (op_id, kind) lands once; counted requests are `usage_counters`, aggregated per tenant,
// period, hour, kind and asset by the group commit (UsageRecorder). `usage_all` reads both.
import type { Kysely, Transaction } from "kysely"
import { sql } from "kysely"
import type { Usage } from "../../model/index.ts"
import { sumToBigInt } from "./Database.ts"
import type { DB, LedgerKind } from "./schema.table.ts"

type Q = Kysely<DB> | Transaction<DB>

export interface LedgerEntry {
  readonly userId: string
  readonly period: string // "2026-11"
  readonly occurredAt: Date
  readonly kind: LedgerKind
  readonly opId: string
  readonly requests?: bigint
  readonly redisBytes?: bigint
  readonly storageBytes?: bigint
  readonly bandwidthBytes?: bigint
  readonly assetId?: string | null
  readonly tier?: string | null
  /** exact decimal string (money) */
  readonly amount?: string | null
}

/** An operation's ledger entry: the one place that turns "this reservation did this" into a row. */
export const entryFor = (
  op: { readonly userId: string; readonly period: string; readonly id: string },
  at: number,
  kind: LedgerKind,
  amounts: Omit<LedgerEntry, "userId" | "period" | "occurredAt" | "kind" | "opId"> = {}
): LedgerEntry => ({ userId: op.userId, period: op.period, occurredAt: new Date(at), kind, opId: op.id, ...amounts })

export const appendLedger = async (db: Q, entries: ReadonlyArray<LedgerEntry>): Promise<void> => {
  if (entries.length === 0) return
  await db
    .insertInto("usage_ledger")
    .values(entries.map((e) => ({
      user_id: e.userId,
      period_start: `${e.period}-01`,
      occurred_at: e.occurredAt,
      kind: e.kind,
      op_id: e.opId,
      requests: (e.requests ?? 0n).toString(),
      redis_bytes: (e.redisBytes ?? 0n).toString(),
      storage_bytes: (e.storageBytes ?? 0n).toString(),
      bandwidth_bytes: (e.bandwidthBytes ?? 0n).toString(),
      asset_id: e.assetId ?? null,
      tier: e.tier ?? null,
      amount: e.amount ?? null
    })))
    .onConflict((oc) => oc.columns(["op_id", "kind"]).doNothing())
    .execute()
}

/** One counter increment: what a batch adds to a tenant's hour. */
export interface CounterEntry {
  readonly userId: string
  readonly period: string
  readonly at: number
  readonly kind: LedgerKind
  readonly assetId?: string | null | undefined
  readonly requests?: bigint
  readonly redisBytes?: bigint
  readonly bandwidthBytes?: bigint
}

const HOUR_MS = 3_600_000

/** Add a batch's counters (summed per row first: one statement may touch a row once) and record the batch as durable,
 * atomically (one statement). The rows travel as one JSON parameter, so the statement's text is the same for every
 * batch (no statement of a thousand parameters to build, send and parse for a large batch). */
export const addCounters = async (tx: Q, entries: ReadonlyArray<CounterEntry>, batch: { readonly instanceId: string; readonly seq: number }) => {
  const rows = new Map<string, { user_id: string; period_start: string; hour: number; kind: LedgerKind; asset_id: string; requests: bigint; redis_bytes: bigint; bandwidth_bytes: bigint }>()
  for (const e of entries) {
    const hour = Math.floor(e.at / HOUR_MS) * HOUR_MS
    const assetId = e.assetId ?? ""
    const key = `${e.userId}\u0000${e.period}\u0000${hour}\u0000${e.kind}\u0000${assetId}`
    let row = rows.get(key)
    if (row === undefined) {
      row = { user_id: e.userId, period_start: `${e.period}-01`, hour, kind: e.kind, asset_id: assetId, requests: 0n, redis_bytes: 0n, bandwidth_bytes: 0n }
      rows.set(key, row)
    }
    row.requests += e.requests ?? 0n
    row.redis_bytes += e.redisBytes ?? 0n
    row.bandwidth_bytes += e.bandwidthBytes ?? 0n
  }
  const seq = String(batch.seq)
  // batches of one instance may commit out of order: the mark only ever grows
  if (rows.size === 0) {
    await sql`insert into ledger_batches (instance_id, seq, updated_at) values (${batch.instanceId}, ${seq}, now())
      on conflict (instance_id) do update set seq = greatest(ledger_batches.seq, excluded.seq), updated_at = excluded.updated_at`
      .execute(tx)
    return
  }
  // amounts as decimal strings: exact whatever their size (JSON numbers are doubles)
  const json = JSON.stringify([...rows.values()].map((r) => ({
    ...r,
    hour: new Date(r.hour).toISOString(),
    requests: r.requests.toString(),
    redis_bytes: r.redis_bytes.toString(),
    bandwidth_bytes: r.bandwidth_bytes.toString()
  })))
  // one statement (so one round trip, and atomic without a transaction): the counters in a data-modifying CTE
  await sql`with counted as (
      insert into usage_counters as c (user_id, period_start, hour, kind, asset_id, requests, redis_bytes, bandwidth_bytes)
      select user_id, period_start, hour, kind, asset_id, requests, redis_bytes, bandwidth_bytes
      from jsonb_to_recordset(${json}::jsonb) as x(user_id text, period_start date, hour timestamptz, kind text,
        asset_id text, requests bigint, redis_bytes bigint, bandwidth_bytes bigint)
      on conflict (user_id, period_start, hour, kind, asset_id) do update set
        requests = c.requests + excluded.requests,
        redis_bytes = c.redis_bytes + excluded.redis_bytes,
        bandwidth_bytes = c.bandwidth_bytes + excluded.bandwidth_bytes
    )
    insert into ledger_batches (instance_id, seq, updated_at) values (${batch.instanceId}, ${seq}, now())
    on conflict (instance_id) do update set seq = greatest(ledger_batches.seq, excluded.seq), updated_at = excluded.updated_at`
    .execute(tx)
}

/** The greatest durable batch of an instance, or -1. */
export const lastBatch = async (db: Q, instanceId: string): Promise<number> => {
  const row = await db.selectFrom("ledger_batches").select("seq").where("instance_id", "=", instanceId).executeTakeFirst()
  return row === undefined ? -1 : Number(row.seq)
}

/** Durable usage of a tenant: storage is all-time (deltas), requests and bandwidth belong to `period`. */
export const ledgerUsage = async (db: Q, userId: string, period: string): Promise<Usage> => {
  const row = await db
    .selectFrom("usage_all")
    .select([
      sql<string>`coalesce(sum(storage_bytes), 0)`.as("storage"),
      sql<string>`coalesce(sum(requests) filter (where period_start = ${`${period}-01`}::date), 0)`.as("requests"),
      sql<string>`coalesce(sum(bandwidth_bytes) filter (where period_start = ${`${period}-01`}::date), 0)`.as("bandwidth")
    ])
    .where("user_id", "=", userId)
    .executeTakeFirstOrThrow()
  return {
    requests: sumToBigInt(row.requests),
    redisBytes: 0n,
    storageBytes: sumToBigInt(row.storage),
    bandwidthBytes: sumToBigInt(row.bandwidth)
  }
}

/** Net amounts recorded for one operation (its reservation id), or undefined if it never reached the ledger. */
export const ledgerForOp = async (
  db: Q,
  opId: string
): Promise<{ readonly requests: bigint; readonly storageBytes: bigint; readonly bandwidthBytes: bigint } | undefined> => {
  const row = await db
    .selectFrom("usage_ledger")
    .select([
      sql<string>`count(*)`.as("n"),
      sql<string>`coalesce(sum(requests), 0)`.as("requests"),
      sql<string>`coalesce(sum(storage_bytes), 0)`.as("storage"),
      sql<string>`coalesce(sum(bandwidth_bytes), 0)`.as("bandwidth")
    ])
    .where("op_id", "=", opId)
    .executeTakeFirstOrThrow()
  if (sumToBigInt(row.n) === 0n) return undefined
  return {
    requests: sumToBigInt(row.requests),
    storageBytes: sumToBigInt(row.storage),
    bandwidthBytes: sumToBigInt(row.bandwidth)
  }
}
