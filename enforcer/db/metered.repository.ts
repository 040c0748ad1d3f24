// What the enforcer metered, month by month: billed users per tier and their revenue (the ledger's subscriptions and
// tier changes), and the usage the cost lines are priced on (requests and bandwidth of the month, storage and Redis
// bytes held at its end). Read-only; the plan-against-actual join (cli/variance.ts) prices it with the model's rules.
import { sql } from "kysely"
import { isTierId, type TierId } from "../../model/index.ts"
import type { Kysely } from "kysely"
import { sumToBigInt } from "./Database.ts"
import type { DB } from "./schema.table.ts"

export interface MeteredMonth {
  readonly month: string
  /** users billed in the month, by the highest tier billed in it */
  readonly users: Readonly<Partial<Record<TierId, number>>>
  /** each billed user's highest charge of the month (subscription or upgrade), summed: exact decimal text */
  readonly revenue: ReadonlyArray<string>
  /** counted requests of the month (every kind) */
  readonly requests: bigint
  readonly bandwidthBytes: bigint
  /** asset bytes stored at the end of the month (all stores less all deletes up to then) */
  readonly storageBytes: bigint
  /** Redis bytes held at the end of the month, as the ledger records them */
  readonly redisBytes: bigint
}

/** Every month with billing or usage in the ledger, oldest first. */
export const meteredMonths = async (db: Kysely<DB>): Promise<ReadonlyArray<MeteredMonth>> => {
  // per user and month: the highest tier billed in it (subscription at period start, upgrades on change)
  const billed = await db
    .selectFrom("usage_ledger")
    .select([
      sql<string>`to_char(period_start, 'YYYY-MM')`.as("month"),
      sql<string | null>`max(amount) filter (where kind in ('subscription', 'tier_change'))`.as("amount"),
      sql<string | null>`(array_agg(tier order by amount desc, occurred_at desc)
        filter (where kind in ('subscription', 'tier_change')))[1]`.as("tier")
    ])
    .groupBy([sql`to_char(period_start, 'YYYY-MM')`, "user_id"])
    .execute()
  const usage = await db
    .selectFrom("usage_all")
    .select([
      sql<string>`to_char(period_start, 'YYYY-MM')`.as("month"),
      sql<string>`coalesce(sum(requests), 0)`.as("requests"),
      sql<string>`coalesce(sum(bandwidth_bytes), 0)`.as("bandwidth"),
      sql<string>`coalesce(sum(storage_bytes), 0)`.as("storage"),
      sql<string>`coalesce(sum(redis_bytes), 0)`.as("redis")
    ])
    .groupBy(sql`to_char(period_start, 'YYYY-MM')`)
    .execute()
  const months = [...new Set([...billed.map((r) => r.month), ...usage.map((r) => r.month)])].sort()
  const byMonth = new Map(usage.map((u) => [u.month, u]))
  let storage = 0n
  let redis = 0n
  return months.map((month) => {
    const u = byMonth.get(month)
    storage += u === undefined ? 0n : sumToBigInt(u.storage)
    redis += u === undefined ? 0n : sumToBigInt(u.redis)
    const users: Partial<Record<TierId, number>> = {}
    const revenue: Array<string> = []
    for (const b of billed) {
      if (b.month !== month || b.amount === null || b.tier === null || !isTierId(b.tier)) continue
      users[b.tier] = (users[b.tier] ?? 0) + 1
      revenue.push(b.amount)
    }
    return {
      month,
      users,
      revenue,
      requests: u === undefined ? 0n : sumToBigInt(u.requests),
      bandwidthBytes: u === undefined ? 0n : sumToBigInt(u.bandwidth),
      storageBytes: storage,
      redisBytes: redis
    }
  })
}
