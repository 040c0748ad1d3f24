// Plan against actual end to end: a ledger filled through the enforcer's own HTTP API over two months (users created,
// assets stored and downloaded, cache requests, a rollover, an upgrade), then `econ variance --from-ledger` reads it
// from the embedded database and sets it beside a scenario's projection, line by line.
import { spawnSync } from "node:child_process"
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Database } from "../enforcer/db/Database.ts"
import { meteredMonths } from "../enforcer/db/metered.repository.ts"
import { TimeSource } from "../enforcer/quota/TimeSource.ts"
import { call, newTenant, type RunningService, startService, storeAsset } from "../enforcer/testkit/service.ts"
import { dropRedisPrefix, TEST_DATABASE_URL, testSettings, uniqueId } from "../enforcer/testkit/settings.ts"
import { runEcon } from "./econ.ts"
import type { VarianceJson } from "./variance.ts"

const NODE = join(process.cwd(), "node_modules/.bin/node")
const settings = testSettings()
const embedded = { ...settings, database: { _tag: "Embedded" as const, dir: join(settings.dataDir, "pg") } }
const clock = TimeSource.adjustable()
let svc: RunningService | undefined

// prices far above the sheet's so that a test-sized ledger (bytes, a few requests) costs whole dollars
const SCENARIO = `
name: Variance test
start: "2026-01"
horizon_months: 3
users:
  start: { starter: 2, pro: 1 }
overrides:
  unit_prices:
    bandwidth_per_gb: 1000000        # $1.00 per 1,000 bytes
    lyve_per_gb_month: 1000000
    text_cache_per_100k_requests: 100000   # $1.00 per request
`

const econ = (...args: ReadonlyArray<string>) => econWith({ ECON_DATA_DIR: settings.dataDir, DATABASE_URL: "" }, ...args)
const econWith = (env: Record<string, string>, ...args: ReadonlyArray<string>) =>
  spawnSync(NODE, ["bin/econ.ts", ...args], { encoding: "utf8", timeout: 120_000, env: { ...process.env, ...env } })

const admin = (s: RunningService, method: string, path: string, body?: unknown) =>
  call(s.url, method, path, {
    key: s.adminToken,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } })
  })

/** Waits until the ledger shows `requests` counted requests in `month` (counters may be committed in batches). */
const untilCounted = async (s: RunningService, month: string, requests: number) => {
  for (let i = 0; i < 200; i++) {
    const months = await s.run(Effect.flatMap(Database, (d) => d.use(meteredMonths)))
    if (months.some((m) => m.month === month && m.requests === BigInt(requests))) return
    await new Promise((r) => setImmediate(r))
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`the ledger never showed ${requests} requests in ${month}`)
}

let result: VarianceJson

beforeAll(async () => {
  clock.set(Date.UTC(2026, 0, 10, 12))
  const s = await startService(embedded, { time: clock.layer })
  svc = s
  const starterA = await newTenant(s, "starter")
  const starterB = await newTenant(s, "starter")
  const pro = await newTenant(s, "pro")
  const asset = await storeAsset(s.url, pro.key, "p".repeat(2000), { "x-cache-key": "pro-asset" })
  expect(asset.status).toBe(201)
  expect((await storeAsset(s.url, starterA.key, "s".repeat(1000), { "x-cache-key": "starter-asset" })).status).toBe(201)
  for (let i = 0; i < 2; i++) expect((await call(s.url, "GET", `/api/v1/assets/${asset.json.asset_id}`, { key: pro.key })).status).toBe(200)
  expect((await call(s.url, "PUT", "/api/v1/cache/a", { key: pro.key, body: "hello", headers: { "content-type": "text/plain" } })).status).toBeLessThan(300)
  expect((await call(s.url, "GET", "/api/v1/cache/a", { key: pro.key })).status).toBe(200)
  expect((await call(s.url, "GET", "/api/v1/cache/a", { key: starterB.key })).status).toBe(404)
  await untilCounted(s, "2026-01", 3)

  // February: the month's subscriptions, one upgrade, one more download
  clock.set(Date.UTC(2026, 1, 10, 12))
  expect((await admin(s, "POST", "/admin/v1/jobs/rollover")).status).toBe(200)
  expect((await admin(s, "PUT", `/admin/v1/users/${starterB.userId}/tier`, { tier: "pro" })).status).toBe(200)
  expect((await call(s.url, "GET", `/api/v1/assets/${asset.json.asset_id}`, { key: pro.key })).status).toBe(200)
  // the text entry's TTL (a day at most for Pro) has run out a month later: a miss, still a counted request
  expect((await call(s.url, "GET", "/api/v1/cache/a", { key: pro.key })).status).toBe(404)
  await untilCounted(s, "2026-02", 1)
  await s.close()
  svc = undefined

  writeFileSync(join(settings.dataDir, "variance.yaml"), SCENARIO)
  const r = econ("variance", join(settings.dataDir, "variance.yaml"), "--from-ledger", "--json", "--out", join(settings.dataDir, "out"))
  if (r.status !== 0) throw new Error(`econ variance exited ${r.status}: ${r.stderr}`)
  result = JSON.parse(r.stdout)
}, 180_000)

