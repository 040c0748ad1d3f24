// The enforcer's commands of `econ`: serve, users add|set-tier|revoke|list, jobs tiering|alerts|rollover|reconcile.
// While `serve` runs on this data dir, user and job commands go through its admin API (the embedded database admits
// one process); otherwise they open the database (and Redis, S3 where needed) themselves.
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { Argument, Command, Flag } from "effect/cli"
import { TIER_IDS, type TierId } from "../model/index.ts"
import { CommandFailed, formatTable, jsonFlag, printJson, printLine, UsageError } from "./common.ts"
import { EnforcerConfig, type EnforcerSettings, settingsFromEnv } from "../enforcer/config/EnforcerConfig.ts"
import { Database } from "../enforcer/db/Database.ts"
import { listUsers, revokeKeys } from "../enforcer/db/users.repository.ts"
import { UnknownUser } from "../enforcer/errors.ts"
import { databaseOnlyLayer, enforcerLayer } from "../enforcer/layers.ts"
import { PriceSheet } from "../enforcer/quota/PriceSheet.ts"
import { QuotaStore } from "../enforcer/quota/QuotaStore.ts"
import { TimeSource } from "../enforcer/quota/TimeSource.ts"
import { RedisClient } from "../enforcer/redis/RedisClient.ts"
import { adminCall, findRunningService, type RunningServiceRef } from "../enforcer/runningService.ts"
import { serve } from "../enforcer/serve.ts"
import { JOB_NAMES, type JobName, Jobs } from "../enforcer/services/Jobs.ts"
import { addUser, type UserJson, userJson, Users } from "../enforcer/services/Users.ts"

/** The command could not do its work (a store unreachable, a service that refused): one line, exit 1. */
const failed = (message: string) => Effect.fail(new CommandFailed({ message }))

const loadSettings = (overrides: { readonly port?: number | undefined; readonly sheetPath?: string | undefined } = {}) =>
  settingsFromEnv(overrides).pipe(Effect.mapError((e) => new UsageError({ message: e.message })))

/** Run `remote` through a running service, else `direct`; client mistakes exit 2, failures exit 1. */
const routed = <A>(
  settings: EnforcerSettings,
  remote: (service: RunningServiceRef) => Effect.Effect<A, unknown>,
  direct: Effect.Effect<A, unknown>,
  print: (a: A) => Effect.Effect<void>
) =>
  Effect.gen(function*() {
    const running = yield* findRunningService(settings)
    const result = yield* (running === undefined ? direct : remote(running)).pipe(Effect.result)
    if (result._tag === "Success") return yield* print(result.success)
    const e = result.failure as { _tag?: string; status?: number; message?: string; userId?: string; job?: string }
    if (e._tag === "UsageError") return yield* Effect.fail(e as UsageError)
    if (e._tag === "UnknownUser") return yield* new UsageError({ message: `no user ${e.userId}` })
    if (e._tag === "AdminCallFailed" && e.status !== undefined && e.status >= 400 && e.status < 500 && e.status !== 409) {
      return yield* new UsageError({ message: e.message ?? "rejected" })
    }
    if (e._tag === "JobBusy") return yield* failed(`job ${e.job} is already running elsewhere; try again later`)
    return yield* failed(e.message ?? String(e))
  }).pipe(Effect.catchTag("AdminCallFailed", (e) => failed(e.message)))

const configLayer = (settings: EnforcerSettings) => EnforcerConfig.layer(settings)

