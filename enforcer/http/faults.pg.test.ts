// PostgreSQL faults under load: its connections terminated mid-transaction (what a restart or failover does), the link
// cut, blackholed, slow, gone. Each: the process survives (an unhandled error would fail this file), answers are
// 503 `unavailable` within the bound while PostgreSQL is away, service comes back by itself, and after reconcile the
// books balance (storage counted = objects stored, no orphan, no row without its object). A cut under load and a
// blackhole also run with the service on the shared Redis Cluster: the group commit and the release of what a failed
// batch reserved go through the cluster's scripts; the other faults differ from these only on the PostgreSQL side.
import { afterEach, describe, expect, it } from "vitest"
import {
  expectBooksBalance,
  expectUnavailable,
  type FaultService,
  startPgFaultService,
  timed,
  until
} from "../testkit/faultBench.ts"
import { chunksOf, rawUpload } from "../testkit/rawUpload.ts"
import { call, newTenant, type Reply, storeAsset } from "../testkit/service.ts"
import { REDIS_VARIANTS } from "../testkit/settings.ts"

let bench: FaultService | undefined
afterEach(async () => {
  await bench?.close()
  bench = undefined
})

/** A mixed burst: uploads (chunked, paced), text cache writes and reads, lookups. Every answer is collected. */
const burst = (url: string, key: string, tag: string, n: number): Array<Promise<number>> => [
  ...Array.from({ length: n }, (_, i) =>
    rawUpload(url, chunksOf(`${tag}-${i}`, 3, 2_000), { apiKey: key, sized: i % 2 === 0, delayMs: 5 })
      .then((r) => r.status)),
  ...Array.from({ length: n }, (_, i) =>
    call(url, "PUT", `/api/v1/cache/${tag}-${i}`, { key, body: `v${i}` }).then((r: Reply) => r.status)),
  ...Array.from({ length: n }, () =>
    call(url, "GET", `/api/v1/cache/lookup?cache_key=raw`, { key }).then((r: Reply) => r.status))
]

/** What a fault may answer: done, refused for the outage, or a miss; never a 500 or a dropped connection. */
const FAULT_STATUSES = [200, 201, 404, 503]

const expectRecovers = async (b: FaultService, key: string) => {
  await until("PostgreSQL-backed requests succeed again", async () =>
    (await storeAsset(b.svc.url, key, `after-${Date.now()}-${Math.random()}`)).status === 201)
  expect((await call(b.svc.url, "PUT", "/api/v1/cache/after", { key, body: "ok" })).status).toBe(200)
}

describe("PostgreSQL faults", () => {
  it("terminated backends mid-transaction: the process survives, answers 503 or succeeds, recovers", async () => {
    bench = await startPgFaultService()
    const t = await newTenant(bench.svc, "pro")
    // a slow link keeps statements (and transactions) open long enough to be caught inside one
    bench.pgProxy.slow(40)
    const answers = burst(bench.svc.url, t.key, "term", 6)
    await until("a backend terminated inside a transaction", async () => (await bench!.terminateBackends("in_transaction")) > 0)
    await bench.terminateBackends()
    bench.pgProxy.heal()
    const statuses = await Promise.all(answers)
    for (const s of statuses) expect(FAULT_STATUSES).toContain(s)
    await expectRecovers(bench, t.key)
    await expectBooksBalance(bench.svc, bench.shiftClock, [t])
  })

  it.each(REDIS_VARIANTS)("a cut link under load ($name): the process survives, recovers by itself, the books balance", async (redis) => {
    bench = await startPgFaultService(redis.settings)
    const t = await newTenant(bench.svc, "pro")
    bench.pgProxy.slow(40)
    const answers = burst(bench.svc.url, t.key, "cut", 6)
    await until("a transaction in flight", async () => (await bench!.backendsInTransaction()) > 0)
    bench.pgProxy.cut()
    bench.pgProxy.heal()
    for (const s of await Promise.all(answers)) expect(FAULT_STATUSES).toContain(s)
    await expectRecovers(bench, t.key)
    await expectBooksBalance(bench.svc, bench.shiftClock, [t])
  })

  it.each(REDIS_VARIANTS)("blackholed ($name): every route answers 503 within the bound, nothing is charged, then it recovers", async (redis) => {
    bench = await startPgFaultService(redis.settings)
    const t = await newTenant(bench.svc, "pro")
    const stored = await storeAsset(bench.svc.url, t.key, "before the outage")
    expect(stored.status).toBe(201)
    const id = stored.json.asset_id as string
    const before = (await call(bench.svc.url, "GET", "/api/v1/storage/quota", { key: t.key })).json
    bench.pgProxy.blackhole()
    const url = bench.svc.url
    const key = t.key
    const answers = await Promise.all([
      timed(() => storeAsset(url, key, "during the outage")),
      timed(() => call(url, "GET", `/api/v1/assets/${id}`, { key })),
      timed(() => call(url, "DELETE", `/api/v1/assets/${id}`, { key })),
      timed(() => call(url, "GET", "/api/v1/cache/lookup?cache_key=k", { key })),
      timed(() => call(url, "PUT", "/api/v1/cache/c", { key, body: "v" })),
      timed(() => call(url, "GET", "/api/v1/cache/c", { key })),
      timed(() => call(url, "GET", "/admin/v1/users", { key: bench!.svc.adminToken }))
    ])
    for (const [i, r] of answers.entries()) expectUnavailable(r, `call ${i}`)
    bench.pgProxy.heal()
    await expectRecovers(bench, t.key)
    // the asset the DELETE was refused for is still there, whole, and the refused calls cost nothing
    const got = await call(url, "GET", `/api/v1/assets/${id}`, { key })
    expect([got.status, got.text]).toEqual([200, "before the outage"])
    // one cache write after recovery and one download (settled once its stream ends): nothing from the outage
    await until("the download settled", async () =>
      (await call(url, "GET", "/api/v1/storage/quota", { key })).json.bandwidth.used_bytes > before.bandwidth.used_bytes)
    const after = (await call(url, "GET", "/api/v1/storage/quota", { key })).json
    expect(after.requests.used - before.requests.used).toBe(1)
    expect(after.bandwidth.used_bytes - before.bandwidth.used_bytes).toBe("before the outage".length)
    await expectBooksBalance(bench.svc, bench.shiftClock, [t])
  })

  it("gone (connections refused): 503 within the bound, back when it is", async () => {
    bench = await startPgFaultService()
    const t = await newTenant(bench.svc, "pro")
    await bench.pgProxy.down()
    expectUnavailable(await timed(() => storeAsset(bench!.svc.url, t.key, "x")), "upload")
    expectUnavailable(await timed(() => call(bench!.svc.url, "PUT", "/api/v1/cache/c", { key: t.key, body: "v" })), "put")
    await bench.pgProxy.up()
    await expectRecovers(bench, t.key)
    await expectBooksBalance(bench.svc, bench.shiftClock, [t])
  })

  it("slow (under the deadline): requests are slower but succeed", async () => {
    bench = await startPgFaultService()
    const t = await newTenant(bench.svc, "pro")
    bench.pgProxy.slow(30)
    expect((await storeAsset(bench.svc.url, t.key, "slowly")).status).toBe(201)
    expect((await call(bench.svc.url, "PUT", "/api/v1/cache/c", { key: t.key, body: "v" })).status).toBe(200)
    bench.pgProxy.heal()
    await expectBooksBalance(bench.svc, bench.shiftClock, [t])
  })
})
