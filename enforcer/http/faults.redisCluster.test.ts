// Redis Cluster faults on a cluster of the test's own (three masters, each behind a proxy; never the shared one): a
// master killed under load and restarted empty with its slots, a reply lost with its link, a node's links cut with
// replies in flight and then every node's, one node blackholed, every master flushed; and a client starting while a
// node is blackholed. Tenant A's slot is on the node the test breaks, tenant B's on another. While A's node is away,
// A is answered 503 `unavailable` within the bound (nothing is allowed blindly); B may be served. Service comes back
// by itself, and after reconcile the books balance; a flush loses no usage (PostgreSQL is the truth).
import { randomBytes } from "node:crypto"
import * as Effect from "effect/Effect"
import { Redis } from "ioredis"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { connectCluster, makeRedisShape } from "../redis/RedisClient.ts"
import {
  BOUND_MS,
  expectBooksBalance,
  expectUnavailable,
  type FaultService,
  startPgFaultService,
  timed,
  until
} from "../testkit/faultBench.ts"
import { chunksOf, rawUpload } from "../testkit/rawUpload.ts"
import { startRedisCluster, type TestRedisCluster } from "../testkit/redisCluster.ts"
import { call, newTenant, quotaOf, storeAsset } from "../testkit/service.ts"

// One cluster and one service for the file (each takes seconds to start on a busy machine); every test has tenants
// of its own and leaves the cluster whole again
let bench: FaultService
let cluster: TestRedisCluster
beforeAll(async () => {
  cluster = await startRedisCluster()
  bench = await startPgFaultService({ redisClusterNodes: cluster.nodes })
})
afterEach(async () => {
  await cluster.heal()
})
afterAll(async () => {
  await bench?.close()
  await cluster?.close()
})

type Tenant = Awaited<ReturnType<typeof newTenant>>

/** Tenant A, and tenant B whose slot is on another node than A's. */
const tenants = async () => {
  const a = await newTenant(bench.svc, "business")
  const nodeOfA = await cluster.ownerOf(`{${a.userId}}`)
  let b: Tenant | undefined
  // each new tenant lands on another node with probability 2/3: a few tries at most
  for (let i = 0; i < 30 && b === undefined; i++) {
    const t = await newTenant(bench.svc, "business")
    if ((await cluster.ownerOf(`{${t.userId}}`)) !== nodeOfA) b = t
  }
  if (b === undefined) throw new Error(`no tenant off node ${nodeOfA}`)
  return { a, b, nodeOfA, url: bench.svc.url }
}

/** Uploads (paced, so that they are under way when the fault comes) and cache writes of one tenant. */
const load = (url: string, t: Tenant, tag: string) => [
  ...Array.from({ length: 3 }, (_, i) =>
    rawUpload(url, chunksOf(`${tag}-${i}`, 6, 10_000), { apiKey: t.key, sized: i % 2 === 0, delayMs: 40 }).then((r) => r.status)),
  ...Array.from({ length: 4 }, (_, i) =>
    call(url, "PUT", `/api/v1/cache/${tag}-${i}`, { key: t.key, body: "v" }).then((r) => r.status))
]

/** What a request in flight at a fault may get: done, refused for the outage, or its connection ended. */
const FAULT_STATUSES = [200, 201, 503, -1]

const servedAgain = (url: string, t: Tenant) =>
  until(`${t.userId} served again`, async () =>
    (await call(url, "PUT", `/api/v1/cache/after-${Date.now()}`, { key: t.key, body: "v" })).status === 200 &&
    (await storeAsset(url, t.key, `after ${Date.now()} ${Math.random()}`)).status === 201)

/** A tenant on a live node may be served or refused, but never made to wait past the bound nor answered 500. */
const expectServedOrUnavailable = (r: Awaited<ReturnType<typeof timed>>, what: string) => {
  expect({ what, status: r.status }).toEqual({ what, status: r.status === 503 ? 503 : 200 })
  expect(r.ms, `${what} answered after ${r.ms} ms`).toBeLessThan(BOUND_MS)
}

