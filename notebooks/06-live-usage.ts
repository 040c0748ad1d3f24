// # 06 — Live usage
// What the quota enforcer metered: its monthly financial report from the ledger and the users at ≥ 90 % of a limit.
// Read from the enforcer's PostgreSQL when DATABASE_URL is set (as `econ serve` uses it); otherwise the page says how.
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { formatUsd, money } from "../model/index.ts"
import { EnforcerConfig, redactUrl, settingsFromEnv } from "../enforcer/config/EnforcerConfig.ts"
import { Database } from "../enforcer/db/Database.ts"
import { PriceSheet } from "../enforcer/quota/PriceSheet.ts"
import { QuotaStore } from "../enforcer/quota/QuotaStore.ts"
import { TimeSource } from "../enforcer/quota/TimeSource.ts"
import { RedisClient } from "../enforcer/redis/RedisClient.ts"
import { type AlertJson, type MonthRow, Reports } from "../enforcer/services/Reports.ts"
import { monthLabel } from "../scenarios/report/index.ts"
import { Notebook } from "./notebook.ts"

export interface LiveUsage {
  /** where it was read from, password hidden */
  readonly source: string
  readonly monthly: ReadonlyArray<MonthRow>
  readonly alerts: ReadonlyArray<AlertJson & { readonly period: string }>
}

/** The enforcer's reports from its database (DATABASE_URL) and Redis (REDIS_URL); undefined without DATABASE_URL. */
export const readLiveUsage = (env: NodeJS.ProcessEnv = process.env): Promise<LiveUsage | undefined> => {
  const url = env["DATABASE_URL"]
  if (url === undefined || url === "") return Promise.resolve(undefined)
  return Effect.runPromise(
    Effect.gen(function*() {
      const settings = yield* settingsFromEnv()
      const base = Layer.mergeAll(EnforcerConfig.layer(settings), TimeSource.layer)
      const stores = Layer.mergeAll(RedisClient.layer, Database.layer, PriceSheet.layer).pipe(Layer.provideMerge(base))
      const reports = Reports.layer.pipe(Layer.provideMerge(QuotaStore.layer.pipe(Layer.provideMerge(stores))))
      return yield* Effect.gen(function*() {
        const r = yield* Reports
        return { source: redactUrl(url), monthly: yield* r.monthly, alerts: yield* r.alerts }
      }).pipe(Effect.provide(reports))
    })
  )
}

const DIMENSION: Readonly<Record<string, string>> = {
  redis: "Redis cache",
  storage: "Asset storage",
  bandwidth: "Bandwidth",
  requests: "Requests"
}

export const liveUsageNotebook = (live: LiveUsage | undefined): Notebook => {
  const nb = new Notebook("06 — Live usage")
  nb.md`# 06 — Live usage

What the quota enforcer actually metered, from its ledger: users, revenue and the internal cost of what they used,
month by month, and who is close to a limit. Plans project; this is what happened.`
  if (live === undefined) {
    nb.md`**No enforcer database given.** Set \`DATABASE_URL\` to the enforcer's PostgreSQL (the one \`econ serve\` writes
its ledger to) and \`REDIS_URL\`, then run \`npx econ notebooks --out reports/notebooks\` again. The page then shows:

- the monthly report (\`GET /admin/v1/reports/monthly\`): active and paying users, revenue, allowance and bandwidth
  cost, gross profit and margin;
- the usage alerts (\`GET /admin/v1/alerts\`): every user at 90 % or more of a limit;
- the plan against these actuals, line by line (\`econ variance\`).`
    return nb
  }
  nb.md`Read from \`${live.source}\`.

## Monthly report`
  nb.table(
    ["Month", "Active users", "Paying users", "Revenue", "Allowance cost", "Bandwidth cost", "Internal cost", "Gross profit", "Margin"],
    live.monthly.map((m) => [
      monthLabel(m.month),
      m.active_users.toLocaleString("en-US"),
      m.paying_users.toLocaleString("en-US"),
      formatUsd(money(m.revenue)),
      formatUsd(money(m.allowance_cost)),
      formatUsd(money(m.bandwidth_cost)),
      formatUsd(money(m.internal_cost)),
      formatUsd(money(m.gross_profit)),
      m.margin_pct === null ? "—" : `${m.margin_pct} %`
    ]),
    [1, 2, 3, 4, 5, 6, 7, 8]
  )
  nb.md`## Usage alerts (≥ 90 % of a limit)`
  if (live.alerts.length === 0) nb.md`No user is at 90 % of any limit.`
  else {
    nb.table(
      ["User", "Tier", "Limit", "Used", "Message"],
      live.alerts.map((a) => [a.user_id, a.tier.replace(/^./, (c) => c.toUpperCase()), DIMENSION[a.dimension] ?? a.dimension, `${a.percent} %`, a.message]),
      [3]
    )
  }
  return nb
}
