// The group commit's guarantee, tried by killing each component under load: every counted request answered 2xx is in
// the ledger (nothing acknowledged is lost), nothing is counted beyond what was asked, and once the crashed
// reservations settle Redis agrees with the ledger. The service is SIGKILLed in its own process; Redis is a
// redis-server of this test's own on a private port, killed and restarted empty (never the shared one). The SIGKILL
// test also runs with the service on the shared Redis Cluster (a master killed under load is faults.redisCluster's).
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import * as Redacted from "effect/Redacted"
import pg from "pg"
import { afterEach, describe, expect, it } from "vitest"
import type { EnforcerSettings } from "../config/EnforcerConfig.ts"
import { until } from "../testkit/faultBench.ts"
import { encodeSettings } from "../testkit/serveChild.ts"
import { call, newTenant, quotaOf, type RunningService, startService } from "../testkit/service.ts"
import { dropRedisPrefix, REDIS_VARIANTS, TEST_DATABASE_URL, testSettings, uniqueId } from "../testkit/settings.ts"
import { writeTestSheet } from "../testkit/sheet.ts"

const SHEET = writeTestSheet()
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined)
})

const serverSettings = (overrides: Partial<EnforcerSettings> = {}) =>
  testSettings({
    sheetPath: SHEET,
    database: { _tag: "Server", url: Redacted.make(TEST_DATABASE_URL), schema: uniqueId("dur") },
    reservationTtlMs: 1_000,
    ...overrides
  })

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })

const exited = (child: ChildProcess) =>
  new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.once("exit", r)))

const startChild = async (settings: EnforcerSettings) => {
  const child = spawn(process.execPath, [fileURLToPath(new URL("../testkit/serveChild.ts", import.meta.url))], {
    env: { ...process.env, ECON_TEST_SETTINGS: encodeSettings(settings) },
    stdio: ["ignore", "pipe", "inherit"]
  })
  cleanups.push(async () => {
    child.kill("SIGKILL")
    await exited(child)
  })
  const url = await new Promise<string>((resolve, reject) => {
    let out = ""
    child.stdout!.on("data", (d) => {
      out += String(d)
      const m = /LISTENING (\S+)/.exec(out)
      if (m) resolve(m[1]!)
    })
    child.once("exit", (code) => reject(new Error(`service exited ${code}`)))
  })
  return { child, service: { url, adminToken: Redacted.value(settings.adminToken!) } as RunningService }
}

const startRedis = async (port: number, dir: string) => {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], {
    stdio: ["ignore", "pipe", "inherit"]
  })
  cleanups.push(async () => {
    child.kill("SIGKILL")
    await exited(child)
  })
  await new Promise<void>((resolve, reject) => {
    let out = ""
    child.stdout!.on("data", (d) => {
      out += String(d)
      if (out.includes("Ready to accept connections")) resolve()
    })
    child.once("exit", (code) => reject(new Error(`redis-server exited ${code}`)))
  })
  return child
}

/** Counted requests the ledger holds for a tenant. */
const ledgerRequests = async (settings: EnforcerSettings, userId: string) => {
  const schema = settings.database._tag === "Server" ? settings.database.schema! : "public"
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await c.connect()
  try {
    const r = await c.query<{ n: string }>(`select coalesce(sum(requests), 0) as n from "${schema}".usage_all where user_id = $1`, [userId])
    return Number(r.rows[0]!.n)
  } finally {
    await c.end()
  }
}

/** `clients` loops of counted cache GETs until `stop`; tallies what was answered 2xx and what was in flight at the end. */
const hammer = (service: RunningService, key: string, clients: number) => {
  const tally = { ok: 0, failed: 0, inFlight: 0 }
  let stop = false
  const loops = Array.from({ length: clients }, async () => {
    while (!stop) {
      tally.inFlight++
      const r = await call(service.url, "GET", "/api/v1/cache/k", { key }).catch(() => ({ status: -1 }))
      tally.inFlight--
      if (r.status === 200 || r.status === 404) tally.ok++
      else tally.failed++
      if (r.status === -1) await new Promise((res) => setTimeout(res, 5))
    }
  })
  return { tally, stop: async () => {
    stop = true
    await Promise.all(loops)
  } }
}

describe("durability of counted requests (group commit)", () => {
  it.each(REDIS_VARIANTS)("a service SIGKILLed under load ($name) loses no request it answered, and Redis settles to the ledger", async (redis) => {
    const settings = serverSettings(redis.settings)
    cleanups.push(() => dropRedisPrefix(settings.keyPrefix, settings.redisClusterNodes))
    const first = await startChild(settings)
    const t = await newTenant(first.service, "business")
    const load = hammer(first.service, t.key, 16)
    await until("requests answered", async () => load.tally.ok >= 150)
    const inFlight = load.tally.inFlight
    first.child.kill("SIGKILL")
    await exited(first.child)
    await load.stop()
    const ledger = await ledgerRequests(settings, t.userId)
    // every 2xx is durable; at most the requests in flight at the kill were counted without an answer
    expect(ledger).toBeGreaterThanOrEqual(load.tally.ok)
    expect(ledger).toBeLessThanOrEqual(load.tally.ok + inFlight)
    // a new instance: the dead one's reservations expire and settle from their batches. Redis may count the requests
    // that were in flight and never answered (the safe side); reconcile then brings it to exactly the ledger
    // in this process: only the first instance has to die by SIGKILL, and a child takes seconds to start
    const second = { service: await startService(settings) }
    cleanups.push(() => second.service.close())
    await until("crashed reservations settled", async () => (await quotaOf(second.service.url, t.key)).requests.reserved === 0)
    const used = (await quotaOf(second.service.url, t.key)).requests.used
    expect(used).toBeGreaterThanOrEqual(ledger)
    expect(used).toBeLessThanOrEqual(ledger + inFlight)
    const job = await call(second.service.url, "POST", "/admin/v1/jobs/reconcile", { key: second.service.adminToken })
    expect(job.status).toBe(200)
    expect((await quotaOf(second.service.url, t.key)).requests.used).toBe(ledger)
  })

  it("Redis killed under load and restarted empty: no answered request lost, usage reloaded from the ledger", async () => {
    const port = await freePort()
    const dir = mkdtempSync(join(tmpdir(), "econ-redis-"))
    let redis = await startRedis(port, dir)
    const settings = serverSettings({ redisUrl: Redacted.make(`redis://127.0.0.1:${port}`) })
    const svc = await startService(settings)
    cleanups.push(() => svc.close())
    const t = await newTenant(svc, "business")
    const load = hammer(svc, t.key, 16)
    await until("requests answered", async () => load.tally.ok >= 150)
    redis.kill("SIGKILL")
    await exited(redis)
    await until("requests refused while Redis is away", async () => load.tally.failed > 0)
    const okWhileUp = load.tally.ok
    redis = await startRedis(port, dir)
    await until("service back", async () => load.tally.ok > okWhileUp + 50, 30_000)
    await load.stop()
    const ledger = await ledgerRequests(settings, t.userId)
    expect(ledger).toBeGreaterThanOrEqual(load.tally.ok)
    // Redis came back empty: the tenant was reloaded from the ledger, then counted on
    await until("reservations settled", async () => (await quotaOf(svc.url, t.key)).requests.reserved === 0)
    expect((await quotaOf(svc.url, t.key)).requests.used).toBe(ledger)
  })
})
