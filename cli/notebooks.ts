// `econ notebooks [--out DIR] [--runs N] [--from-ledger [--scenario FILE]]`: every literate report (tier economics, the
// plan audited, growth scenarios, pricing review, optimization savings, live usage) rendered to HTML with an index.
// With --from-ledger this command reads what the enforcer metered (its monthly report, alerts, and with a scenario the
// plan against actual, by `econ variance`'s code) and hands it to notebook 06.
import { resolve } from "node:path"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { Command, Flag } from "effect/cli"
import { EnforcerConfig, redactUrl, settingsFromEnv } from "../enforcer/config/EnforcerConfig.ts"
import { Database } from "../enforcer/db/Database.ts"
import { PriceSheet } from "../enforcer/quota/PriceSheet.ts"
import { QuotaStore } from "../enforcer/quota/QuotaStore.ts"
import { TimeSource } from "../enforcer/quota/TimeSource.ts"
import { RedisClient } from "../enforcer/redis/RedisClient.ts"
import { Reports } from "../enforcer/services/Reports.ts"
import type { LiveUsage, LiveVariance } from "../notebooks/06-live-usage.ts"
import { prepare } from "../scenarios/engine/prepare.ts"
import { project } from "../scenarios/engine/project.ts"
import { monthLabel } from "../scenarios/report/format.ts"
import { renderChart } from "../scenarios/report/svg.ts"
import { CommandFailed, printLine, sheetFlag, UsageError, useSheet } from "./common.ts"
import { useScenario } from "./scenarioCommon.ts"
import { fromLedgerFlag, readLedger, VARIANCE_HEADER, varianceChart, varianceOf, varianceRows } from "./variance.ts"

const ledgerFailure = (e: unknown) =>
  new CommandFailed({
    message: `reading the enforcer's reports: ${(e as { message?: string }).message ?? String(e)} (DATABASE_URL, or the embedded ` +
      `database in ECON_DATA_DIR, default ./.data; stop econ serve while it holds the embedded one; Redis at REDIS_URL)`
  })

/** The enforcer's monthly report and alerts (Redis for the alerts' live counters), and the plan against actual. */
const readLive = (scenarioFile: Option.Option<string>) =>
  Effect.gen(function*() {
    const settings = yield* settingsFromEnv().pipe(Effect.mapError((e) => new UsageError({ message: e.message })))
    const base = Layer.mergeAll(EnforcerConfig.layer(settings), TimeSource.layer)
    const stores = Layer.mergeAll(Database.layer, PriceSheet.layer).pipe(Layer.provideMerge(base))
    const reports = Reports.layer.pipe(Layer.provideMerge(QuotaStore.layer), Layer.provideMerge(RedisClient.layer), Layer.provideMerge(stores))
    const { monthly, alerts } = yield* Effect.gen(function*() {
      const r = yield* Reports
      const monthly = yield* r.monthly
      // alerts read Redis's live counters: without them the page still has the ledger's report, and says why
      const alerts = yield* r.alerts.pipe(Effect.catch((e) => Effect.succeed({ unavailable: e.message })))
      return { monthly, alerts }
    }).pipe(Effect.provide(reports), Effect.mapError(ledgerFailure))
    let variance: LiveVariance | undefined
    if (Option.isSome(scenarioFile)) {
      const loaded = yield* useScenario(scenarioFile.value)
      const v = varianceOf(project(prepare(loaded.state)), yield* readLedger, loaded.state.sheet)
      if (v !== undefined) {
        variance = {
          scenario: v.scenario,
          span: v.months.length === 1 ? monthLabel(v.months[0]!.month) : `${monthLabel(v.months[0]!.month)} – ${monthLabel(v.months.at(-1)!.month)}`,
          header: VARIANCE_HEADER,
          rows: varianceRows([], v.total),
          chart: renderChart(varianceChart(v)),
          notes: v.notes
        }
      }
    }
    const source = settings.database._tag === "Server"
      ? redactUrl(Redacted.value(settings.database.url))
      : `the embedded database in ${settings.dataDir}`
    const live: LiveUsage = { source, monthly, alerts, ...(variance === undefined ? {} : { variance }) }
    return live
  })

export const notebooksCommand = Command.make(
  "notebooks",
  {
    out: Flag.String("out").pipe(Flag.withDescription("Folder to write (default reports/notebooks)"), Flag.withDefault("reports/notebooks")),
    runs: Flag.Int("runs").pipe(Flag.withDescription("Monte Carlo runs of the growth notebook (default 2000)"), Flag.withDefault(2000)),
    fromLedger: fromLedgerFlag,
    scenario: Flag.String("scenario").pipe(
      Flag.withDescription("With --from-ledger: the plan to set beside the metered months (as econ variance)"),
      Flag.optional
    ),
    sheet: sheetFlag
  },
  Effect.fn(function*({ out, runs, fromLedger, scenario, sheet }) {
    if (runs < 0) return yield* new UsageError({ message: `--runs: expected a whole number ≥ 0, got ${runs}` })
    if (Option.isSome(scenario) && !fromLedger) {
      return yield* new UsageError({ message: "--scenario sets a plan beside the enforcer's ledger: add --from-ledger" })
    }
    const s = yield* useSheet(sheet)
    const live = fromLedger ? yield* readLive(scenario) : undefined
    const { writeNotebooks } = yield* Effect.promise(() => import("../notebooks/allNotebooks.ts"))
    const entries = yield* Effect.promise(() => writeNotebooks(s, out, { runs, ...(live === undefined ? {} : { live }) }))
    for (const e of entries) yield* printLine(`wrote ${out}/${e.name}/index.html`)
    yield* printLine(`wrote ${resolve(out, "index.html")}`)
  })
).pipe(Command.withDescription(
  "Render every notebook (tiers, audit, growth, pricing review, savings, live usage) to HTML with an index page"
))
