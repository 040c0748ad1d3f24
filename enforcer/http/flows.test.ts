// The plan's flows end to end over HTTP against real Redis, PostgreSQL (PGlite and the server) and s3rver: users,
// quota reads (Free, Enterprise), assets counted to the byte, dedup, bandwidth, the text cache and its TTLs, lookups,
// tenant isolation, bad requests that write nothing, a restart that keeps usage, and the admin reports.
import { connect } from "node:net"
import * as Effect from "effect/Effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Database, sumToBigInt } from "../db/Database.ts"
import { ObjectStore } from "../s3/ObjectStore.ts"
import { until } from "../testkit/faultBench.ts"
import { call, newTenant, quotaOf, type RunningService, sleep, startService, storeAsset } from "../testkit/service.ts"
import { DB_VARIANTS, dropRedisPrefix, testSettings } from "../testkit/settings.ts"
import { writeTestSheet } from "../testkit/sheet.ts"
import { sql } from "kysely"

describe.each(DB_VARIANTS)("HTTP flows on $name", (variant) => {
  let svc: RunningService
  beforeAll(async () => {
    svc = await startService(testSettings({ database: variant.config(), sheetPath: writeTestSheet() }))
  })
  afterAll(async () => {
    await svc?.close()
    await dropRedisPrefix(svc.settings.keyPrefix)
  })

  const ledgerRows = (userId: string) =>
    svc.run(Effect.flatMap(Database, (d) =>
      d.use((db) =>
        db.selectFrom("usage_all").select(sql<string>`count(*)`.as("n")).where("user_id", "=", userId).executeTakeFirstOrThrow()
      )).pipe(Effect.map((r) => sumToBigInt(r.n))))
  const objectsOf = (userId: string) =>
    svc.run(Effect.flatMap(ObjectStore, (o) => o.list(o.bucket, `assets/${userId}/`)))

  it("walk-through: add a user, store an asset, read the quota, hit the limit", async () => {
    const t = await newTenant(svc, "starter") // 1000 bytes of asset storage in the test sheet
    const stored = await storeAsset(svc.url, t.key, "a".repeat(600), { "content-type": "image/png", "x-cache-key": "img-1" })
    expect(stored.status).toBe(201)
    expect(stored.json).toMatchObject({ size_bytes: 600, deduplicated: false })
    expect(stored.json.content_hash).toMatch(/^[0-9a-f]{64}$/)
    const q = await quotaOf(svc.url, t.key)
    expect(q.tier).toBe("starter")
    expect(q.storage.jettythunder).toMatchObject({
      limit_gb: "0.000001",
      used_gb: "0.0000006",
      available_gb: "0.0000004",
      percent_used: "60.0",
      limit_bytes: 1000,
      used_bytes: 600,
      available_bytes: 400
    })
    const over = await storeAsset(svc.url, t.key, "b".repeat(401), { "x-cache-key": "img-2" })
    expect(over.status).toBe(403)
    expect(over.json).toMatchObject({
      error: "quota_exceeded",
      dimension: "storage",
      used_bytes: 600,
      limit_bytes: 1000,
      upgrade_tier: "pro",
      upgrade_url: "https://agentcache.ai/pricing"
    })
    expect(over.json.message).toContain("Pro")
    // exactly the remaining 400 bytes lands on the limit and is allowed
    const exact = await storeAsset(svc.url, t.key, "c".repeat(400), { "x-cache-key": "img-3" })
    expect(exact.status).toBe(201)
    expect((await quotaOf(svc.url, t.key)).storage.jettythunder.used_bytes).toBe(1000)
    // nothing of the refused upload stayed behind
    expect((await objectsOf(t.userId)).length).toBe(2)
  })

  it("tiny assets count to the byte (the plan's DECIMAL(10,2) GB made them all zero)", async () => {
    const t = await newTenant(svc, "starter")
    const sizes = [1, 2, 3, 5, 8, 13, 21]
    for (const [i, n] of sizes.entries()) {
      const r = await storeAsset(svc.url, t.key, "z".repeat(n - 1) + String.fromCharCode(65 + i), { "x-cache-key": `t${i}` })
      expect(r.status).toBe(201)
    }
    const q = await quotaOf(svc.url, t.key)
    expect(q.storage.jettythunder.used_bytes).toBe(53)
    expect(q.storage.jettythunder.used_gb).toBe("0.000000053")
  })

  it("the same content is kept once, charged once, and freed when its last reference goes", async () => {
    const t = await newTenant(svc, "starter")
    const a = await storeAsset(svc.url, t.key, "same bytes", { "x-cache-key": "one" })
    const b = await storeAsset(svc.url, t.key, "same bytes", { "x-cache-key": "two" })
    expect(a.json.deduplicated).toBe(false)
    expect(b.json.deduplicated).toBe(true)
    expect(b.json.content_hash).toBe(a.json.content_hash)
    expect((await quotaOf(svc.url, t.key)).storage.jettythunder.used_bytes).toBe(10)
    expect((await objectsOf(t.userId)).length).toBe(1)
    expect((await call(svc.url, "DELETE", `/api/v1/assets/${a.json.asset_id}`, { key: t.key })).status).toBe(204)
    expect((await quotaOf(svc.url, t.key)).storage.jettythunder.used_bytes).toBe(10)
    expect((await call(svc.url, "GET", `/api/v1/assets/${b.json.asset_id}`, { key: t.key })).text).toBe("same bytes")
    expect((await call(svc.url, "DELETE", `/api/v1/assets/${b.json.asset_id}`, { key: t.key })).status).toBe(204)
    expect((await quotaOf(svc.url, t.key)).storage.jettythunder.used_bytes).toBe(0)
    expect((await objectsOf(t.userId)).length).toBe(0)
    expect((await call(svc.url, "DELETE", `/api/v1/assets/${b.json.asset_id}`, { key: t.key })).status).toBe(404)
  })

  it("downloads count bandwidth as bytes sent, HEAD is free, and the bandwidth limit holds", async () => {
    const t = await newTenant(svc, "starter") // 3000 bytes of bandwidth
    const a = await storeAsset(svc.url, t.key, "d".repeat(900), { "content-type": "audio/ogg", "x-cache-key": "snd" })
    const head = await call(svc.url, "HEAD", `/api/v1/assets/${a.json.asset_id}`, { key: t.key })
    expect(head.status).toBe(200)
    expect(head.headers.get("content-length")).toBe("900")
    for (let i = 0; i < 3; i++) {
      const g = await call(svc.url, "GET", `/api/v1/assets/${a.json.asset_id}`, { key: t.key })
      expect(g.status).toBe(200)
      expect(g.text.length).toBe(900)
      expect(g.headers.get("content-type")).toBe("audio/ogg")
    }
    // the charge settles when each body stream ends: wait for it (bounded), not for a fixed time
    await until("the three downloads are charged", async () => (await quotaOf(svc.url, t.key)).bandwidth.used_bytes === 2700)
    const q = await quotaOf(svc.url, t.key)
    expect(q.bandwidth.used_bytes).toBe(2700)
    const fourth = await call(svc.url, "GET", `/api/v1/assets/${a.json.asset_id}`, { key: t.key })
    expect(fourth.status).toBe(403)
    expect(fourth.json).toMatchObject({ error: "quota_exceeded", dimension: "bandwidth", used_bytes: 2700, limit_bytes: 3000 })
  })

  it("text cache: each call is a request, bytes count against Redis, a rewrite gives its old bytes back", async () => {
    const t = await newTenant(svc, "starter") // 1000 bytes of Redis, 20 requests
    const put = await call(svc.url, "PUT", "/api/v1/cache/chat-1?ttl=60", { key: t.key, body: "x".repeat(700) })
    expect(put.status).toBe(200)
    expect(put.json).toMatchObject({ key: "chat-1", size_bytes: 700, ttl_seconds: 60 })
    const rewrite = await call(svc.url, "PUT", "/api/v1/cache/chat-1", {
      key: t.key,
      body: "y".repeat(900),
      headers: { "x-cache-ttl": "120" }
    })
    expect(rewrite.status).toBe(200)
    const got = await call(svc.url, "GET", "/api/v1/cache/chat-1", { key: t.key })
    expect(got.status).toBe(200)
    expect(got.text).toBe("y".repeat(900))
    const miss = await call(svc.url, "GET", "/api/v1/cache/nope", { key: t.key })
    expect(miss.status).toBe(404)
    expect(miss.json.error).toBe("not_found")
    const second = await call(svc.url, "PUT", "/api/v1/cache/chat-2", { key: t.key, body: "z".repeat(101) })
    expect(second.status).toBe(403)
    expect(second.json).toMatchObject({ error: "quota_exceeded", dimension: "redis", used_bytes: 900, limit_bytes: 1000 })
    let q = await quotaOf(svc.url, t.key)
    expect(q.storage.redis.used_bytes).toBe(900)
    expect(q.requests.used).toBe(4) // two writes, a hit and a miss; the refused write is not counted
    const del = await call(svc.url, "DELETE", "/api/v1/cache/chat-1", { key: t.key })
    expect(del.json).toEqual({ key: "chat-1", deleted: true })
    q = await quotaOf(svc.url, t.key)
    expect(q.storage.redis.used_bytes).toBe(0)
    expect(q.requests.used).toBe(5)
  })

  it("a refused request never holds back the batch of the next one (a quiet tenant's request is answered)", async () => {
    // a refused request took its batch's tag and never arrives to be counted: the batch waits a moment for it, then is
    // written. That wait once hung for good when its timer fired before Date.now said the wait was up (Node times it
    // from the loop's cached clock) and nothing else kicked the batch: a quiet tenant waited forever
    const t = await newTenant(svc, "business") // 1 MB of Redis
    expect((await call(svc.url, "PUT", "/api/v1/cache/full", { key: t.key, body: "f".repeat(999_990) })).status).toBe(200)
    // a bound on each answer, not a wait: the hang it catches never answers at all
    const bounded = async (p: Promise<{ status: number }>, what: string) => {
      let timer: ReturnType<typeof setTimeout> | undefined
      const unanswered = new Promise<{ status: number; what: string }>((resolve) => {
        timer = setTimeout(() => resolve({ status: -1, what }), 15_000)
      })
      return Promise.race([p, unanswered]).finally(() => clearTimeout(timer))
    }
    for (let i = 0; i < 150; i++) {
      expect(await bounded(call(svc.url, "PUT", `/api/v1/cache/more-${i}`, { key: t.key, body: "m".repeat(20) }), "refused")).toMatchObject({ status: 403 })
      expect(await bounded(call(svc.url, "GET", `/api/v1/cache/miss-${i}`, { key: t.key }), "miss")).toMatchObject({ status: 404 })
    }
    expect((await quotaOf(svc.url, t.key)).requests.used).toBe(151)
  }, 120_000)

  it("expired cache entries give their bytes back before the next decision", async () => {
    const t = await newTenant(svc, "starter")
    expect((await call(svc.url, "PUT", "/api/v1/cache/short?ttl=1", { key: t.key, body: "s".repeat(1000) })).status).toBe(200)
    expect((await call(svc.url, "PUT", "/api/v1/cache/other", { key: t.key, body: "o" })).status).toBe(403)
    await sleep(1_100)
    expect((await call(svc.url, "PUT", "/api/v1/cache/other", { key: t.key, body: "o".repeat(1000) })).status).toBe(200)
    expect((await call(svc.url, "GET", "/api/v1/cache/short", { key: t.key })).status).toBe(404)
    expect((await quotaOf(svc.url, t.key)).storage.redis.used_bytes).toBe(1000)
  })

  it("TTLs are bounded by the tier", async () => {
    const t = await newTenant(svc, "free") // text ≤ 3600 s
    const r = await call(svc.url, "PUT", "/api/v1/cache/k?ttl=3601", { key: t.key, body: "v" })
    expect(r.status).toBe(400)
    expect(r.json).toMatchObject({ error: "invalid_ttl", field: "ttl" })
    expect(r.json.message).toContain("3600")
    expect((await quotaOf(svc.url, t.key)).requests.used).toBe(0)
  })

  it("lookup by cache key counts a request and updates hits and last access", async () => {
    const t = await newTenant(svc, "pro")
    const a = await storeAsset(svc.url, t.key, "mesh", { "content-type": "model/gltf-binary", "x-cache-key": "prompt:castle" })
    for (let i = 1; i <= 3; i++) {
      const hit = await call(svc.url, "GET", "/api/v1/cache/lookup?cache_key=prompt:castle", { key: t.key })
      expect(hit.status).toBe(200)
      expect(hit.json).toMatchObject({ asset_id: a.json.asset_id, hit_count: i, content_type: "model/gltf-binary" })
    }
    const miss = await call(svc.url, "GET", "/api/v1/cache/lookup?cache_key=prompt:dragon", { key: t.key })
    expect(miss.status).toBe(404)
    expect((await quotaOf(svc.url, t.key)).requests.used).toBe(4)
  })

  it("Free: zero storage reads a defined 0 %, assets answer multimodal_not_in_tier", async () => {
    const t = await newTenant(svc, "free")
    const q = await quotaOf(svc.url, t.key)
    expect(q.storage.jettythunder).toMatchObject({ limit_gb: "0", used_gb: "0", available_gb: "0", percent_used: "0.0", limit_bytes: 0 })
    const r = await storeAsset(svc.url, t.key, "pixels")
    expect(r.status).toBe(403)
    expect(r.json).toMatchObject({ error: "multimodal_not_in_tier", tier: "free", upgrade_tier: "starter" })
    expect((await objectsOf(t.userId)).length).toBe(0)
  })

  it("Enterprise: unlimited requests read null, not a huge number", async () => {
    const t = await newTenant(svc, "enterprise")
    const q = await quotaOf(svc.url, t.key)
    expect(q.requests).toMatchObject({ limit: null, available: null, used: 0, percent_used: "0.0" })
    expect(q.storage.jettythunder.limit_gb).toBe("1000")
    expect(q.storage.jettythunder.limit_bytes).toBe(1_000_000_000_000)
  })

  it("another tenant's asset id answers exactly like a missing one", async () => {
    const owner = await newTenant(svc, "pro")
    const other = await newTenant(svc, "pro")
    const a = await storeAsset(svc.url, owner.key, "private")
    const missing = "00000000-0000-4000-8000-000000000000"
    for (const method of ["GET", "DELETE"]) {
      const theirs = await call(svc.url, method, `/api/v1/assets/${a.json.asset_id}`, { key: other.key })
      const none = await call(svc.url, method, `/api/v1/assets/${missing}`, { key: other.key })
      expect(theirs.status).toBe(404)
      expect(none.status).toBe(404)
      expect(theirs.json.error).toBe(none.json.error)
    }
    expect((await call(svc.url, "HEAD", `/api/v1/assets/${a.json.asset_id}`, { key: other.key })).status).toBe(404)
    const lookup = await call(svc.url, "GET", "/api/v1/cache/lookup?cache_key=k", { key: other.key })
    expect(lookup.status).toBe(404)
    expect((await call(svc.url, "GET", `/api/v1/assets/${a.json.asset_id}`, { key: owner.key })).text).toBe("private")
  })

  it("every kind of bad request gets its 4xx JSON and writes nothing", async () => {
    const t = await newTenant(svc, "pro")
    const before = await ledgerRows(t.userId)
    const cases: Array<[string, string, Parameters<typeof call>[3], number, string]> = [
      // a Uint8Array body: fetch adds no Content-Type of its own
      ["POST", "/api/v1/assets", { key: t.key, body: new Uint8Array([120]), headers: { "x-cache-key": "k" } }, 400, "invalid_content_type"],
      ["POST", "/api/v1/assets", { key: t.key, body: "x", headers: { "content-type": "image/png" } }, 400, "invalid_cache_key"],
      ["POST", "/api/v1/assets", {
        key: t.key,
        body: "x",
        headers: { "content-type": "image/png", "x-cache-key": "k", "x-cache-ttl": "-5" }
      }, 400, "invalid_ttl"],
      ["POST", "/api/v1/assets?ttl=99999999", {
        key: t.key,
        body: "x",
        headers: { "content-type": "image/png", "x-cache-key": "k" }
      }, 400, "invalid_ttl"],
      ["POST", "/api/v1/assets", {
        key: t.key,
        body: "x",
        headers: { "content-type": "image/png", "x-cache-key": "k", "idempotency-key": "has space" }
      }, 400, "invalid_idempotency_key"],
      ["POST", "/api/v1/assets", { body: "x", headers: { "content-type": "image/png", "x-cache-key": "k" } }, 401, "unauthorized"],
      ["POST", "/api/v1/assets", { key: "ak_nope", body: "x" }, 401, "unauthorized"],
      ["PUT", "/api/v1/cache/k?ttl=abc", { key: t.key, body: "v" }, 400, "invalid_ttl"],
      ["PUT", "/api/v1/cache/k", { key: t.key, body: new Uint8Array([0xff, 0xfe]) }, 400, "invalid_body"],
      ["PUT", "/api/v1/cache/k", { key: t.key, body: "x".repeat(10_000_001) }, 413, "payload_too_large"],
      ["GET", "/api/v1/cache/lookup", { key: t.key }, 400, "bad_request"],
      ["PUT", "/api/v1/cache/lookup", { key: t.key, body: "v" }, 400, "invalid_cache_key"],
      ["PUT", "/api/v1/cache/has%20space", { key: t.key, body: "v" }, 400, "invalid_cache_key"],
      ["GET", "/api/v1/nothing-here", { key: t.key }, 404, "not_found"],
      ["POST", "/admin/v1/users", { key: t.key, body: "{}", headers: { "content-type": "application/json" } }, 403, "forbidden"],
      ["POST", "/admin/v1/users", {
        key: svc.adminToken,
        body: JSON.stringify({ tier: "gold" }),
        headers: { "content-type": "application/json" }
      }, 400, "bad_request"],
      ["PUT", "/admin/v1/users/no-such-user/tier", {
        key: svc.adminToken,
        body: JSON.stringify({ tier: "pro" }),
        headers: { "content-type": "application/json" }
      }, 400, "invalid_user_id"],
      ["PUT", "/admin/v1/users/00000000-0000-4000-8000-000000000000/tier", {
        key: svc.adminToken,
        body: JSON.stringify({ tier: "pro" }),
        headers: { "content-type": "application/json" }
      }, 404, "not_found"],
      // a NUL byte (or any id the service never issued) is refused before Redis or PostgreSQL sees it
      ["GET", "/api/v1/assets/%00", { key: t.key }, 400, "invalid_asset_id"],
      ["DELETE", "/api/v1/assets/%00", { key: t.key }, 400, "invalid_asset_id"],
      ["PUT", "/admin/v1/users/%00/tier", {
        key: svc.adminToken,
        body: JSON.stringify({ tier: "pro" }),
        headers: { "content-type": "application/json" }
      }, 400, "invalid_user_id"],
      ["PUT", "/api/v1/cache/a%00b", { key: t.key, body: "v" }, 400, "invalid_cache_key"],
      ["GET", "/api/v1/cache/lookup?cache_key=a%00b", { key: t.key }, 400, "invalid_cache_key"],
      ["POST", "/admin/v1/jobs/dance", { key: svc.adminToken }, 400, "bad_request"],
      ["POST", "/admin/v1/users", {
        key: svc.adminToken,
        body: "tier=pro",
        headers: { "content-type": "application/x-www-form-urlencoded" }
      }, 415, "unsupported_media_type"],
      ["PUT", "/api/v1/cache/%ZZ", { key: t.key, body: "v" }, 400, "bad_request"],
      ["GET", "/api/v1/assets/%ZZ", { key: t.key }, 400, "bad_request"],
      ["PUT", `/api/v1/cache/${"a".repeat(513)}`, { key: t.key, body: "v" }, 400, "invalid_cache_key"],
      // past the router's parameter bound: no route takes it (JSON, like every other unknown path)
      ["PUT", `/api/v1/cache/${"a".repeat(5000)}`, { key: t.key, body: "v" }, 404, "not_found"]
    ]
    for (const [method, path, options, status, error] of cases) {
      const r = await call(svc.url, method, path, options)
      expect({ method, path, status: r.status, error: r.json?.error }).toEqual({ method, path, status, error })
      expect(typeof r.json.message).toBe("string")
    }
    expect(await ledgerRows(t.userId)).toBe(before)
    expect((await objectsOf(t.userId)).length).toBe(0)
    const q = await quotaOf(svc.url, t.key)
    expect([q.requests.used, q.storage.redis.used_bytes, q.storage.jettythunder.used_bytes]).toEqual([0, 0, 0])
  })

  it("a cache key of the full 512 characters works; a request Node cannot parse still gets a JSON 400", async () => {
    const t = await newTenant(svc, "pro")
    const key = "k".repeat(512)
    expect((await call(svc.url, "PUT", `/api/v1/cache/${key}`, { key: t.key, body: "long" })).status).toBe(200)
    expect((await call(svc.url, "GET", `/api/v1/cache/${key}`, { key: t.key })).text).toBe("long")
    const { port } = new URL(svc.url)
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), "127.0.0.1", () =>
        socket.write(`POST /api/v1/assets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t.key}\r\nContent-Length: -5\r\n\r\n`))
      let out = ""
      socket.on("data", (d) => (out += String(d)))
      socket.on("end", () => resolve(out))
      socket.on("error", reject)
    })
    expect(raw).toMatch(/^HTTP\/1\.1 400 /)
    expect(JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4))).toMatchObject({ error: "bad_request" })
  })

  it("serves the OpenAPI document and the docs page", async () => {
    const spec = await call(svc.url, "GET", "/openapi.json")
    expect(spec.status).toBe(200)
    expect(spec.json.openapi).toMatch(/^3\./)
    expect(Object.keys(spec.json.paths)).toEqual(expect.arrayContaining(["/api/v1/storage/quota", "/api/v1/assets", "/admin/v1/reports/monthly"]))
    const docs = await call(svc.url, "GET", "/docs")
    expect(docs.status).toBe(200)
    expect(docs.text).toContain("<html")
  })

  it("monthly report: a ratio of sums, defined when revenue is zero; alerts at ≥ 90 % with the right percent", async () => {
    const t = await newTenant(svc, "starter")
    expect((await storeAsset(svc.url, t.key, "q".repeat(950), { "x-cache-key": "big" })).status).toBe(201)
    const alerts = await call(svc.url, "GET", "/admin/v1/alerts", { key: svc.adminToken })
    const mine = alerts.json.alerts.filter((a: { user_id: string }) => a.user_id === t.userId)
    expect(mine).toEqual([expect.objectContaining({ dimension: "storage", percent: "95.0", used: 950, limit: 1000 })])
    expect(mine[0].message).toContain("95.0%")
    const report = await call(svc.url, "GET", "/admin/v1/reports/monthly", { key: svc.adminToken })
    expect(report.status).toBe(200)
    const month = report.json.months[0]
    expect(month.revenue).toMatch(/^\d+\.\d\d$/)
    expect(month.active_users).toBeGreaterThan(0)
    expect(month.paying_users).toBeLessThanOrEqual(month.active_users)
  })
})

