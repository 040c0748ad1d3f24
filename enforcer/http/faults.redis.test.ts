// Redis faults on a redis-server of the test's own (never the shared one): killed under load and restarted, a reply
// lost with its link (the command ran: it must not run again), and flushed (every counter lost). The process survives, answers 503 within the bound while Redis is away (nothing is
// allowed blindly), recovers by itself, and after reconcile the books balance; a flush loses no usage (PostgreSQL is
// the truth the counters are reloaded from).
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { Redis } from "ioredis"
import { afterEach, describe, expect, it } from "vitest"
import { connectRedis, makeRedisShape } from "../redis/RedisClient.ts"
import {
  expectBooksBalance,
  expectUnavailable,
  type FaultService,
  startPgFaultService,
  startRedisServer,
  timed,
  until
} from "../testkit/faultBench.ts"
import { chunksOf, rawUpload } from "../testkit/rawUpload.ts"
import { call, newTenant, quotaOf, storeAsset } from "../testkit/service.ts"
import { startTcpProxy } from "../testkit/tcpProxy.ts"

let bench: FaultService | undefined
let redis: Awaited<ReturnType<typeof startRedisServer>> | undefined
afterEach(async () => {
  await bench?.close()
  await redis?.close()
  bench = undefined
  redis = undefined
})

describe("Redis faults", () => {
  it("killed under load: 503 within the bound while it is gone, back by itself, the books balance", async () => {
    redis = await startRedisServer()
    bench = await startPgFaultService({ redisUrl: Redacted.make(redis.url) })
    const t = await newTenant(bench.svc, "business")
    const url = bench.svc.url
    const load = [
      ...Array.from({ length: 4 }, (_, i) =>
        rawUpload(url, chunksOf(`rk-${i}`, 6, 10_000), { apiKey: t.key, sized: false, delayMs: 40 }).then((r) => r.status)),
      ...Array.from({ length: 6 }, (_, i) => call(url, "PUT", `/api/v1/cache/k${i}`, { key: t.key, body: "v" }).then((r) => r.status))
    ]
    await until("an upload under way", async () => (await quotaOf(url, t.key)).storage.jettythunder.reserved_bytes > 0)
    await redis.kill()
    for (const s of await Promise.all(load)) expect([200, 201, 503, -1]).toContain(s)
    expectUnavailable(await timed(() => call(url, "PUT", "/api/v1/cache/x", { key: t.key, body: "v" })), "cache put")
    expectUnavailable(await timed(() => storeAsset(url, t.key, "during")), "upload")
    await redis.restart()
    await until("Redis-backed requests succeed again", async () =>
      (await call(url, "PUT", "/api/v1/cache/after", { key: t.key, body: "v" })).status === 200)
    await expectBooksBalance(bench.svc, bench.shiftClock, [t])
  })

  it("a command whose reply was lost with its link is not sent again (Redis may have run it)", async () => {
    redis = await startRedisServer()
    const proxy = await startTcpProxy("127.0.0.1", Number(new URL(redis.url).port))
    const client = await Effect.runPromise(connectRedis(`redis://127.0.0.1:${proxy.port}`))
    const direct = new Redis(redis.url)
    try {
      const shape = makeRedisShape(client)
      expect(await Effect.runPromise(shape.run((r) => r.incr("n")))).toBe(1)
      proxy.loseReplies()
      const second = Effect.runPromise(Effect.result(shape.run((r) => r.incr("n"))))
      await until("the INCR ran and its reply was lost", async () => (await direct.get("n")) === "2" && proxy.dropped() > 0, 10_000)
      proxy.heal()
      expect((await second)._tag).toBe("Failure")
      expect(await direct.get("n")).toBe("2")
    } finally {
      direct.disconnect()
      client.disconnect()
      await proxy.close()
    }
  })

  it("flushed: no usage is lost, the counters come back from PostgreSQL", async () => {
    redis = await startRedisServer()
    bench = await startPgFaultService({ redisUrl: Redacted.make(redis.url) })
    const t = await newTenant(bench.svc, "business")
    const url = bench.svc.url
    expect((await storeAsset(url, t.key, "kept across a flush")).status).toBe(201)
    expect((await call(url, "PUT", "/api/v1/cache/a", { key: t.key, body: "v" })).status).toBe(200)
    const before = await quotaOf(url, t.key)
    const r = new Redis(redis.url)
    await r.flushall()
    r.disconnect()
    const after = await quotaOf(url, t.key)
    expect(after.storage.jettythunder.used_bytes).toBe(before.storage.jettythunder.used_bytes)
    expect(after.requests.used).toBe(before.requests.used)
    await expectBooksBalance(bench.svc, bench.shiftClock, [t])
  })
})
