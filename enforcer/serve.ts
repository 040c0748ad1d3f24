// `econ serve`: validate the configuration, make sure Redis answers (one clear line if not), then run the HTTP
// service with its job scheduler, and leave a note in the data dir so that CLI commands can find it while it runs.
import { randomBytes } from "node:crypto"
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import { HttpServer } from "effect/http"
import { formatUrlUnsafe } from "effect/net/NetAddress"
import { loadSheet } from "../io/sheetFile.ts"
import { describeSettings, type EnforcerSettings } from "./config/EnforcerConfig.ts"
import { serverLayer } from "./http/Server.ts"
import { connectRedisFor } from "./redis/RedisClient.ts"
import { JOB_NAMES, Jobs } from "./services/Jobs.ts"

/** Where a running `serve` says where it listens (read by the CLI to route commands through it). */
export const serveStatePath = (dataDir: string) => join(dataDir, "serve.json")
export const adminTokenPath = (dataDir: string) => join(dataDir, "admin-token")

export interface ServeState {
  readonly pid: number
  readonly url: string
  readonly started_at: string
}

/** ADMIN_TOKEN, or the one kept in the data dir (generated at first start, readable by the owner only). */
export const resolveAdminToken = (settings: EnforcerSettings): { readonly token: Redacted.Redacted<string>; readonly source: string } => {
  if (settings.adminToken !== undefined) return { token: settings.adminToken, source: "ADMIN_TOKEN" }
  const path = adminTokenPath(settings.dataDir)
  mkdirSync(settings.dataDir, { recursive: true, mode: 0o700 })
  if (!existsSync(path)) writeFileSync(path, randomBytes(32).toString("base64url") + "\n", { mode: 0o600, flag: "wx" })
  chmodSync(path, 0o600)
  return { token: Redacted.make(readFileSync(path, "utf8").trim()), source: path }
}

/** Fails with one printable line when the service cannot start: the caller prints it and exits non-zero. */
export class StartFailed extends Error {
  readonly _tag = "StartFailed"
}

const say = (line: string) => Effect.sync(() => process.stdout.write(line + "\n"))

const announce = (settings: EnforcerSettings, tokenSource: string) =>
  Layer.effectDiscard(Effect.gen(function*() {
    const server = yield* HttpServer.HttpServer
    const url = formatUrlUnsafe(server.address).replace(/\/$/, "")
    const statePath = serveStatePath(settings.dataDir)
    const state: ServeState = { pid: process.pid, url, started_at: new Date().toISOString() }
    writeFileSync(statePath, JSON.stringify(state) + "\n", { mode: 0o600 })
    yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(statePath, { force: true })))
    for (const line of describeSettings(settings)) yield* say(`  ${line}`)
    yield* say(`  admin:    token in ${tokenSource}`)
    yield* say(`econ serve: listening on ${url}  (API docs: ${url}/docs, OpenAPI: ${url}/openapi.json)`)
  }))

/** Rollover, alerts, tiering and reconcile on a timer; a run another instance holds is skipped, failures logged. */
const scheduler = (intervalMs: number) =>
  Layer.effectDiscard(Effect.gen(function*() {
    if (intervalMs <= 0) return
    const jobs = yield* Jobs
    const runAll = Effect.forEach(JOB_NAMES, (job) =>
      jobs.run(job).pipe(
        Effect.catchTag("JobBusy", () => Effect.void),
        Effect.catch((e) => Effect.logWarning(`scheduled job ${job} failed: ${(e as { message?: string }).message ?? String(e)}`)),
        Effect.asVoid
      ), { discard: true })
    yield* runAll.pipe(
      Effect.delay(Duration.millis(intervalMs)),
      Effect.repeat(Schedule.spaced(Duration.millis(intervalMs))),
      Effect.forkScoped
    )
  }))

/** What went wrong at start, as one line that says how to fix it (a port taken, a directory not writable, …). */
export const startFailureMessage = (settings: EnforcerSettings, cause: Cause.Cause<unknown>): string => {
  const e = Cause.squash(cause) as { message?: string; code?: string; cause?: unknown; _tag?: string }
  const errno = (x: unknown): { code?: string; message?: string; path?: string } | undefined => {
    for (let c = x as { code?: string; cause?: unknown } | undefined, i = 0; c !== undefined && i < 5; c = c.cause as never, i++) {
      if (typeof c === "object" && c !== null && typeof c.code === "string") return c as never
    }
    return undefined
  }
  const sys = errno(e)
  if (sys?.code === "EADDRINUSE") {
    return `port ${settings.port} on ${settings.host} is already in use (another econ serve?): stop it, or choose ` +
      `another port with --port N or PORT=N (0 picks a free one)`
  }
  if (sys?.code === "EACCES" && /listen/i.test(sys.message ?? "")) {
    return `not allowed to listen on port ${settings.port}: use a port above 1023 (--port N or PORT=N)`
  }
  if (sys?.code === "ENOENT" || sys?.code === "EACCES" || sys?.code === "EROFS" || sys?.code === "ENOTDIR") {
    return `cannot write to ${sys.path ?? settings.dataDir} (${sys.code}): make the data directory writable, or set ` +
      `ECON_DATA_DIR to one that is`
  }
  const message = typeof e?.message === "string" && e.message.trim() !== "" ? e.message : String(e)
  return message === "" || message === "[object Object]" ? `could not start: ${Cause.pretty(cause).split("\n")[0]}` : message
}

/** The data directory: created if missing (production configurations keep only serve.json there). */
const ensureDataDir = (settings: EnforcerSettings) =>
  Effect.try({
    try: () => mkdirSync(settings.dataDir, { recursive: true, mode: 0o700 }),
    catch: (cause) =>
      new StartFailed(
        `cannot create the data directory ${settings.dataDir} (${(cause as NodeJS.ErrnoException).code ?? cause}): ` +
          `create it, or set ECON_DATA_DIR to a writable directory`
      )
  })

export const serve = (settings: EnforcerSettings) =>
  Effect.gen(function*() {
    const sheet = loadSheet(settings.sheetPath)
    if (Result.isFailure(sheet)) return yield* Effect.fail(new StartFailed(sheet.failure.message))
    yield* ensureDataDir(settings)
    // Redis first: without it nothing can be allowed, so say so plainly before starting anything else
    const probe = yield* connectRedisFor(settings).pipe(
      Effect.mapError((e) => new StartFailed(e.message))
    )
    yield* Effect.promise(() => probe.quit().catch(() => undefined))
    const { token, source } = yield* Effect.try({
      try: () => resolveAdminToken(settings),
      catch: (cause) => new StartFailed(startFailureMessage(settings, Cause.fail(cause)))
    })
    yield* say(`econ serve: starting (data in ${settings.dataDir})`)
    yield* Layer.launch(
      Layer.mergeAll(announce(settings, source), scheduler(settings.jobsIntervalMs)).pipe(
        Layer.provide(serverLayer(settings, token))
      )
    ).pipe(
      // failures and defects alike (a listen error is a defect of the server layer): one line, never a bare "econ: "
      Effect.catchCause((cause) =>
        Cause.hasInterruptsOnly(cause) ? Effect.interrupt : Effect.fail(new StartFailed(startFailureMessage(settings, cause)))
      )
    )
  })
