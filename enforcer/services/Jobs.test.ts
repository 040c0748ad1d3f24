// The periodic jobs against the real stores: tiering by the model's policy (idle time, not a timestamp compared
// with a duration), asset expiry, rollover (requests and bandwidth reset, storage kept), alerts recorded once,
// reconcile repairing drift and orphans, and the monthly report's arithmetic.
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { sql } from "kysely"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Database, sumToBigInt } from "../db/Database.ts"
import { appendLedger } from "../db/ledger.repository.ts"
import { TimeSource } from "../quota/TimeSource.ts"
import { RedisClient } from "../redis/RedisClient.ts"
import { tenantKeys } from "../redis/keys.ts"
import { ObjectStore } from "../s3/ObjectStore.ts"
import { until } from "../testkit/faultBench.ts"
import { call, newTenant, quotaOf, type RunningService, sleep, startService, storeAsset } from "../testkit/service.ts"
import { DB_VARIANTS, dropRedisPrefix, testSettings } from "../testkit/settings.ts"
import { writeTestSheet } from "../testkit/sheet.ts"

const DAY = 86_400_000
const SHEET = writeTestSheet()

describe.each(DB_VARIANTS)("jobs on $name", (variant) => {
  const clock = TimeSource.adjustable()
  let svc: RunningService
  beforeAll(async () => {
    svc = await startService(testSettings({ database: variant.config(), sheetPath: SHEET, reservationTtlMs: 500 }), { time: clock.layer })
  })
  afterAll(async () => {
    await svc?.close()
    await dropRedisPrefix(svc.settings.keyPrefix)
  })
  const job = async (name: string) => {
    const r = await call(svc.url, "POST", `/admin/v1/jobs/${name}`, { key: svc.adminToken })
    expect(r.status).toBe(200)
    return r.json
  }
  const storageClassOf = (bucket: string, key: string) =>
    svc.run(Effect.flatMap(ObjectStore, (o) => o.head(bucket, key)))
  const contentRow = (userId: string) =>
    svc.run(Effect.flatMap(Database, (d) =>
      d.use((db) => db.selectFrom("content_objects").selectAll().where("user_id", "=", userId).executeTakeFirstOrThrow())))

  it("tiering moves an idle, rarely hit asset to cold after MORE than 30 idle days, back to hot when hit often", async () => {
    clock.set(Date.now())
    const t = await newTenant(svc, "pro")
    const a = await storeAsset(svc.url, t.key, "m".repeat(1000), { "content-type": "model/gltf-binary", "x-cache-key": "mesh" })
    clock.shift(29 * DAY)
    expect((await job("tiering")).moves.filter((m: { user_id: string }) => m.user_id === t.userId)).toEqual([])
    clock.shift(2 * DAY) // 31 idle days
    const cold = await job("tiering")
    const mine = cold.moves.filter((m: { user_id: string }) => m.user_id === t.userId)
    // 1000 bytes = 10^-6 GB at $0.05 − $0.004: exactly 0.000000046 USD a month
    expect(mine).toEqual([expect.objectContaining({ to: "cold", idle_days: 31, size_bytes: 1000, monthly_saving: "0.000000046" })])
    const row = await contentRow(t.userId)
    expect(row.storage_class).toBe("cold")
    expect((await storageClassOf(row.bucket, row.object_key))?.storageClass).toBe("STANDARD_IA")
    expect((await call(svc.url, "GET", `/api/v1/assets/${a.json.asset_id}`, { key: t.key })).text).toBe("m".repeat(1000))
    // every lookup of this tenant hits it: hit rate 1 > 0.8 → back to hot
    for (let i = 0; i < 3; i++) await call(svc.url, "GET", "/api/v1/cache/lookup?cache_key=mesh", { key: t.key })
    const hot = await job("tiering")
    expect(hot.moves.filter((m: { user_id: string }) => m.user_id === t.userId)).toEqual([
      expect.objectContaining({ to: "hot", hit_rate: 1, monthly_saving: "-0.000000046" })
    ])
    expect((await contentRow(t.userId)).storage_class).toBe("hot")
    const moves = await svc.run(Effect.flatMap(Database, (d) =>
      d.use((db) => db.selectFrom("tiering_moves").select(["to_class", "monthly_saving"]).where("user_id", "=", t.userId).orderBy("id").execute())))
    expect(moves.map((m) => [m.to_class, BigDecimal.format(BigDecimal.normalize(BigDecimal.fromStringUnsafe(m.monthly_saving)))]))
      .toEqual([["cold", "0.000000046"], ["hot", "-0.000000046"]])
    clock.set(Date.now())
  })

  it("tiering deletes assets past their TTL and gives their storage back", async () => {
    clock.set(Date.now())
    const t = await newTenant(svc, "starter")
    const a = await storeAsset(svc.url, t.key, "e".repeat(700), { "x-cache-key": "tmp", "x-cache-ttl": "60" })
    expect(a.status).toBe(201)
    clock.shift(61_000)
    expect((await call(svc.url, "GET", `/api/v1/assets/${a.json.asset_id}`, { key: t.key })).status).toBe(404)
    expect((await job("tiering")).expired_assets_deleted).toBeGreaterThanOrEqual(1)
    expect((await quotaOf(svc.url, t.key)).storage.jettythunder.used_bytes).toBe(0)
    clock.set(Date.now())
  })

  it("rollover resets requests and bandwidth, keeps storage, and books the new period once", async () => {
    clock.set(Date.now())
    const t = await newTenant(svc, "pro")
    const a = await storeAsset(svc.url, t.key, "p".repeat(500))
    await call(svc.url, "GET", `/api/v1/assets/${a.json.asset_id}`, { key: t.key })
    await call(svc.url, "GET", "/api/v1/cache/x", { key: t.key })
    // the download's charge settles when its body stream ends: wait for it (bounded), not for a fixed time
    await until("the download is charged", async () => (await quotaOf(svc.url, t.key)).bandwidth.used_bytes === 500)
    let q = await quotaOf(svc.url, t.key)
    expect([q.requests.used, q.bandwidth.used_bytes, q.storage.jettythunder.used_bytes]).toEqual([1, 500, 500])
    clock.shift(32 * DAY)
    const first = await job("rollover")
    expect(first.users.map((u: { user_id: string }) => u.user_id)).toContain(t.userId)
    const again = await job("rollover")
    expect(again.users.map((u: { user_id: string }) => u.user_id)).not.toContain(t.userId)
    q = await quotaOf(svc.url, t.key)
    expect([q.requests.used, q.bandwidth.used_bytes, q.storage.jettythunder.used_bytes]).toEqual([0, 0, 500])
    const subs = await svc.run(Effect.flatMap(Database, (d) =>
      d.use((db) => db.selectFrom("usage_ledger").select(sql<string>`count(*)`.as("n")).where("user_id", "=", t.userId)
        .where("kind", "=", "subscription").executeTakeFirstOrThrow())))
    expect(sumToBigInt(subs.n)).toBe(2n)
    clock.set(Date.now())
  })

  it("alerts at ≥ 90 % are recorded once per period and dimension", async () => {
    clock.set(Date.now())
    const t = await newTenant(svc, "starter")
    await storeAsset(svc.url, t.key, "h".repeat(900))
    const first = await job("alerts")
    expect(first.alerts.filter((a: { user_id: string }) => a.user_id === t.userId))
      .toEqual([expect.objectContaining({ dimension: "storage", percent: "90.0" })])
    expect(first.newly_recorded).toBeGreaterThanOrEqual(1)
    const second = await job("alerts")
    const rows = await svc.run(Effect.flatMap(Database, (d) =>
      d.use((db) => db.selectFrom("usage_alerts").selectAll().where("user_id", "=", t.userId).execute())))
    expect(rows.map((r) => [r.dimension, r.percent])).toEqual([["storage", "90.0"]])
    expect(second.alerts.some((a: { user_id: string }) => a.user_id === t.userId)).toBe(true)
  })

  it("reconcile repairs Redis from the ledger, books ledger drift, deletes orphans past the grace period", async () => {
    clock.set(Date.now())
    const t = await newTenant(svc, "pro")
    await storeAsset(svc.url, t.key, "o".repeat(321))
    // Redis drifts (lost increment) and the ledger drifts (a row nothing stored backs)
    await svc.run(Effect.flatMap(RedisClient, (r) =>
      r.run((c) => c.hset(tenantKeys(svc.settings.keyPrefix, t.userId).state, "storage", "5"))))
    await svc.run(Effect.flatMap(Database, (d) =>
      d.use((db) =>
        appendLedger(db, [{ userId: t.userId, period: new Date().toISOString().slice(0, 7), occurredAt: new Date(), kind: "asset_store", opId: "bogus", storageBytes: 7n }])
      )))
    await svc.run(Effect.flatMap(ObjectStore, (o) =>
      o.upload(`assets/${t.userId}/orphan`, Stream.make(new TextEncoder().encode("lost")), {
        contentType: "text/plain",
        beforeChunk: () => Effect.void
      })))
    expect((await quotaOf(svc.url, t.key)).storage.jettythunder.used_bytes).toBe(5)
    await sleep(1_100) // the orphan is older than 2 × the reservation TTL
    const r = await job("reconcile")
    const mine = r.users.find((u: { user_id: string }) => u.user_id === t.userId)
    expect(mine).toMatchObject({ status: "repaired", ledger_storage_drift_bytes: -7 })
    expect(r.orphan_objects_deleted).toBeGreaterThanOrEqual(1)
    expect((await quotaOf(svc.url, t.key)).storage.jettythunder.used_bytes).toBe(321)
    const again = await job("reconcile")
    expect(again.users.find((u: { user_id: string }) => u.user_id === t.userId)).toMatchObject({ status: "in_sync", ledger_storage_drift_bytes: 0 })
  })
})

