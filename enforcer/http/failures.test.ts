// Failure modes: a client that disconnects mid-stream, a body that crosses the limit mid-multipart, S3 failing
// mid-upload, a process killed with SIGKILL mid-upload, and Redis going away. Each must leave no reservation, no
// object, no multipart part behind, and Redis being away must fail closed (503) and recover by itself.
import { type ChildProcess, spawn } from "node:child_process"
import { readdir } from "node:fs/promises"
import { fileURLToPath } from "node:url"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { TimeSource } from "../quota/TimeSource.ts"
import { ObjectStore } from "../s3/ObjectStore.ts"
import { sharedS3 } from "../testkit/pair.ts"
import { chunksOf, rawUpload } from "../testkit/rawUpload.ts"
import { encodeSettings } from "../testkit/serveChild.ts"
import { call, newTenant, quotaOf, type RunningService, startService, storeAsset } from "../testkit/service.ts"
import { DB_VARIANTS, dropRedisPrefix, REDIS_URL, STORE_VARIANTS, testSettings } from "../testkit/settings.ts"
import { TINY, writeTestSheet } from "../testkit/sheet.ts"
import { startTcpProxy } from "../testkit/tcpProxy.ts"
import { until } from "../testkit/faultBench.ts"

// pro holds 150 KB here: a multipart upload (64 KiB parts in tests) crosses it on its third part
const SHEET = writeTestSheet({ ...TINY, pro: { ...TINY["pro"], storage_gb: "0.00015" } })


const leftovers = (svc: RunningService, userId: string) =>
  svc.run(Effect.flatMap(ObjectStore, (o) =>
    Effect.all([o.list(o.bucket, `assets/${userId}/`), o.listMultipartUploads(o.bucket)]).pipe(
      Effect.map(([objects, uploads]) => ({
        objects: objects.length,
        parts: uploads.filter((u) => u.key.includes(userId)).length
      }))
    )))

describe.each(DB_VARIANTS)("failure modes on $name", (variant) => {
  let svc: RunningService
  beforeAll(async () => {
    svc = await startService(testSettings({ database: variant.config(), sheetPath: SHEET, reservationTtlMs: 2_000 }))
  })
  afterAll(async () => {
    await svc?.close()
    await dropRedisPrefix(svc.settings.keyPrefix)
  })

  it.each([true, false])("a client that disconnects mid-body (sized: %s) leaks no reservation, object or part", async (sized) => {
    const t = await newTenant(svc, "pro")
    const r = await rawUpload(svc.url, chunksOf(`gone-${sized}`, 10, 14_000), {
      apiKey: t.key,
      sized,
      delayMs: 20,
      abortAfterChunks: 6 // 84 KB of 140 KB sent: one 64 KiB part is already in S3
    })
    expect(r.aborted).toBe(true)
    await until("reservation released", async () => (await quotaOf(svc.url, t.key)).storage.jettythunder.reserved_bytes === 0)
    expect((await quotaOf(svc.url, t.key)).storage.jettythunder.used_bytes).toBe(0)
    await until("upload aborted", async () => {
      const l = await leftovers(svc, t.userId)
      return l.objects === 0 && l.parts === 0
    })
    // the whole allowance is usable at once: nothing was kept back
    expect((await storeAsset(svc.url, t.key, "f".repeat(150_000))).status).toBe(201)
  })

  it("a chunked body crossing the limit mid-multipart gets 403 and nothing is stored, no part kept", async () => {
    const t = await newTenant(svc, "pro")
    const r = await rawUpload(svc.url, chunksOf("over", 20, 16_384), { apiKey: t.key, sized: false, delayMs: 2 })
    expect([403, -1]).toContain(r.status)
    if (r.status === 403) expect(r.json).toMatchObject({ error: "quota_exceeded", dimension: "storage", limit_bytes: 150_000 })
    await until("upload aborted", async () => {
      const l = await leftovers(svc, t.userId)
      return l.objects === 0 && l.parts === 0
    })
    const q = await quotaOf(svc.url, t.key)
    expect([q.storage.jettythunder.used_bytes, q.storage.jettythunder.reserved_bytes]).toEqual([0, 0])
  })

  it("a sized body over the limit is refused before a byte is stored", async () => {
    const t = await newTenant(svc, "pro")
    const r = await rawUpload(svc.url, chunksOf("big", 1, 150_001), { apiKey: t.key })
    expect([403, -1]).toContain(r.status)
    expect(await leftovers(svc, t.userId)).toEqual({ objects: 0, parts: 0 })
    expect((await quotaOf(svc.url, t.key)).storage.jettythunder.reserved_bytes).toBe(0)
  })
})

