// Alerts: users at ≥ 90 % of a limit, recorded once per period and dimension.
import * as Effect from "effect/Effect"
import { Database } from "../../db/Database.ts"
import { periodStartDate, TimeSource } from "../../quota/TimeSource.ts"
import { Reports } from "../Reports.ts"

export const alertsJob = Effect.gen(function*() {
  const database = yield* Database
  const reports = yield* Reports
  const time = yield* TimeSource
  return Effect.gen(function*() {
    const all = yield* reports.alerts
    const now = yield* time.now
    let recorded = 0
    for (const a of all) {
      const inserted = yield* database.use((db) =>
        db.insertInto("usage_alerts").values({
          user_id: a.user_id,
          period_start: periodStartDate(a.period),
          dimension: a.dimension,
          percent: a.percent,
          message: a.message,
          created_at: new Date(now)
        }).onConflict((oc) => oc.columns(["user_id", "period_start", "dimension"]).doNothing())
          .returning("user_id").executeTakeFirst()
      )
      if (inserted !== undefined) recorded++
    }
    return { alerts: all, newly_recorded: recorded }
  })
})
