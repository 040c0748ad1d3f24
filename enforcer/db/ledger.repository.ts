// The append-only usage ledger: what counts against quotas and what is billed. Rows are only ever inserted; a
// correction is a new row (kind "void" or "reconcile"). A retried write with the same (op_id, kind) lands once.
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

/** Durable usage of a tenant: storage is all-time (deltas), requests and bandwidth belong to `period`. */
export const ledgerUsage = async (db: Q, userId: string, period: string): Promise<Usage> => {
  const row = await db
    .selectFrom("usage_ledger")
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