describe("S3 failing mid-upload", () => {
  it("answers 503, releases the reservation, and the retry is counted once", async () => {
    const s3 = await sharedS3()
    const endpoint = new URL(s3.config.endpoint)
    const proxy = await startTcpProxy(endpoint.hostname, Number(endpoint.port))
    const svc = await startService(testSettings({
      sheetPath: SHEET,
      s3: { ...s3.config, endpoint: `http://127.0.0.1:${proxy.port}` }
    }))
    try {
      const t = await newTenant(svc, "pro")
      const pending = rawUpload(svc.url, chunksOf("s3down", 7, 20_000), { apiKey: t.key, sized: false, delayMs: 30 })
      // S3 goes away once the upload is under way (its first part written), not after a guessed pause
      await until("a part stored", async () =>
        (await readdir(`${s3.dir}/${s3.config.bucket}/._S3rver_uploads`).catch(() => [])).length > 0)
      await proxy.down()
      const r = await pending
      expect([503, -1]).toContain(r.status)
      if (r.status === 503) expect(r.json.error).toBe("unavailable")
      await until("reservation released", async () => (await quotaOf(svc.url, t.key)).storage.jettythunder.reserved_bytes === 0)
      expect((await quotaOf(svc.url, t.key)).storage.jettythunder.used_bytes).toBe(0)
      // S3 back: the retry stores and is charged once
      await proxy.up()
      const retry = await storeAsset(svc.url, t.key, "r".repeat(1000))
      expect(retry.status).toBe(201)
      expect((await quotaOf(svc.url, t.key)).storage.jettythunder.used_bytes).toBe(1000)
    } finally {
      await svc.close()
      await proxy.close()
      await s3.server.close()
      await dropRedisPrefix(svc.settings.keyPrefix)
    }
  })
})

describe("Redis unreachable", () => {
  it("fails closed with 503 (never allows blindly) and recovers by itself", async () => {
    const target = new URL(REDIS_URL)
    const proxy = await startTcpProxy(target.hostname, Number(target.port || 6379))
    const svc = await startService(testSettings({
      sheetPath: SHEET,
      redisUrl: Redacted.make(`redis://127.0.0.1:${proxy.port}`)
    }))
    try {
      const t = await newTenant(svc, "pro")
      expect((await call(svc.url, "PUT", "/api/v1/cache/a", { key: t.key, body: "one" })).status).toBe(200)
      await proxy.down()
      const checks = [
        await call(svc.url, "PUT", "/api/v1/cache/b", { key: t.key, body: "two" }),
        await call(svc.url, "GET", "/api/v1/cache/a", { key: t.key }),
        await call(svc.url, "GET", "/api/v1/storage/quota", { key: t.key }),
        await storeAsset(svc.url, t.key, "bytes")
      ]
      for (const r of checks) {
        expect(r.status).toBe(503)
        expect(r.json).toMatchObject({ error: "unavailable", retry_after_seconds: 1 })
      }
      expect((await call(svc.url, "GET", "/health")).json).toEqual({ status: "degraded", redis: "unreachable" })
      expect(await leftovers(svc, t.userId)).toEqual({ objects: 0, parts: 0 })
      await proxy.up()
      await until("service back", async () => (await call(svc.url, "GET", "/health")).json?.status === "ok")
      expect((await call(svc.url, "PUT", "/api/v1/cache/b", { key: t.key, body: "two" })).status).toBe(200)
      const q = await quotaOf(svc.url, t.key)
      // the outage cost nothing: two writes counted, none of the refused calls
      expect(q.requests.used).toBe(2)
      expect(q.storage.redis.used_bytes).toBe(6)
    } finally {
      await svc.close()
      await proxy.close()
      await dropRedisPrefix(svc.settings.keyPrefix)
    }
  })
})

