// Uploads and downloads under faults: a client that leaves at each step of an upload (mid-body, while S3 writes,
// while PostgreSQL records it), a download racing a delete, S3 blackholed or gone, a row whose object vanished and
// an object nobody recorded. Each ends with the books balanced after reconcile: an upload is stored and charged, or
// neither; nothing answered 503 is charged. A client leaving at each step and S3 cut mid-upload also run with the
// service on the shared Redis Cluster (every reservation, release and commit there is a cluster script).
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { afterEach, describe, expect, it } from "vitest"
import { ObjectStore } from "../s3/ObjectStore.ts"
import {
  BOUND_MS,
  expectBooksBalance,
  expectUnavailable,
  type FaultService,
  startPgFaultService,
  timed,
  until
} from "../testkit/faultBench.ts"
import { sharedS3 } from "../testkit/pair.ts"
import { chunksOf, rawUpload } from "../testkit/rawUpload.ts"
import { call, newTenant, quotaOf, storeAsset } from "../testkit/service.ts"
import { REDIS_VARIANTS, type RedisVariant, SINGLE_REDIS } from "../testkit/settings.ts"
import { startTcpProxy, type TcpProxy } from "../testkit/tcpProxy.ts"

let bench: FaultService | undefined
const cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  await bench?.close()
  bench = undefined
  for (const c of cleanups.splice(0)) await c().catch(() => undefined)
})

describe("upload faults", () => {
  it.each(REDIS_VARIANTS)("a client that leaves at any step of an upload ($name) is charged exactly for what was stored", async (redis) => {
    bench = await startPgFaultService(redis.settings)
    const t = await newTenant(bench.svc, "business")
    const url = bench.svc.url
    // PostgreSQL slow (each statement ~0.2 s each way): recording an upload takes long enough to leave during it
    bench.pgProxy.slow(100)
    const outcomes = await Promise.all([
      // mid-body, a 64 KiB part already written
      rawUpload(url, chunksOf("mid-body", 10, 14_000), { apiKey: t.key, delayMs: 10, abortAfterChunks: 6 }),
      // the whole body sent, then gone while the service writes and records it
      rawUpload(url, chunksOf("recording-1", 2, 5_000), { apiKey: t.key, abortAfterEndMs: 150 }),
      rawUpload(url, chunksOf("recording-2", 2, 5_000), { apiKey: t.key, sized: false, abortAfterEndMs: 600 }),
      rawUpload(url, chunksOf("recording-3", 2, 5_000), { apiKey: t.key, abortAfterEndMs: 1_200 }),
      // and one that stays for its answer
      rawUpload(url, chunksOf("stays", 2, 5_000), { apiKey: t.key })
    ])
    expect(outcomes.slice(0, 4).every((o) => o.aborted)).toBe(true)
    expect(outcomes[4]!.status).toBe(201)
    await until("every upload settled", async () => (await quotaOf(url, t.key)).storage.jettythunder.reserved_bytes === 0)
    bench.pgProxy.heal()
    const rec = await expectBooksBalance(bench.svc, bench.shiftClock, [t])
    expect(rec.missing_objects).toEqual([])
  })

  it("a download racing a delete of the same asset is a 404 or the whole asset, never a 503", async () => {
    bench = await startPgFaultService()
    const t = await newTenant(bench.svc, "business")
    const url = bench.svc.url
    const ids = await Promise.all(Array.from({ length: 8 }, async (_, i) => {
      const r = await storeAsset(url, t.key, `race ${i} `.repeat(200))
      expect(r.status).toBe(201)
      return { id: r.json.asset_id as string, body: `race ${i} `.repeat(200) }
    }))
    const results = await Promise.all(ids.map(async ({ id, body }) => {
      const [get, del] = await Promise.all([
        call(url, "GET", `/api/v1/assets/${id}`, { key: t.key }),
        call(url, "DELETE", `/api/v1/assets/${id}`, { key: t.key })
      ])
      return { get: get.status, whole: get.status !== 200 || get.text === body, del: del.status }
    }))
    for (const r of results) {
      expect([200, 404]).toContain(r.get)
      expect(r.whole).toBe(true)
      expect(r.del).toBe(204)
    }
    await expectBooksBalance(bench.svc, bench.shiftClock, [t])
  })

  it("reconcile removes an object nobody recorded, and un-bills a row whose object is gone", async () => {
    bench = await startPgFaultService()
    const t = await newTenant(bench.svc, "business")
    const url = bench.svc.url
    const kept = await storeAsset(url, t.key, "kept bytes")
    const lost = await storeAsset(url, t.key, "bytes that vanish from the bucket")
    await bench.svc.run(Effect.flatMap(ObjectStore, (o) =>
      Effect.all([
        o.remove(o.bucket, `assets/${t.userId}/${lost.json.asset_id}`),
        o.upload(`assets/${t.userId}/never-recorded`, Stream.make(new TextEncoder().encode("orphan")), {
          contentType: "text/plain",
          beforeChunk: () => Effect.void
        })
      ])))
    const rec = await expectBooksBalance(bench.svc, bench.shiftClock, [t])
    expect(rec.orphan_objects_deleted).toBeGreaterThanOrEqual(1)
    expect(rec.missing_objects).toHaveLength(1)
    expect((await quotaOf(url, t.key)).storage.jettythunder.used_bytes).toBe("kept bytes".length)
    expect((await call(url, "GET", `/api/v1/assets/${lost.json.asset_id}`, { key: t.key })).status).toBe(404)
    expect((await call(url, "GET", `/api/v1/assets/${kept.json.asset_id}`, { key: t.key })).text).toBe("kept bytes")
  })
})

