// Users, their hashed API keys and their tier (the quota row). Limits are not stored: the sheet gives them.
import type { Kysely, Transaction } from "kysely"
import type { TierId } from "../../model/index.ts"
import { appendLedger } from "./ledger.repository.ts"
import type { DB } from "./schema.table.ts"

type Q = Kysely<DB> | Transaction<DB>

export interface UserRow {
  readonly userId: string
  readonly tier: TierId
  readonly createdAt: Date
  readonly periodStart: Date
  readonly periodEnd: Date
  readonly keyPrefix: string | null
}

export const createUser = async (
  db: Kysely<DB>,
  input: {
    readonly userId: string
    readonly tier: TierId
    readonly keyId: string
    readonly keyHash: string
    readonly keyPrefix: string
    readonly monthlyPrice: string
    readonly period: string
    readonly periodStart: Date
    readonly periodEnd: Date
    readonly now: Date
  }
): Promise<void> => {
  await db.transaction().execute(async (tx) => {
    await tx.insertInto("users").values({ id: input.userId, created_at: input.now }).execute()
    await tx.insertInto("api_keys").values({
      id: input.keyId,
      user_id: input.userId,
      key_hash: input.keyHash,
      key_prefix: input.keyPrefix,
      revoked_at: null
    }).execute()
    await tx.insertInto("user_storage_quotas").values({
      user_id: input.userId,
      tier: input.tier,
      monthly_price: input.monthlyPrice,
      period_start: input.periodStart,
      period_end: input.periodEnd
    }).execute()
    // the period's revenue is booked when it starts (here, then by the rollover job)
    await appendLedger(tx, [{
      userId: input.userId,
      period: input.period,
      occurredAt: input.now,
      kind: "subscription",
      opId: `sub:${input.userId}:${input.period}`,
      tier: input.tier,
      amount: input.monthlyPrice
    }])
  })
}

export const findUserByKeyHash = async (db: Q, keyHash: string): Promise<string | undefined> => {
  const row = await db
    .selectFrom("api_keys")
    .select("user_id")
    .where("key_hash", "=", keyHash)
    .where("revoked_at", "is", null)
    .executeTakeFirst()
  return row?.user_id
}

/** Revoke every live key of a user; undefined when there is no such user. */
export const revokeKeys = async (db: Q, userId: string, now: Date): Promise<number | undefined> => {
  const user = await db.selectFrom("users").select("id").where("id", "=", userId).executeTakeFirst()
  if (user === undefined) return undefined
  const r = await db.updateTable("api_keys").set({ revoked_at: now }).where("user_id", "=", userId)
    .where("revoked_at", "is", null).executeTakeFirst()
  return Number(r.numUpdatedRows)
}

export const getUser = async (db: Q, userId: string): Promise<UserRow | undefined> => {
  const row = await db
    .selectFrom("user_storage_quotas as q")
    .innerJoin("users as u", "u.id", "q.user_id")
    .select(["q.user_id", "q.tier", "u.created_at", "q.period_start", "q.period_end"])
    .where("q.user_id", "=", userId)
    .executeTakeFirst()
  return row === undefined ? undefined : {
    userId: row.user_id,
    tier: row.tier as TierId,
    createdAt: row.created_at,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    keyPrefix: null
  }
}

export const listUsers = async (db: Q): Promise<ReadonlyArray<UserRow>> => {
  const rows = await db
    .selectFrom("user_storage_quotas as q")
    .innerJoin("users as u", "u.id", "q.user_id")
    .leftJoin("api_keys as k", "k.user_id", "q.user_id")
    .select(["q.user_id", "q.tier", "u.created_at", "q.period_start", "q.period_end", "k.key_prefix"])
    .orderBy("u.created_at")
    .orderBy("q.user_id")
    .execute()
  return rows.map((row) => ({
    userId: row.user_id,
    tier: row.tier as TierId,
    createdAt: row.created_at,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    keyPrefix: row.key_prefix
  }))
}

/** Change the tier now; the month is billed at the highest tier held in it (a `tier_change` row at the new price). */
export const setUserTier = async (
  db: Kysely<DB>,
  input: {
    readonly userId: string
    readonly tier: TierId
    readonly monthlyPrice: string
    readonly period: string
    readonly now: Date
    readonly opId: string
  }
): Promise<{ readonly previous: TierId } | undefined> =>
  db.transaction().execute(async (tx) => {
    const current = await tx
      .selectFrom("user_storage_quotas")
      .select("tier")
      .where("user_id", "=", input.userId)
      .forUpdate()
      .executeTakeFirst()
    if (current === undefined) return undefined
    await tx
      .updateTable("user_storage_quotas")
      .set({ tier: input.tier, monthly_price: input.monthlyPrice, updated_at: input.now })
      .where("user_id", "=", input.userId)
      .execute()
    await appendLedger(tx, [{
      userId: input.userId,
      period: input.period,
      occurredAt: input.now,
      kind: "tier_change",
      opId: input.opId,
      tier: input.tier,
      amount: input.monthlyPrice
    }])
    return { previous: current.tier as TierId }
  })