// ---------------------------------------------------------------------------------------------------------------
const serveCommand = Command.make(
  "serve",
  {
    port: Flag.Int("port").pipe(Flag.withDescription("HTTP port (default 8787, or PORT)"), Flag.optional),
    sheet: Flag.String("sheet").pipe(Flag.withDescription("Price sheet (YAML/JSON); default: the plan's sheet"), Flag.optional)
  },
  Effect.fn(function*({ port, sheet }) {
    const settings = yield* loadSettings({ port: Option.getOrUndefined(port), sheetPath: Option.getOrUndefined(sheet) })
    if (!Number.isSafeInteger(settings.port) || settings.port < 0 || settings.port > 65535) {
      return yield* new UsageError({ message: `--port must be between 1 and 65535 (0: any free port), got ${settings.port}` })
    }
    yield* serve(settings).pipe(Effect.catch((e) => failed(e.message)))
  })
).pipe(Command.withDescription(
  "Run the quota enforcer (HTTP API). Embedded PostgreSQL and S3 in ./.data unless DATABASE_URL / S3_ENDPOINT are set; " +
    "Redis at REDIS_URL (default redis://127.0.0.1:6379)"
))

// ---------------------------------------------------------------------------------------------------------------
const addCommand = Command.make(
  "add",
  { tier: Flag.Literals("tier", TIER_IDS).pipe(Flag.withDescription("Tier of the new user")), json: jsonFlag },
  Effect.fn(function*({ tier, json }) {
    const settings = yield* loadSettings()
    yield* routed(
      settings,
      (svc) => Effect.map(adminCall(svc, "POST", "/admin/v1/users", { tier }), (r) => r as { user_id: string; api_key: string; tier: TierId }),
      addUser(tier).pipe(
        Effect.map((u) => ({ user_id: u.userId, api_key: u.apiKey, tier: u.tier })),
        Effect.provide(databaseOnlyLayer(settings))
      ),
      (u) =>
        json ? printJson(u) : printLine(`user_id  ${u.user_id}\ntier     ${u.tier}\napi_key  ${u.api_key}\n` +
          `(the key is shown once and stored only as a hash: keep it now)`)
    )
  })
).pipe(Command.withDescription("Create a user and print its API key"))

const setTierCommand = Command.make(
  "set-tier",
  { id: Argument.String("id"), tier: Argument.Literals("tier", TIER_IDS) },
  Effect.fn(function*({ id, tier }) {
    const settings = yield* loadSettings()
    const base = Layer.mergeAll(configLayer(settings), TimeSource.layer)
    const stores = Layer.mergeAll(RedisClient.layer, Database.layer, PriceSheet.layer).pipe(Layer.provideMerge(base))
    const users = Users.layer.pipe(Layer.provideMerge(QuotaStore.layer.pipe(Layer.provideMerge(stores))))
    yield* routed(
      settings,
      (svc) => adminCall(svc, "PUT", `/admin/v1/users/${encodeURIComponent(id)}/tier`, { tier }),
      Effect.flatMap(Users, (u) => u.setTier(id, tier)).pipe(
        Effect.map((r) => ({ user_id: r.userId, tier: r.tier, previous: r.previous })),
        Effect.provide(users)
      ),
      (r: { user_id: string; tier: string; previous: string }) =>
        printLine(`user ${r.user_id}: ${r.previous} → ${r.tier} (applies to the next request)`)
    )
  })
).pipe(Command.withDescription("Change a user's tier; it applies at once"))

const revokeCommand = Command.make(
  "revoke",
  { id: Argument.String("id") },
  Effect.fn(function*({ id }) {
    const settings = yield* loadSettings()
    yield* routed(
      settings,
      (svc) =>
        Effect.map(adminCall(svc, "POST", `/admin/v1/users/${encodeURIComponent(id)}/revoke`), (r) =>
          r as { user_id: string; revoked_keys: number }),
      Effect.gen(function*() {
        const database = yield* Database
        const n = yield* database.use((db) => revokeKeys(db, id, new Date()))
        if (n === undefined) return yield* new UnknownUser({ userId: id })
        return { user_id: id, revoked_keys: n }
      }).pipe(Effect.provide(databaseOnlyLayer(settings))),
      (r) =>
        printLine(`user ${r.user_id}: ${r.revoked_keys} key(s) revoked (refused at once by the instance that ran this, ` +
          `by other instances within ${settings.keyCacheTtlMs / 1000} s)`)
    )
  })
).pipe(Command.withDescription("Revoke every API key of a user"))