describe("tiering into a cold bucket", () => {
  it("moves the object to the cold bucket, serves it from there, and reconcile finds nothing amiss", async () => {
    const clock = TimeSource.adjustable()
    const svc = await startService(
      testSettings({ sheetPath: SHEET, coldStorage: { mode: "bucket", bucket: "econ-test-cold" } }),
      { time: clock.layer }
    )
    try {
      const t = await newTenant(svc, "pro")
      const a = await storeAsset(svc.url, t.key, "c".repeat(2000), { "content-type": "video/mp4" })
      clock.shift(31 * DAY)
      const r = await call(svc.url, "POST", "/admin/v1/jobs/tiering", { key: svc.adminToken })
      expect(r.json).toMatchObject({ moved_to_cold: 1, monthly_saving: "0.00", monthly_saving_exact: "0.000000092" })
      const [hot, cold] = await svc.run(Effect.flatMap(ObjectStore, (o) =>
        Effect.all([o.list(o.bucket, `assets/${t.userId}/`), o.list("econ-test-cold", `assets/${t.userId}/`)])))
      expect([hot.length, cold.length]).toEqual([0, 1])
      const got = await call(svc.url, "GET", `/api/v1/assets/${a.json.asset_id}`, { key: t.key })
      expect([got.status, got.text.length, got.headers.get("content-type")]).toEqual([200, 2000, "video/mp4"])
      const rec = await call(svc.url, "POST", "/admin/v1/jobs/reconcile", { key: svc.adminToken })
      expect(rec.json).toMatchObject({ orphan_objects_deleted: 0, missing_objects: [] })
    } finally {
      await svc.close()
      await dropRedisPrefix(svc.settings.keyPrefix)
    }
  })
})