describe("a restart keeps all usage", () => {
  it.each(DB_VARIANTS)("on $name", async (variant) => {
    const first = testSettings({ sheetPath: writeTestSheet() })
    const settings = {
      ...first,
      database: variant.name === "pglite" ? { _tag: "Embedded" as const, dir: `${first.dataDir}/pg` } : variant.config()
    }
    let svc = await startService(settings)
    const t = await newTenant(svc, "pro")
    await storeAsset(svc.url, t.key, "r".repeat(1234))
    await call(svc.url, "PUT", "/api/v1/cache/kept", { key: t.key, body: "v".repeat(77) })
    const before = await quotaOf(svc.url, t.key)
    await svc.close()
    svc = await startService(settings)
    try {
      expect(await quotaOf(svc.url, t.key)).toEqual(before)
      // even if Redis forgot the tenant entirely, PostgreSQL brings storage and requests back
      await svc.run(Effect.promise(async () => {
        const { Redis } = await import("ioredis")
        const r = new Redis(settings.redisUrl ? (await import("effect/Redacted")).value(settings.redisUrl) : "")
        const keys = await r.keys(`${settings.keyPrefix}:{${t.userId}}:state`)
        if (keys.length > 0) await r.del(...keys)
        await r.quit()
      }))
      const after = await quotaOf(svc.url, t.key)
      expect(after.storage.jettythunder.used_bytes).toBe(1234)
      expect(after.requests.used).toBe(before.requests.used)
      expect(after.storage.redis.used_bytes).toBe(77)
    } finally {
      await svc.close()
      await dropRedisPrefix(settings.keyPrefix)
    }
  })
})
