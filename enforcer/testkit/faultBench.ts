// The fault suite's bench: a service whose PostgreSQL, Redis or S3 sits behind a TCP proxy a test breaks, a clock the
// test can move past every grace period, and the books check every fault test ends with. It asserts through the
// public API, the object store and the tables any ledger design keeps (content and assets), never ledger internals.
import { randomBytes } from "node:crypto"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { expect } from "vitest"
import pg from "pg"
import type { EnforcerSettings } from "../config/EnforcerConfig.ts"
import { Database } from "../db/Database.ts"
import { TimeSource } from "../quota/TimeSource.ts"
import { ObjectStore } from "../s3/ObjectStore.ts"
import { call, quotaOf, type Reply, type RunningService, startService } from "./service.ts"
import { dropRedisPrefix, TEST_DATABASE_URL, testSettings } from "./settings.ts"
import { startTcpProxy, type TcpProxy } from "./tcpProxy.ts"

/** The README's documented server when CI gives none: a fault test never skips in silence. */
export const PG_URL = TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test"

/**
 * What a client may wait for a 503 while a backend is gone (README "Faults"): one backend deadline (2 s, the
 * production default `backendTimeoutMs`), then the request's cleanup, which never waits on the backend that is gone.
 */
export const BOUND_MS = 5_000
export const TEST_BACKEND_TIMEOUT_MS = 2_000

export interface FaultService {
  readonly svc: RunningService
  readonly pgProxy: TcpProxy
  readonly settings: EnforcerSettings
  /** Our own backends on the shared server (application_name is unique per bench). */
  readonly terminateBackends: (filter?: "in_transaction") => Promise<number>
  readonly backendsInTransaction: () => Promise<number>
  readonly shiftClock: (ms: number) => void
  readonly close: () => Promise<void>
}