afterAll(async () => {
  await svc?.close()
  await dropRedisPrefix(settings.keyPrefix)
})

const line = (rows: VarianceJson["total"], name: string) => rows.find((l) => l.line === name)!

describe("econ variance --from-ledger", () => {
  it("joins the metered months with the projection's", () => {
    expect(result.scenario).toBe("Variance test")
    expect(result.months.map((m) => m.month)).toEqual(["2026-01", "2026-02"])
  })

  it("January as planned in users and revenue; usage lines priced on the metered bytes and requests", () => {
    const jan = result.months[0]!
    expect(jan.metered).toMatchObject({ month: "2026-01", users: { starter: 2, pro: 1 }, revenue: "87.00", requests: 3, bandwidth_bytes: 4000, storage_bytes: 3000 })
    expect(jan.users.filter((u) => u.plan !== 0 || u.actual !== 0)).toEqual([
      { tier: "starter", plan: 2, actual: 2, variance: 0, variance_pct: "0.0" },
      { tier: "pro", plan: 1, actual: 1, variance: 0, variance_pct: "0.0" }
    ])
    expect(line(jan.money, "revenue")).toMatchObject({ plan: "87.00", actual: "87.00", variance: "0.00", variance_pct: "0.0" })
    expect(line(jan.money, "bandwidth").actual).toBe("4.00")
    expect(line(jan.money, "hot_storage").actual).toBe("3.00")
    expect(line(jan.money, "text_cache").actual).toBe("3.00")
    // per-user lines are priced as the projection prices them: same users, same amounts
    for (const l of ["workers", "jettythunder_api", "jettyspeed", "support"]) {
      expect(line(jan.money, l).variance, l).toBe("0.00")
    }
  })

  it("February: the upgrade shows as one Starter fewer and one Pro more than planned, revenue $30 over plan", () => {
    const feb = result.months[1]!
    expect(feb.metered).toMatchObject({ requests: 1, bandwidth_bytes: 2000, storage_bytes: 3000 })
    expect(feb.users.find((u) => u.tier === "starter")).toEqual({ tier: "starter", plan: 2, actual: 1, variance: -1, variance_pct: "-50.0" })
    expect(feb.users.find((u) => u.tier === "pro")).toEqual({ tier: "pro", plan: 1, actual: 2, variance: 1, variance_pct: "100.0" })
    expect(line(feb.money, "revenue")).toMatchObject({ plan: "87.00", actual: "117.00", variance: "30.00", variance_pct: "34.5" })
  })

  it("every variance is actual − plan, gross profit is revenue − variable costs, and the total sums the months", () => {
    const cents = (s: string) => Math.round(Number(s) * 100)
    for (const rows of [...result.months.map((m) => m.money), result.total]) {
      for (const l of rows) expect(cents(l.variance), l.line).toBe(cents(l.actual) - cents(l.plan))
      const v = (name: string, k: "plan" | "actual") => cents(line(rows, name)[k])
      for (const k of ["plan", "actual"] as const) expect(v("gross_profit", k)).toBe(v("revenue", k) - v("variable_costs", k))
    }
    for (const l of result.total) {
      expect(cents(l.actual)).toBe(result.months.reduce((a, m) => a + cents(line(m.money, l.line).actual), 0))
    }
  })

  it("writes the chart and the JSON with --out, and prints a table without --json", () => {
    const svg = readFileSync(join(settings.dataDir, "out", "variance.svg"), "utf8")
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/)
    expect(svg).toContain("Plan against actual: Variance test")
    expect(existsSync(join(settings.dataDir, "out", "variance.json"))).toBe(true)
    const r = econ("variance", join(settings.dataDir, "variance.yaml"), "--from-ledger")
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/2026-02: Variance test against what the enforcer metered/)
    expect(r.stdout).toMatch(/Pro users\s+1\s+2\s+\+1\s+\+100\.0%/)
  })

  it("--actual reads the metered months back from that JSON (no database): the same variance", async () => {
    const file = join(settings.dataDir, "actual.json")
    writeFileSync(file, JSON.stringify(result))
    const r = await runEcon("variance", join(settings.dataDir, "variance.yaml"), "--actual", file, "--json")
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual(result)
    writeFileSync(file, JSON.stringify([{ month: "2026-01", users: { pro: "one" } }]))
    const bad = await runEcon("variance", join(settings.dataDir, "variance.yaml"), "--actual", file)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--actual .*actual\.json: expected `econ variance --json` output/)
    expect((await runEcon("variance", join(settings.dataDir, "variance.yaml"))).code).toBe(2)
  })

  it("a scenario outside the ledger's months is a usage error naming both ranges (exit 2)", () => {
    writeFileSync(join(settings.dataDir, "later.yaml"), SCENARIO.replace('"2026-01"', '"2030-01"'))
    const r = econ("variance", join(settings.dataDir, "later.yaml"), "--from-ledger")
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/2026-01 … 2026-02.*2030-01 … 2030-03.*do not overlap/)
  })
})