// the default deployment (embedded PGlite): the crash also leaves a stale database lock the restart must take over;
// and a scaled-out one (PostgreSQL server, Redis Cluster): the crashed reservation expires on the cluster
describe.each(STORE_VARIANTS.filter((v) => v.name === "pglite" || v.redis.name === "cluster"))("a process killed mid-upload on $name", (variant) => {
  let child: ChildProcess | undefined
  afterAll(() => {
    child?.kill("SIGKILL")
  })

  it("leaves a reservation that expires, parts that reconcile aborts, and no later request refused", async () => {
    const s3 = await sharedS3()
    const base = testSettings({ sheetPath: SHEET, s3: s3.config, reservationTtlMs: 1_500, ...variant.redis.settings })
    const settings = {
      ...base,
      database: variant.db.name === "pglite" ? { _tag: "Embedded" as const, dir: `${base.dataDir}/pg` } : variant.db.config()
    }
    child = spawn(process.execPath, [fileURLToPath(new URL("../testkit/serveChild.ts", import.meta.url))], {
      env: { ...process.env, ECON_TEST_SETTINGS: encodeSettings(settings) },
      stdio: ["ignore", "pipe", "inherit"]
    })
    const url = await new Promise<string>((resolve, reject) => {
      let out = ""
      child!.stdout!.on("data", (d) => {
        out += String(d)
        const m = /LISTENING (\S+)/.exec(out)
        if (m) resolve(m[1]!)
      })
      child!.on("exit", (code) => reject(new Error(`child exited ${code}`)))
      // generous: a process that opens an embedded PGlite and migrates it takes seconds on a loaded 2-core machine
      setTimeout(() => reject(new Error("child did not start")), 90_000)
    })
    const crashed = { url, adminToken: Redacted.value(settings.adminToken!) } as RunningService
    const t = await newTenant(crashed, "pro")
    const pending = rawUpload(url, chunksOf("crash", 7, 20_000), { apiKey: t.key, sized: false, delayMs: 60 })
    await until("upload under way", async () => {
      const q = await quotaOf(url, t.key)
      return q.storage.jettythunder.reserved_bytes > 0
    })
    // kill it once a multipart part is in S3: the crash leaves a part behind
    const uploadsDir = `${s3.dir}/${s3.config.bucket}/._S3rver_uploads`
    await until("a part stored", async () => (await readdir(uploadsDir).catch(() => [])).length > 0)
    child.kill("SIGKILL")
    await pending.catch(() => undefined)
    await new Promise((r) => child!.once("exit", r))
    child = undefined

    // the restarted service's clock is moved past the reservation TTL and the reconcile grace: no waiting on them
    const time = TimeSource.adjustable()
    const svc = await startService(settings, { time: time.layer })
    time.shift(10 * 60_000)
    try {
      await until("crashed reservation expired", async () => (await quotaOf(svc.url, t.key)).storage.jettythunder.reserved_bytes === 0)
      expect((await quotaOf(svc.url, t.key)).storage.jettythunder.used_bytes).toBe(0)
      // the whole allowance, exactly: the crashed upload holds nothing back
      expect((await storeAsset(svc.url, t.key, "k".repeat(150_000))).status).toBe(201)
      expect((await leftovers(svc, t.userId)).parts).toBe(1)
      const rec = await call(svc.url, "POST", "/admin/v1/jobs/reconcile", { key: svc.adminToken })
      expect(rec.status).toBe(200)
      expect((await leftovers(svc, t.userId)).parts).toBe(0)
      expect((await leftovers(svc, t.userId)).objects).toBe(1)
    } finally {
      await svc.close()
      await s3.server.close()
      await dropRedisPrefix(settings.keyPrefix, settings.redisClusterNodes)
    }
  }, 180_000) // a child process that opens an embedded PGlite, then a restart: slow on a loaded 2-core machine
})
