// Finding a running `econ serve` from the CLI, and talking to its admin API. The embedded database admits one
// process, so while the service runs, user and job commands go through it; when it does not, they open the data dir.
import { existsSync, readFileSync, rmSync } from "node:fs"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type { EnforcerSettings } from "./config/EnforcerConfig.ts"
import { adminTokenPath, type ServeState, serveStatePath } from "./serve.ts"
import { isAlive } from "./processAlive.ts"

export class AdminCallFailed extends Schema.TaggedError<AdminCallFailed>()("AdminCallFailed", {
  status: Schema.Number,
  message: Schema.String
}) {}

export interface RunningServiceRef {
  readonly url: string
  readonly pid: number
  readonly token: string
}


/** The service this data dir's `serve` left a note about, if it is alive and answers; undefined otherwise. */
export const findRunningService = (settings: EnforcerSettings): Effect.Effect<RunningServiceRef | undefined, AdminCallFailed> =>
  Effect.gen(function*() {
    const path = serveStatePath(settings.dataDir)
    if (!existsSync(path)) return undefined
    let state: ServeState
    try {
      state = JSON.parse(readFileSync(path, "utf8")) as ServeState
    } catch {
      return undefined
    }
    if (!isAlive(state.pid)) {
      rmSync(path, { force: true }) // a crashed service's note
      return undefined
    }
    const healthy = yield* Effect.tryPromise(() =>
      fetch(`${state.url}/health`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok)
    ).pipe(Effect.orElseSucceed(() => false))
    if (!healthy) {
      return yield* new AdminCallFailed({
        status: 0,
        message: `econ serve (pid ${state.pid}) holds ${settings.dataDir} but does not answer at ${state.url}; wait for it or stop it`
      })
    }
    const token = settings.adminToken !== undefined
      ? Redacted.value(settings.adminToken)
      : existsSync(adminTokenPath(settings.dataDir))
      ? readFileSync(adminTokenPath(settings.dataDir), "utf8").trim()
      : ""
    return { url: state.url, pid: state.pid, token }
  })

/** Call the admin API; a JSON error answer becomes AdminCallFailed carrying its status and message. */
export const adminCall = (
  service: RunningServiceRef,
  method: string,
  path: string,
  body?: unknown
): Effect.Effect<any, AdminCallFailed> =>
  Effect.tryPromise({
    try: async () => {
      const res = await fetch(service.url + path, {
        method,
        headers: {
          authorization: `Bearer ${service.token}`,
          ...(body !== undefined ? { "content-type": "application/json" } : {})
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {})
      })
      const text = await res.text()
      const json = text === "" ? undefined : JSON.parse(text)
      if (!res.ok) throw Object.assign(new Error(json?.message ?? `HTTP ${res.status}`), { status: res.status })
      return json
    },
    catch: (e) =>
      new AdminCallFailed({
        status: (e as { status?: number }).status ?? 0,
        message: `${service.url}: ${e instanceof Error ? e.message : String(e)}`
      })
  })
