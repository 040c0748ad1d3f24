// # 06 — Live usage
// What the quota enforcer metered: its monthly financial report from the ledger, the users at ≥ 90 % of a limit, and
// the plan against these actuals. The caller reads them (`econ notebooks --from-ledger`); without them the page says how.
import { formatUsd, money } from "../model/index.ts"
import type { AlertJson, MonthRow } from "../enforcer/services/Reports.ts"
import { monthLabel } from "../scenarios/report/index.ts"
import { Notebook } from "./notebook.ts"

/** Plan against actual, already worked out and formatted by `econ variance`'s code (the join lives on top, in cli/). */
export interface LiveVariance {
  readonly scenario: string
  readonly span: string
  readonly header: ReadonlyArray<string>
  readonly rows: ReadonlyArray<ReadonlyArray<string>>
  readonly chart: string
  readonly notes: ReadonlyArray<string>
}

export interface LiveUsage {
  /** where it was read from, password hidden */
  readonly source: string
  readonly monthly: ReadonlyArray<MonthRow>
  /** null: alerts could not be read (they need Redis), with why */
  readonly alerts: ReadonlyArray<AlertJson & { readonly period: string }> | { readonly unavailable: string }
  readonly variance?: LiveVariance
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
    nb.md`**No enforcer database given.** Run \`npx econ notebooks --from-ledger --scenario FILE\`: it reads the ledger
from \`DATABASE_URL\` (or the embedded database in \`ECON_DATA_DIR\`, default \`./.data\`, while \`econ serve\` is
stopped) and Redis at \`REDIS_URL\`. The page then shows:

- the monthly report (as \`GET /admin/v1/reports/monthly\`): active and paying users, revenue, allowance and bandwidth
  cost, gross profit and margin;
- the usage alerts (as \`GET /admin/v1/alerts\`): every user at 90 % or more of a limit;
- the scenario's plan against these actuals, line by line (as \`econ variance --from-ledger\`).`
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
  const alerts = live.alerts
  if ("unavailable" in alerts) nb.md(`Alerts could not be read: ${alerts.unavailable}`)
  else if (alerts.length === 0) nb.md`No user is at 90 % of any limit.`
  else {
    nb.table(
      ["User", "Tier", "Limit", "Used", "Message"],
      alerts.map((a) => [a.user_id, a.tier.replace(/^./, (c) => c.toUpperCase()), DIMENSION[a.dimension] ?? a.dimension, `${a.percent} %`, a.message]),
      [3]
    )
  }
  const v = live.variance
  if (v === undefined) {
    nb.md`## Plan against actual

Give a scenario (\`--scenario FILE\`) to set its projection beside these months.`
    return nb
  }
  nb.md(`## Plan against actual: ${v.scenario}

The scenario's projection beside what the enforcer metered, ${v.span}: each line's actual − plan in money and percent.`)
  const [header, ...rest] = [v.header, ...v.rows]
  nb.table(header!.map((h) => h.replace(/^./, (c) => c.toUpperCase())), rest, [1, 2, 3, 4])
  nb.chart("plan-against-actual", v.chart)
  nb.md(v.notes.map((n) => `- ${n}`).join("\n"))
  return nb
}