describe("monthly report", () => {
  it("sums revenue and cost per month with the model's rules; a month without revenue has a null margin", async () => {
    const clock = TimeSource.adjustable()
    clock.set(Date.UTC(2031, 0, 15))
    const svc = await startService(testSettings({ sheetPath: SHEET }), { time: clock.layer })
    try {
      await newTenant(svc, "free")
      await newTenant(svc, "free")
      clock.set(Date.UTC(2031, 1, 15))
      const a = await newTenant(svc, "pro")
      await newTenant(svc, "starter")
      await newTenant(svc, "free")
      // an upgrade in the month bills the month at the higher tier
      await call(svc.url, "PUT", `/admin/v1/users/${a.userId}/tier`, {
        key: svc.adminToken,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ tier: "business" })
      })
      const r = await call(svc.url, "GET", "/admin/v1/reports/monthly", { key: svc.adminToken })
      const [feb, jan] = r.json.months
      expect(jan).toMatchObject({ month: "2031-01", active_users: 2, paying_users: 0, revenue: "0.00", margin_pct: null })
      // worked by hand on the test sheet (TINY limits): Business Redis 1 MB × $0.015 = 0.015 → 0.02 and storage
      // 0.1 GB × $0.05 = 0.005 → 0.00 (half-even), + flat 2.00 + 1.00 + 1.00 = 4.02; Starter 0.50 + 0.50 = 1.00;
      // Free 0.50: 5.52 at full allowance. Revenue 149 + 19 + 0 = 168.00; gross 162.48; 162.48 / 168 = 96.71 % → 96.7
      expect(feb).toMatchObject({
        month: "2031-02",
        active_users: 3,
        paying_users: 2,
        revenue: "168.00",
        allowance_cost: "5.52",
        bandwidth_cost: "0.00",
        internal_cost: "5.52",
        gross_profit: "162.48",
        margin_pct: "96.7"
      })
    } finally {
      await svc.close()
      await dropRedisPrefix(svc.settings.keyPrefix)
    }
  })
})