describe("S3 faults", () => {
  const withS3Proxy = async (redis: RedisVariant = SINGLE_REDIS) => {
    const s3 = await sharedS3()
    const endpoint = new URL(s3.config.endpoint)
    const proxy: TcpProxy = await startTcpProxy(endpoint.hostname, Number(endpoint.port))
    cleanups.push(() => proxy.close(), () => s3.server.close())
    bench = await startPgFaultService({
      ...redis.settings,
      s3: { ...s3.config, endpoint: `http://127.0.0.1:${proxy.port}` }
    })
    return proxy
  }

  it("blackholed: uploads and downloads answer 503 within the bound, nothing is charged, then it recovers", async () => {
    const proxy = await withS3Proxy()
    const t = await newTenant(bench!.svc, "business")
    const url = bench!.svc.url
    const stored = await storeAsset(url, t.key, "stored before")
    expect(stored.status).toBe(201)
    const before = await quotaOf(url, t.key)
    proxy.blackhole()
    expectUnavailable(await timed(() => storeAsset(url, t.key, "during")), "upload")
    expectUnavailable(await timed(() => call(url, "GET", `/api/v1/assets/${stored.json.asset_id}`, { key: t.key })), "download")
    proxy.heal()
    await until("S3 back", async () => (await storeAsset(url, t.key, `after ${Math.random()}`)).status === 201)
    const after = await quotaOf(url, t.key)
    expect(after.bandwidth.used_bytes).toBe(before.bandwidth.used_bytes)
    await expectBooksBalance(bench!.svc, bench!.shiftClock, [t])
  })

  it("silent mid-download: the connection ends within the bound after the last byte, and the bytes sent are billed", async () => {
    const proxy = await withS3Proxy()
    const t = await newTenant(bench!.svc, "business")
    const url = bench!.svc.url
    // far more than the loopback buffers between S3, the service and the client hold (several MB): the download is
    // still reading from S3 when S3 goes silent
    const size = 48_000_000
    const big = await storeAsset(url, t.key, new Uint8Array(size).fill(3))
    expect(big.status).toBe(201)
    const res = await fetch(`${url}/api/v1/assets/${big.json.asset_id}`, { headers: { authorization: `Bearer ${t.key}` } })
    expect(res.status).toBe(200)
    const reader = res.body!.getReader()
    let received = (await reader.read()).value?.length ?? 0
    proxy.blackhole()
    // what was buffered on the way arrives; then nothing, and the service ends the connection (the body is short)
    let lastByteAt = Date.now()
    const ended = await (async () => {
      for (;;) {
        try {
          const { done, value } = await reader.read()
          if (done) return "complete" as const
          received += value.length
          lastByteAt = Date.now()
        } catch {
          return "cut" as const
        }
      }
    })()
    const quietMs = Date.now() - lastByteAt
    expect(ended).toBe("cut")
    expect(received).toBeLessThan(size)
    // one S3 deadline (backendTimeoutMs + 0.5 s) after the service's last read, which is at or before the client's last byte
    expect(quietMs, `the connection ended ${quietMs} ms after the last byte`).toBeLessThan(BOUND_MS)
    proxy.heal()
    await until("the download settled", async () => (await quotaOf(url, t.key)).bandwidth.reserved_bytes === 0)
    const billed = (await quotaOf(url, t.key)).bandwidth.used_bytes
    // bytes sent: at least what the client got, never the whole asset it did not get
    expect(billed).toBeGreaterThanOrEqual(received)
    expect(billed).toBeLessThan(size)
    await expectBooksBalance(bench!.svc, bench!.shiftClock, [t])
  }, 60_000)

  it.each(REDIS_VARIANTS)("cut mid-upload ($name): 503 (or the connection ends), nothing charged, the retry is counted once", async (redis) => {
    const proxy = await withS3Proxy(redis)
    const t = await newTenant(bench!.svc, "business")
    const url = bench!.svc.url
    const pending = rawUpload(url, chunksOf("s3cut", 8, 20_000), { apiKey: t.key, sized: false, delayMs: 20 })
    await until("upload under way", async () => (await quotaOf(url, t.key)).storage.jettythunder.reserved_bytes > 0)
    await proxy.down()
    const r = await pending
    expect([503, -1]).toContain(r.status)
    await proxy.up()
    expect((await storeAsset(url, t.key, "r".repeat(1000))).status).toBe(201)
    await expectBooksBalance(bench!.svc, bench!.shiftClock, [t])
    expect((await quotaOf(url, t.key)).storage.jettythunder.used_bytes).toBe(1000)
  })
})

describe("a download the client abandons", () => {
  it("is charged the bytes sent before it left, not the whole asset", async () => {
    bench = await startPgFaultService()
    const t = await newTenant(bench.svc, "business")
    // far more than loopback socket buffers hold (several MB): what is sent before the client leaves is a part
    const size = 48_000_000
    const big = await storeAsset(bench.svc.url, t.key, new Uint8Array(size).fill(7))
    expect(big.status).toBe(201)
    const res = await fetch(`${bench.svc.url}/api/v1/assets/${big.json.asset_id}`, {
      headers: { authorization: `Bearer ${t.key}` }
    })
    const reader = res.body!.getReader()
    await reader.read()
    await reader.cancel()
    await until("the download settled", async () => (await quotaOf(bench!.svc.url, t.key)).bandwidth.used_bytes > 0)
    await until("its reservation released", async () => (await quotaOf(bench!.svc.url, t.key)).bandwidth.reserved_bytes === 0)
    const billed = (await quotaOf(bench.svc.url, t.key)).bandwidth.used_bytes
    expect(billed).toBeGreaterThan(0)
    expect(billed).toBeLessThan(size)
  })
})

