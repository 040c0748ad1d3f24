// Races over HTTP with TWO service instances on one Redis + one PostgreSQL + one S3: the known ways quota systems
// overshoot (check-then-update, a new tenant's first burst, retries, a month turning, a tier changing) must not.
import * as Effect from "effect/Effect"
import { sql } from "kysely"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Database, sumToBigInt } from "../db/Database.ts"
import { TimeSource } from "../quota/TimeSource.ts"
import { ObjectStore } from "../s3/ObjectStore.ts"
import { type Pair, startPair } from "../testkit/pair.ts"
import { chunksOf, rawUpload } from "../testkit/rawUpload.ts"
import { call, newTenant, quotaOf } from "../testkit/service.ts"
import { STORE_VARIANTS } from "../testkit/settings.ts"
import { writeTestSheet } from "../testkit/sheet.ts"

/** Largest overshoot seen in this file (usage − limit, 0 when never above): reported by the suite. */
let largestOvershoot = 0

describe.each(STORE_VARIANTS)("concurrency across two instances on $name", ({ db: variant, redis }) => {
  const clock = TimeSource.adjustable()
  let pair: Pair
  beforeAll(async () => {
    pair = await startPair(variant, { ...redis.settings, sheetPath: writeTestSheet() }, { time: clock.layer })
  })
  afterAll(async () => {
    await pair?.close()
    console.log(`[${variant.name}] largest overshoot under concurrency: ${largestOvershoot} bytes/requests`)
  })
  const pick = (i: number) => (i % 2 === 0 ? pair.a : pair.b)
  const ledgerSum = (userId: string, column: "storage_bytes" | "requests" | "bandwidth_bytes", period?: string) =>
    pair.a.run(Effect.flatMap(Database, (d) =>
      d.use((db) => {
        let q = db.selectFrom("usage_all").select(sql<string>`coalesce(sum(${sql.ref(column)}), 0)`.as("s"))
          .where("user_id", "=", userId)
        if (period) q = q.where(sql`to_char(period_start, 'YYYY-MM')`, "=", period)
        return q.executeTakeFirstOrThrow()
      })
    ).pipe(Effect.map((r) => sumToBigInt(r.s))))

  it("40 parallel uploads (sized and chunked) into 1000 bytes: exactly 10 land, overshoot 0", async () => {
    const t = await newTenant(pair.a, "starter")
    const replies = await Promise.all(Array.from({ length: 40 }, (_, i) =>
      rawUpload(pick(i).url, chunksOf(`${t.userId}-${i}`, 4, 25), {
        apiKey: t.key,
        cacheKey: `c${i}`,
        sized: i % 4 < 2,
        delayMs: 2
      })))
    const ok = replies.filter((r) => r.status === 201).length
    expect(replies.every((r) => r.status === 201 || r.status === 403 || r.status === -1)).toBe(true)
    const q = await quotaOf(pair.b.url, t.key)
    largestOvershoot = Math.max(largestOvershoot, q.storage.jettythunder.used_bytes - 1000)
    expect(ok).toBe(10)
    expect(q.storage.jettythunder.used_bytes).toBe(1000)
    expect(q.storage.jettythunder.reserved_bytes).toBe(0)
    expect(await ledgerSum(t.userId, "storage_bytes")).toBe(1000n)
    const objects = await pair.a.run(Effect.flatMap(ObjectStore, (o) =>
      Effect.all([o.list(o.bucket, `assets/${t.userId}/`), o.listMultipartUploads(o.bucket)])))
    expect(objects[0].length).toBe(10)
    expect(objects[1].filter((u) => u.key.includes(t.userId))).toEqual([])
  })

  it("a brand-new tenant's burst of 60 cache writes on both instances: Redis bytes and requests never overshoot", async () => {
    const t = await newTenant(pair.a, "starter") // 1000 Redis bytes, 20 requests; never seen by Redis yet
    const replies = await Promise.all(Array.from({ length: 60 }, (_, i) =>
      call(pick(i).url, "PUT", `/api/v1/cache/burst-${i}`, { key: t.key, body: "w".repeat(100) })))
    const ok = replies.filter((r) => r.status === 200).length
    expect(replies.filter((r) => r.status !== 200 && r.status !== 403)).toEqual([])
    const q = await quotaOf(pair.a.url, t.key)
    largestOvershoot = Math.max(largestOvershoot, q.storage.redis.used_bytes - 1000, q.requests.used - 20)
    expect(ok).toBe(10)
    expect(q.storage.redis.used_bytes).toBe(1000)
    expect(q.requests.used).toBe(10)
    expect(await ledgerSum(t.userId, "requests")).toBe(10n)
  })

  it("60 parallel cache reads into 20 requests: exactly 20 answered, the refused ones are not counted", async () => {
    const t = await newTenant(pair.a, "starter")
    const replies = await Promise.all(Array.from({ length: 60 }, (_, i) =>
      call(pick(i).url, "GET", `/api/v1/cache/nothing-${i}`, { key: t.key })))
    expect(replies.filter((r) => r.status === 404).length).toBe(20)
    expect(replies.filter((r) => r.status === 403).length).toBe(40)
    const q = await quotaOf(pair.b.url, t.key)
    largestOvershoot = Math.max(largestOvershoot, q.requests.used - 20)
    expect(q.requests.used).toBe(20)
    expect(await ledgerSum(t.userId, "requests")).toBe(20n)
  })

  it("retries with one Idempotency-Key store once and answer the first result; a failed attempt claims nothing", async () => {
    const t = await newTenant(pair.a, "starter")
    // first attempt is refused (over quota): the key must stay unclaimed
    const refused = await rawUpload(pair.a.url, chunksOf("idem", 1, 1001), { apiKey: t.key, idempotencyKey: "req-1" })
    expect(refused.status).toBe(403)
    // an attempt that dies mid-body claims nothing either
    await rawUpload(pair.b.url, chunksOf("idem-x", 5, 50), { apiKey: t.key, idempotencyKey: "req-1", abortAfterChunks: 2, sized: false })
    const body = chunksOf("idem-ok", 2, 150)
    const replies = await Promise.all(Array.from({ length: 8 }, (_, i) =>
      rawUpload(pick(i).url, body, { apiKey: t.key, idempotencyKey: "req-1", cacheKey: "idem" })))
    // one attempt runs; concurrent duplicates are told to retry (409) or, once it is done, get its answer
    expect(replies.every((r) => r.status === 201 || r.status === 409)).toBe(true)
    expect(replies.filter((r) => r.status === 201).length).toBeGreaterThanOrEqual(1)
    const ids = new Set(replies.filter((r) => r.status === 201).map((r) => r.json.asset_id))
    expect(ids.size).toBe(1)
    const again = await rawUpload(pair.b.url, body, { apiKey: t.key, idempotencyKey: "req-1" })
    expect(again.json.asset_id).toBe([...ids][0])
    await new Promise((r) => setTimeout(r, 100))
    const q = await quotaOf(pair.a.url, t.key)
    expect(q.storage.jettythunder.used_bytes).toBe(300)
    expect(q.storage.jettythunder.reserved_bytes).toBe(0)
    expect(await ledgerSum(t.userId, "storage_bytes")).toBe(300n)
  })

  it("no increment is lost when the month turns under in-flight requests (and rollover runs meanwhile)", async () => {
    const t = await newTenant(pair.a, "pro") // 200 requests a month
    const before = new Date(Date.now()).toISOString().slice(0, 7)
    const replies = await Promise.all(Array.from({ length: 80 }, async (_, i) => {
      if (i === 40) {
        clock.shift(32 * 86_400_000)
        await call(pair.b.url, "POST", "/admin/v1/jobs/rollover", { key: pair.b.adminToken })
      }
      return call(pick(i).url, "GET", `/api/v1/cache/m-${i}`, { key: t.key })
    }))
    const answered = replies.filter((r) => r.status === 404).length
    expect(answered).toBe(80)
    const after = new Date(Date.now() + 32 * 86_400_000).toISOString().slice(0, 7)
    const [inBefore, inAfter] = [await ledgerSum(t.userId, "requests", before), await ledgerSum(t.userId, "requests", after)]
    expect(inBefore + inAfter).toBe(80n)
    // the running month's counter is exactly its ledger share: nothing leaked across, nothing lost
    const q = await quotaOf(pair.a.url, t.key)
    expect(BigInt(q.requests.used)).toBe(inAfter)
    const subscriptions = await pair.a.run(Effect.flatMap(Database, (d) =>
      d.use((db) =>
        db.selectFrom("usage_ledger").select(["period_start", "amount"]).where("user_id", "=", t.userId)
          .where("kind", "=", "subscription").orderBy("period_start").execute()
      )))
    expect(subscriptions.map((s) => s.amount)).toEqual(["49.0000", "49.0000"])
    clock.set(Date.now())
  })

  it("a tier change racing in-flight uploads loses no increment and applies at once", async () => {
    const t = await newTenant(pair.a, "pro") // 10000 bytes
    const uploads = Array.from({ length: 30 }, (_, i) =>
      rawUpload(pick(i).url, chunksOf(`${t.userId}-tier-${i}`, 2, 100), { apiKey: t.key, cacheKey: `t${i}`, delayMs: 3 }))
    await new Promise((r) => setTimeout(r, 10))
    const change = await call(pair.b.url, "PUT", `/admin/v1/users/${t.userId}/tier`, {
      key: pair.b.adminToken,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tier: "starter" })
    })
    expect(change.json).toMatchObject({ tier: "starter", previous: "pro" })
    const replies = await Promise.all(uploads)
    const stored = replies.filter((r) => r.status === 201).length * 200
    const q = await quotaOf(pair.a.url, t.key)
    expect(q.tier).toBe("starter")
    expect(q.storage.jettythunder.used_bytes).toBe(stored)
    expect(await ledgerSum(t.userId, "storage_bytes")).toBe(BigInt(stored))
    // decided after the change: the starter limit (1000) applies to every request from now on
    const next = await rawUpload(pair.b.url, chunksOf(`${t.userId}-late`, 1, 1), { apiKey: t.key })
    expect(next.status).toBe(stored + 1 <= 1000 ? 201 : 403)
  })
})