describe("Redis Cluster faults", () => {
  it("a master killed under load: 503 for its tenants within the bound, back by itself once it rejoins", async () => {
    const { a, b, nodeOfA, url } = await tenants()
    const inFlight = [...load(url, a, "ka"), ...load(url, b, "kb")]
    await until("an upload under way", async () => (await quotaOf(url, a.key)).storage.jettythunder.reserved_bytes > 0)
    await cluster.kill(nodeOfA)
    for (const s of await Promise.all(inFlight)) expect(FAULT_STATUSES).toContain(s)
    const [aPut, aUpload, aQuota, bPut] = await Promise.all([
      timed(() => call(url, "PUT", "/api/v1/cache/x", { key: a.key, body: "v" })),
      timed(() => storeAsset(url, a.key, "during")),
      timed(() => call(url, "GET", "/api/v1/storage/quota", { key: a.key })),
      timed(() => call(url, "PUT", "/api/v1/cache/y", { key: b.key, body: "v" }))
    ])
    expectUnavailable(aPut!, "A: cache put")
    expectUnavailable(aUpload!, "A: upload")
    expectUnavailable(aQuota!, "A: quota")
    // B's node is up, but once the cluster marks A's node failed it refuses every slot (full coverage): either way
    expectServedOrUnavailable(bPut!, "B: cache put")
    // same nodes.conf: the node rejoins with its slots, empty; A's counters reload from PostgreSQL
    await cluster.restart(nodeOfA)
    await servedAgain(url, a)
    await servedAgain(url, b)
    await expectBooksBalance(bench.svc, bench.shiftClock, [a, b])
  })

  it("a command whose reply was lost with its link is not sent again (Redis may have run it)", async () => {
    const client = await Effect.runPromise(connectCluster(cluster.nodes))
    const redis = makeRedisShape(client)
    const key = `{lost-reply-${randomBytes(4).toString("hex")}}:n`
    const node = cluster.node(await cluster.ownerOf(key))
    const direct = new Redis({ host: "127.0.0.1", port: node.port, lazyConnect: true })
    try {
      await direct.connect()
      expect(await Effect.runPromise(redis.run((r) => r.incr(key)))).toBe(1)
      node.proxy.loseReplies()
      const second = Effect.runPromise(Effect.result(redis.run((r) => r.incr(key))))
      // ran, and its reply dropped: on a busy machine the GET below can be answered before the proxy has seen the reply
      await until("the INCR ran on its node and its reply was lost", async () =>
        (await direct.get(key)) === "2" && node.proxy.dropped() > 0, 10_000)
      // the link that lost the reply is reset, as TCP eventually would: the client must answer "unavailable" (503),
      // not run the command a second time on a new link (a script run twice counts twice)
      node.proxy.heal()
      expect((await second)._tag).toBe("Failure")
      expect(await direct.get(key)).toBe("2")
    } finally {
      direct.disconnect()
      client.disconnect()
    }
  })

  it("a client starting while a node is blackholed is ready, or refused, within its deadline: never hung", async () => {
    cluster.node(0).proxy.blackhole()
    // the client's ready check asks a random node: three starts, so that some ask the blackholed one
    for (let attempt = 0; attempt < 3; attempt++) {
      const started = Effect.runPromise(Effect.result(connectCluster(cluster.nodes)))
      // the client's own deadline is 15 s; twice that for a busy machine: past it, the start-up has hung
      const outcome = await Promise.race([started, new Promise<"hung">((r) => setTimeout(() => r("hung"), 30_000))])
      expect(outcome, `start ${attempt}`).not.toBe("hung")
      if (outcome !== "hung" && outcome._tag === "Success") outcome.success.disconnect()
    }
  }, 120_000)

  it("a node's links cut with replies in flight, then every node's: no 500, recovers by itself, the books balance", async () => {
    const { a, b, nodeOfA, url } = await tenants()
    const underLoad = async (tag: string, fault: () => void) => {
      const inFlight = [...load(url, a, `${tag}a`), ...load(url, b, `${tag}b`)]
      await until("an upload under way", async () => (await quotaOf(url, a.key)).storage.jettythunder.reserved_bytes > 0)
      fault()
      for (const s of await Promise.all(inFlight)) expect(FAULT_STATUSES).toContain(s)
    }
    // slowed links hold replies on their way back when the cut comes (commands that ran, whose answer is lost); one
    // node only, so the cluster stays up and the client could send a command again on a new link
    for (let i = 0; i < 3; i++) cluster.node(i).proxy.slow(20)
    await underLoad("one", () => {
      cluster.node(nodeOfA).proxy.cut()
      for (let i = 0; i < 3; i++) cluster.node(i).proxy.heal()
    })
    // every node: the client has no connection left and connects to the cluster again
    await underLoad("all", () => {
      for (let i = 0; i < 3; i++) cluster.node(i).proxy.cut()
    })
    await servedAgain(url, a)
    await servedAgain(url, b)
    await expectBooksBalance(bench.svc, bench.shiftClock, [a, b])
  })

  it("one node blackholed: its tenants get 503 within the bound, the others are served, then it recovers", async () => {
    const { a, b, nodeOfA, url } = await tenants()
    const stored = await storeAsset(url, a.key, "stored before")
    expect(stored.status).toBe(201)
    const before = await quotaOf(url, a.key)
    cluster.node(nodeOfA).proxy.blackhole()
    const [aPut, aGet, aUpload, aQuota, bPut, bUpload] = await Promise.all([
      timed(() => call(url, "PUT", "/api/v1/cache/x", { key: a.key, body: "v" })),
      timed(() => call(url, "GET", `/api/v1/assets/${stored.json.asset_id}`, { key: a.key })),
      timed(() => storeAsset(url, a.key, "during")),
      timed(() => call(url, "GET", "/api/v1/storage/quota", { key: a.key })),
      timed(() => call(url, "PUT", "/api/v1/cache/y", { key: b.key, body: "v" })),
      timed(() => storeAsset(url, b.key, "B during"))
    ])
    expectUnavailable(aPut!, "A: cache put")
    expectUnavailable(aGet!, "A: download")
    expectUnavailable(aUpload!, "A: upload")
    expectUnavailable(aQuota!, "A: quota")
    // B's node answers: B is not held hostage by A's
    expect([bPut!.status, bUpload!.status]).toEqual([200, 201])
    cluster.node(nodeOfA).proxy.heal()
    await servedAgain(url, a)
    // the download refused during the outage cost A no bandwidth (and the books below: no storage for the upload)
    const after = await quotaOf(url, a.key)
    expect(after.bandwidth.used_bytes).toBe(before.bandwidth.used_bytes)
    await expectBooksBalance(bench.svc, bench.shiftClock, [a, b])
  })

  it("every master flushed: no usage is lost, the counters come back from PostgreSQL", async () => {
    const { a, b, url } = await tenants()
    for (const t of [a, b]) {
      expect((await storeAsset(url, t.key, `kept across a flush ${t.userId}`)).status).toBe(201)
      expect((await call(url, "PUT", "/api/v1/cache/c", { key: t.key, body: "v" })).status).toBe(200)
    }
    const before = await Promise.all([a, b].map((t) => quotaOf(url, t.key)))
    await cluster.flushAll()
    const after = await Promise.all([a, b].map((t) => quotaOf(url, t.key)))
    for (const [i, q] of after.entries()) {
      expect(q.storage.jettythunder.used_bytes).toBe(before[i].storage.jettythunder.used_bytes)
      expect(q.requests.used).toBe(before[i].requests.used)
      expect(q.bandwidth.used_bytes).toBe(before[i].bandwidth.used_bytes)
    }
    await expectBooksBalance(bench.svc, bench.shiftClock, [a, b])
  })
})
