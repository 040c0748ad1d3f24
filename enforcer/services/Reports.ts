// Read models: a tenant's quota in the plan's shape (plus exact bytes), the monthly financial dashboard computed from
// the ledger with the model's rules, and the ≥ 90 % usage alerts. The plan's versions divided by zero (Free),
// printed an undefined percent and averaged per-user ratios; these do none of that.
import * as BigDecimal from "effect/BigDecimal"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { sql } from "kysely"
import {
  availableBytes,
  exactJsonNumber,
  formatMoney,
  formatPercent,
  isPayingTier,
  isTierId,
  limitsOf,
  type Money,
  percent,
  priceOfBytes,
  quotaBlock,
  roundMoney,
  type Sheet,
  sumMoney,
  type TierId,
  tierEconomics,
  tierOf,
  type Usage,
  usageAlerts,
  usagePercent
} from "../../model/index.ts"
import type { QuotaView } from "../api/schemas.ts"
import { Database } from "../db/Database.ts"
import { listUsers } from "../db/users.repository.ts"
import type { Contention, DatabaseError, RedisUnavailable, UnknownUser } from "../errors.ts"
import { PriceSheet } from "../quota/PriceSheet.ts"
import { QuotaStore } from "../quota/QuotaStore.ts"
import { periodBounds } from "../quota/TimeSource.ts"

type Failure = RedisUnavailable | DatabaseError | Contention | UnknownUser

/** The plan's quota shape, with exact bytes beside each figure; Free reads 0 % of 0, unlimited reads null. */
export const quotaJson = (sheet: Sheet, tier: TierId, period: string, used: Usage, held: Usage): QuotaView => {
  const limits = limitsOf(tierOf(sheet, tier))
  const { start, end } = periodBounds(period)
  const requestsAvailable = availableBytes(limits.requests, used.requests, held.requests)
  return {
    tier,
    period: { start: start.toISOString(), end: end.toISOString() },
    storage: {
      redis: quotaBlock("mb", used.redisBytes, held.redisBytes, limits.redisBytes),
      jettythunder: quotaBlock("gb", used.storageBytes, held.storageBytes, limits.storageBytes)
    },
    bandwidth: quotaBlock("gb", used.bandwidthBytes, held.bandwidthBytes, limits.bandwidthBytes),
    requests: {
      limit: limits.requests === null ? null : exactJsonNumber(limits.requests),
      used: exactJsonNumber(used.requests),
      reserved: exactJsonNumber(held.requests),
      available: requestsAvailable === null ? null : exactJsonNumber(requestsAvailable),
      percent_used: formatPercent(usagePercent(used.requests, limits.requests))
    }
  }
}


export interface MonthRow {
  readonly month: string
  readonly active_users: number
  readonly paying_users: number
  readonly revenue: string
  readonly allowance_cost: string
  readonly bandwidth_cost: string
  readonly internal_cost: string
  readonly gross_profit: string
  /** gross profit ÷ revenue of the month (a ratio of sums, never an average of per-user ratios); null at zero revenue */
  readonly margin_pct: string | null
}

export interface AlertJson {
  readonly user_id: string
  readonly tier: TierId
  readonly dimension: string
  readonly used: number
  readonly limit: number
  readonly percent: string
  readonly message: string
}

export interface ReportsShape {
  readonly quota: (userId: string) => Effect.Effect<QuotaView, Failure>
  readonly monthly: Effect.Effect<ReadonlyArray<MonthRow>, DatabaseError>
  readonly alerts: Effect.Effect<ReadonlyArray<AlertJson & { readonly period: string }>, Failure>
}

export class Reports extends Context.Service<Reports, ReportsShape>()("enforcer/Reports") {
  static readonly layer = Layer.effect(
    Reports,
    Effect.gen(function*() {
      const quotaStore = yield* QuotaStore
      const database = yield* Database
      const sheet = yield* PriceSheet

      const quota: ReportsShape["quota"] = (userId) =>
        Effect.map(quotaStore.snapshot(userId), (s) => quotaJson(sheet, s.tier, s.period, s.committed, s.held))

      const monthly: ReportsShape["monthly"] = Effect.gen(function*() {
        // per user and month: the highest tier billed in it (subscription at period start, upgrades on change)
        const rows = yield* database.use((db) =>
          db
            .selectFrom("usage_all")
            .select([
              sql<string>`to_char(period_start, 'YYYY-MM')`.as("month"),
              "user_id",
              sql<string | null>`max(amount) filter (where kind in ('subscription', 'tier_change'))`.as("revenue"),
              sql<string | null>`(array_agg(tier order by amount desc, occurred_at desc)
                filter (where kind in ('subscription', 'tier_change')))[1]`.as("tier"),
              sql<string>`coalesce(sum(bandwidth_bytes), 0)`.as("bandwidth")
            ])
            .groupBy([sql`to_char(period_start, 'YYYY-MM')`, "user_id"])
            .execute()
        )
        const months = new Map<string, Array<(typeof rows)[number]>>()
        for (const r of rows) months.set(r.month, [...(months.get(r.month) ?? []), r])
        const out: Array<MonthRow> = []
        for (const [month, users] of [...months.entries()].sort(([a], [b]) => (a < b ? 1 : -1))) {
          const billed = users.filter((u) => u.revenue !== null && u.tier !== null && isTierId(u.tier))
          const revenue = sumMoney(billed.map((u) => roundMoney(BigDecimal.fromStringUnsafe(u.revenue!))))
          const allowance = sumMoney(billed.map((u) => tierEconomics(sheet, u.tier as TierId).cost))
          // bandwidth is usage-priced (transfer pricing), booked per user and month
          const bandwidthCost: Money = sumMoney(users.map((u) =>
            roundMoney(priceOfBytes(BigInt(u.bandwidth), sheet.unit_prices.bandwidth_per_gb))
          ))
          const cost = BigDecimal.sum(allowance, bandwidthCost)
          const gross = BigDecimal.subtract(revenue, cost)
          const margin = percent(gross, revenue)
          out.push({
            month,
            active_users: billed.length,
            paying_users: billed.filter((u) => isPayingTier(u.tier as TierId)).length,
            revenue: formatMoney(revenue),
            allowance_cost: formatMoney(allowance),
            bandwidth_cost: formatMoney(bandwidthCost),
            internal_cost: formatMoney(cost),
            gross_profit: formatMoney(gross),
            margin_pct: margin === undefined ? null : formatPercent(margin)
          })
        }
        return out
      })

      const alerts: ReportsShape["alerts"] = Effect.gen(function*() {
        const users = yield* database.use(listUsers)
        const out: Array<AlertJson & { readonly period: string }> = []
        for (const u of users) {
          const s = yield* quotaStore.snapshot(u.userId)
          for (const a of usageAlerts(sheet, s.tier, s.committed)) {
            out.push({
              user_id: u.userId,
              tier: s.tier,
              period: s.period,
              dimension: a.dimension,
              used: exactJsonNumber(a.used),
              limit: exactJsonNumber(a.limit),
              percent: formatPercent(a.percent),
              message: a.message
            })
          }
        }
        return out
      })

      return { quota, monthly, alerts }
    })
  )
}
