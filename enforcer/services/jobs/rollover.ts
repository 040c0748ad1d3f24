// Rollover: every user whose period has ended starts the current one; its subscription is booked once (op id per
// period). Requests and bandwidth need no reset: they are counted per period (a new month is a new Redis key).
import * as Effect from "effect/Effect"
import { formatMoney, roundMoney, type TierId, tierOf } from "../../../model/index.ts"
import { Database } from "../../db/Database.ts"
import { appendLedger, entryFor } from "../../db/ledger.repository.ts"
import { PriceSheet } from "../../quota/PriceSheet.ts"
import { periodBounds, periodOf, TimeSource } from "../../quota/TimeSource.ts"

export const rolloverJob = Effect.gen(function*() {
  const database = yield* Database
  const sheet = yield* PriceSheet
  const time = yield* TimeSource
  return Effect.gen(function*() {
    const now = yield* time.now
    const period = periodOf(now)
    const { start, end } = periodBounds(period)
    const due = yield* database.use((db) =>
      db.selectFrom("user_storage_quotas").select(["user_id", "tier", "monthly_price", "period_start"])
        .where("period_end", "<=", new Date(now)).execute()
    )
    const rolled: Array<Record<string, unknown>> = []
    for (const u of due) {
      const price = formatMoney(roundMoney(tierOf(sheet, u.tier as TierId).price))
      yield* database.use((db) =>
        db.transaction().execute(async (tx) => {
          await appendLedger(tx, [{
            userId: u.user_id,
            period,
            occurredAt: new Date(now),
            kind: "subscription",
            opId: `sub:${u.user_id}:${period}`,
            tier: u.tier,
            amount: price
          }])
          await tx.updateTable("user_storage_quotas")
            .set({ period_start: start, period_end: end, monthly_price: price, updated_at: new Date(now) })
            .where("user_id", "=", u.user_id).where("period_end", "<=", new Date(now)).execute()
        })
      )
      rolled.push({ user_id: u.user_id, tier: u.tier, from: periodOf(u.period_start.getTime()), to: period, amount: price })
    }
    // requests and bandwidth need no reset: they are counted per period (a new month is a new Redis key)
    return { period, rolled_over: rolled.length, users: rolled }
  })
})