describe("econ variance --from-ledger with DATABASE_URL (a PostgreSQL server)", () => {
  it("reads the same ledger shape from the server: a Pro user created through the API is January's one Pro user", async () => {
    const schema = uniqueId("variance")
    const server = testSettings({ database: { _tag: "Server", url: Redacted.make(TEST_DATABASE_URL), schema } })
    const time = TimeSource.adjustable()
    time.set(Date.UTC(2026, 0, 20, 12))
    const s = await startService(server, { time: time.layer })
    try {
      await newTenant(s, "pro")
    } finally {
      await s.close()
      await dropRedisPrefix(server.keyPrefix)
    }
    const url = new URL(TEST_DATABASE_URL)
    url.searchParams.set("options", `-c search_path=${schema}`)
    writeFileSync(join(server.dataDir, "one-pro.yaml"), "name: One Pro\nstart: \"2026-01\"\nhorizon_months: 1\nusers: { start: { pro: 1 } }\n")
    const r = econWith({ DATABASE_URL: url.toString(), ECON_DATA_DIR: server.dataDir }, "variance", join(server.dataDir, "one-pro.yaml"), "--from-ledger", "--json")
    expect(r.status, r.stderr).toBe(0)
    const v: VarianceJson = JSON.parse(r.stdout)
    expect(v.months.map((m) => m.month)).toEqual(["2026-01"])
    expect(v.months[0]!.users.find((u) => u.tier === "pro")).toEqual({ tier: "pro", plan: 1, actual: 1, variance: 0, variance_pct: "0.0" })
    expect(line(v.months[0]!.money, "revenue")).toMatchObject({ plan: "49.00", actual: "49.00", variance: "0.00" })
    // the schema stays, as every suite's does: dropping one while another file migrates races PostgreSQL's catalog
  }, 120_000)
})