const listCommand = Command.make(
  "list",
  { json: jsonFlag },
  Effect.fn(function*({ json }) {
    const settings = yield* loadSettings()
    yield* routed(
      settings,
      (svc) => Effect.map(adminCall(svc, "GET", "/admin/v1/users"), (r) => r as ReadonlyArray<UserJson>),
      Effect.gen(function*() {
        const database = yield* Database
        const rows = yield* database.use(listUsers)
        return rows.map(userJson)
      }).pipe(Effect.provide(databaseOnlyLayer(settings))),
      (rows) =>
        json ? printJson(rows) : printLine(formatTable(
          ["user_id", "tier", "created", "period", "key"],
          rows.map((u) => [
            u.user_id,
            u.tier,
            u.created_at.slice(0, 19).replace("T", " "),
            `${u.period_start.slice(0, 10)} → ${u.period_end.slice(0, 10)}`,
            u.key_prefix === null ? "" : `${u.key_prefix}…`
          ])
        ))
    )
  })
).pipe(Command.withDescription("List users, their tier and billing period"))

const usersCommand = Command.make("users").pipe(
  Command.withDescription("Manage the enforcer's users and API keys"),
  Command.withSubcommands([addCommand, setTierCommand, revokeCommand, listCommand])
)

// ---------------------------------------------------------------------------------------------------------------
const summary = (job: JobName, r: Record<string, any>): string => {
  switch (job) {
    case "tiering":
      return `tiering: ${r["expired_assets_deleted"]} expired assets deleted, ${r["moved_to_cold"]} moved to cold, ` +
        `${r["moved_to_hot"]} back to hot; saving ${r["monthly_saving"]} USD/month`
    case "alerts":
      return [`alerts: ${r["alerts"].length} at or above the threshold (${r["newly_recorded"]} new)`,
        ...r["alerts"].map((a: any) => `  ${a.user_id} ${a.tier} ${a.dimension} ${a.percent}%: ${a.message}`)].join("\n")
    case "rollover":
      return `rollover: ${r["rolled_over"]} users started period ${r["period"]}`
    case "reconcile":
      return `reconcile: ${r["users"].length} users checked, ${r["drifted_users"]} drifted (repaired unless busy), ` +
        `${r["orphan_objects_deleted"]} orphan objects deleted, ${r["stale_multipart_uploads_aborted"]} stale uploads aborted, ` +
        `${r["missing_objects"].length} objects missing`
  }
}

const jobCommand = (job: JobName) =>
  Command.make(
    job,
    { json: jsonFlag },
    Effect.fn(function*({ json }) {
      const settings = yield* loadSettings()
      yield* routed(
        settings,
        (svc) => Effect.map(adminCall(svc, "POST", `/admin/v1/jobs/${job}`), (r) => r as Record<string, unknown>),
        Effect.flatMap(Jobs, (j) => j.run(job)).pipe(Effect.provide(enforcerLayer(settings))),
        (r) => (json ? printJson(r) : printLine(summary(job, r)))
      )
    })
  ).pipe(Command.withDescription({
    tiering: "Delete expired assets; move assets between hot and cold by the sheet's tiering policy; record the saving",
    alerts: "Users at or above the sheet's alert threshold (90 %) of any limit; records each once per period",
    rollover: "Start the new billing period for users whose period ended (books its subscription)",
    reconcile: "Recompute usage from the ledger and the stored objects; repair drift, abort stale uploads, delete orphans"
  }[job]))

const jobsCommand = Command.make("jobs").pipe(
  Command.withDescription("Run the enforcer's periodic jobs now (serve also runs them on a timer)"),
  Command.withSubcommands(JOB_NAMES.map(jobCommand))
)

export const enforcerCommands = [serveCommand, usersCommand, jobsCommand] as const
