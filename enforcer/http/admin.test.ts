// Key revocation and the admin API's body limit: a revoked key is refused at once by the instance that revoked it
// and within the key cache's lifetime (keyCacheTtlMs) by every other; an oversized admin body is a JSON 413, read no
// further than the limit.
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { until } from "../testkit/faultBench.ts"
import { type Pair, startPair } from "../testkit/pair.ts"
import { call, newTenant } from "../testkit/service.ts"
import { DB_VARIANTS } from "../testkit/settings.ts"

const KEY_CACHE_TTL_MS = 500

describe.each(DB_VARIANTS)("admin on $name", (variant) => {
  let pair: Pair
  beforeAll(async () => {
    pair = await startPair(variant, { keyCacheTtlMs: KEY_CACHE_TTL_MS, maxAdminBodyBytes: 1_000 })
  })
  afterAll(async () => {
    await pair?.close()
  })

  it("a revoked key is refused at once here and within the key cache's lifetime on the other instance", async () => {
    const t = await newTenant(pair.a, "pro")
    for (const svc of [pair.a, pair.b]) {
      expect((await call(svc.url, "GET", "/api/v1/storage/quota", { key: t.key })).status).toBe(200)
    }
    const r = await call(pair.a.url, "POST", `/admin/v1/users/${t.userId}/revoke`, { key: pair.a.adminToken })
    expect(r.status).toBe(200)
    expect(r.json).toEqual({ user_id: t.userId, revoked_keys: 1 })
    const here = await call(pair.a.url, "GET", "/api/v1/storage/quota", { key: t.key })
    expect([here.status, here.json.error]).toEqual([401, "unauthorized"])
    const start = Date.now()
    await until("the other instance refuses the key", async () =>
      (await call(pair.b.url, "GET", "/api/v1/storage/quota", { key: t.key })).status === 401)
    // the documented bound plus a generous allowance for a loaded machine
    expect(Date.now() - start).toBeLessThan(KEY_CACHE_TTL_MS + 5_000)
    // revoking again revokes nothing; an unknown user is a 404, a malformed id a 400
    expect((await call(pair.a.url, "POST", `/admin/v1/users/${t.userId}/revoke`, { key: pair.a.adminToken })).json)
      .toEqual({ user_id: t.userId, revoked_keys: 0 })
    expect((await call(pair.a.url, "POST", "/admin/v1/users/00000000-0000-4000-8000-000000000000/revoke", {
      key: pair.a.adminToken
    })).status).toBe(404)
    expect((await call(pair.a.url, "POST", "/admin/v1/users/%00/revoke", { key: pair.a.adminToken })).json.error)
      .toBe("invalid_user_id")
  })

  it("an admin JSON body over the limit is a JSON 413, sized or streamed", async () => {
    const body = JSON.stringify({ tier: "pro", padding: "x".repeat(5_000) })
    const sized = await call(pair.a.url, "POST", "/admin/v1/users", {
      key: pair.a.adminToken,
      body,
      headers: { "content-type": "application/json" }
    })
    expect([sized.status, sized.json?.error, sized.json?.limit_bytes]).toEqual([413, "payload_too_large", 1_000])
    const streamed = await fetch(`${pair.a.url}/admin/v1/users`, {
      method: "POST",
      headers: { authorization: `Bearer ${pair.a.adminToken}`, "content-type": "application/json" },
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode(i === 0 ? `{"tier":"pro","p":"` : "y".repeat(1_000)))
          c.enqueue(new TextEncoder().encode(`"}`))
          c.close()
        }
      }),
      duplex: "half"
    } as RequestInit)
    expect(streamed.status).toBe(413)
    expect(((await streamed.json()) as { error: string }).error).toBe("payload_too_large")
    // a body within the limit still works
    expect((await call(pair.a.url, "POST", "/admin/v1/users", {
      key: pair.a.adminToken,
      body: JSON.stringify({ tier: "pro" }),
      headers: { "content-type": "application/json" }
    })).status).toBe(201)
  })
})