/** A service on the shared PostgreSQL through a proxy (its own schema and application_name). */
export const startPgFaultService = async (overrides: Partial<EnforcerSettings> = {}): Promise<FaultService> => {
  const target = new URL(PG_URL)
  const pgProxy = await startTcpProxy(target.hostname, Number(target.port || 5432))
  const app = `econ_fault_${randomBytes(5).toString("hex")}`
  const url = new URL(PG_URL)
  url.host = `127.0.0.1:${pgProxy.port}`
  url.searchParams.set("application_name", app)
  const time = TimeSource.adjustable()
  const settings = testSettings({
    database: { _tag: "Server", url: Redacted.make(url.toString()), schema: app },
    backendTimeoutMs: TEST_BACKEND_TIMEOUT_MS,
    reservationTtlMs: 1_500,
    ...overrides
  })
  const svc = await startService(settings, { time: time.layer })
  const admin = new pg.Client({ connectionString: PG_URL })
  admin.on("error", () => undefined)
  await admin.connect()
  const backends = async (where: string) =>
    (await admin.query(`select pid from pg_stat_activity where application_name = $1 ${where}`, [app])).rows as Array<{ pid: number }>
  return {
    svc,
    pgProxy,
    settings,
    terminateBackends: async (filter) =>
      // one statement: a backend seen inside a transaction is terminated inside it, not a moment later
      (await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1
          ${filter === "in_transaction" ? "and xact_start is not null" : ""}`,
        [app]
      )).rowCount ?? 0,
    backendsInTransaction: async () => (await backends("and xact_start is not null")).length,
    shiftClock: time.shift,
    close: async () => {
      await svc.close().catch(() => undefined)
      await pgProxy.close()
      // the schema stays, like every test file's: dropping one while another file migrates breaks that file's
      // catalog introspection ("schema … does not exist")
      await admin.end().catch(() => undefined)
      await dropRedisPrefix(settings.keyPrefix, settings.redisClusterNodes)
    }
  }
}

/** Poll `check` until it holds: the event a test waits for (bounded so a broken service fails, never hangs). */
export const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 20_000) => {
  const start = Date.now()
  for (;;) {
    if (await check().catch(() => false)) return
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** A call and how long its answer took. */
export const timed = async (f: () => Promise<Reply>): Promise<Reply & { readonly ms: number }> => {
  const start = Date.now()
  const r = await f()
  return { ...r, ms: Date.now() - start }
}

/** A fault answer: 503 `unavailable`, within the bound. */
export const expectUnavailable = (r: Reply & { readonly ms: number }, what: string) => {
  expect({ what, status: r.status, error: r.json?.error }).toEqual({ what, status: 503, error: "unavailable" })
  expect(r.ms, `${what} answered after ${r.ms} ms`).toBeLessThan(BOUND_MS)
}

/**
 * After recovery plus reconcile, the books balance for each tenant: storage counted = the bytes of its content rows =
 * the bytes of the objects in the bucket; every row has its object, every object its row; no multipart upload and
 * no reservation left behind. The clock moves past the reconcile grace first (the test's requests are over).
 */
export const expectBooksBalance = async (
  svc: RunningService,
  shiftClock: (ms: number) => void,
  tenants: ReadonlyArray<{ readonly userId: string; readonly key: string }>
) => {
  shiftClock(10 * 60_000)
  let rec: Reply | undefined
  // another reconcile (the scheduler of another bench) never holds this service's lock; a busy tenant is retried
  await until("reconcile in sync", async () => {
    rec = await call(svc.url, "POST", "/admin/v1/jobs/reconcile", { key: svc.adminToken })
    if (rec.status !== 200) return false
    const mine = (rec.json.users as Array<{ user_id: string; status: string }>)
      .filter((u) => tenants.some((t) => t.userId === u.user_id))
    return mine.every((u) => u.status !== "busy")
  })
  for (const t of tenants) {
    const { rows, objects, uploads } = await svc.run(Effect.gen(function*() {
      const database = yield* Database
      const store = yield* ObjectStore
      const rows = yield* database.use((db) =>
        db.selectFrom("content_objects").select(["bucket", "object_key", "size_bytes"]).where("user_id", "=", t.userId)
          .execute()
      )
      const objects = yield* store.list(store.bucket, `assets/${t.userId}/`)
      const uploads = (yield* store.listMultipartUploads(store.bucket)).filter((u) => u.key.includes(t.userId))
      return { rows, objects, uploads }
    }))
    const q = await quotaOf(svc.url, t.key)
    const rowBytes = rows.reduce((a, r) => a + Number(r.size_bytes), 0)
    const objectBytes = objects.reduce((a, o) => a + Number(o.sizeBytes), 0)
    expect({
      tenant: t.userId,
      counted: q.storage.jettythunder.used_bytes,
      reserved: q.storage.jettythunder.reserved_bytes,
      rows: rowBytes,
      objects: objectBytes,
      uploads: uploads.length
    }).toEqual({ tenant: t.userId, counted: objectBytes, reserved: 0, rows: objectBytes, objects: objectBytes, uploads: 0 })
    expect(rows.map((r) => r.object_key).sort()).toEqual(objects.map((o) => o.key).sort())
  }
  return rec!.json
}

/** A redis-server of the test's own on a free port (never the shared one): killed, restarted, flushed at will. */
export const startRedisServer = async () => {
  const { spawn } = await import("node:child_process")
  const { createServer } = await import("node:net")
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const p = (probe.address() as { port: number }).port
      probe.close(() => resolve(p))
    })
  })
  let child: ReturnType<typeof spawn> | undefined
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const c = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
        stdio: ["ignore", "pipe", "inherit"]
      })
      child = c
      let out = ""
      c.stdout!.on("data", (d) => {
        out += String(d)
        if (out.includes("Ready to accept connections")) resolve()
      })
      c.once("exit", (code) => reject(new Error(`redis-server exited ${code}: ${out.slice(-300)}`)))
    })
  await start()
  const stop = async (signal: NodeJS.Signals) => {
    const c = child
    child = undefined
    if (c === undefined || c.exitCode !== null) return
    await new Promise((r) => {
      c.once("exit", r)
      c.kill(signal)
    })
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    kill: () => stop("SIGKILL"),
    restart: start,
    close: () => stop("SIGKILL")
  }
}
