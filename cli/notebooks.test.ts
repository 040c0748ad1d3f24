// `econ notebooks --from-ledger --scenario FILE`: notebook 06 shows what the enforcer metered (its monthly report,
// alerts) and the plan against it, from a ledger filled through the enforcer's own HTTP API; the page renders in
// Chromium with its chart and no console error.
import { spawnSync } from "node:child_process"
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import * as Effect from "effect/Effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Database } from "../enforcer/db/Database.ts"
import { meteredMonths } from "../enforcer/db/metered.repository.ts"
import { TimeSource } from "../enforcer/quota/TimeSource.ts"
import { call, newTenant, type RunningService, startService, storeAsset } from "../enforcer/testkit/service.ts"
import { dropRedisPrefix, testSettings } from "../enforcer/testkit/settings.ts"
import { launchBrowser } from "../scenarios/whatif/testBrowser.ts"

const NODE = join(process.cwd(), "node_modules/.bin/node")
const settings = testSettings()
const embedded = { ...settings, database: { _tag: "Embedded" as const, dir: join(settings.dataDir, "pg") } }
const clock = TimeSource.adjustable()
let svc: RunningService | undefined
const out = join(settings.dataDir, "notebooks")
let run: ReturnType<typeof spawnSync>

const SCENARIO = `
name: Live usage test
start: "2026-01"
horizon_months: 2
users:
  start: { starter: 1, pro: 2 }
`

beforeAll(async () => {
  clock.set(Date.UTC(2026, 0, 10, 12))
  const s = await startService(embedded, { time: clock.layer })
  svc = s
  const starter = await newTenant(s, "starter")
  const pro = await newTenant(s, "pro")
  expect((await storeAsset(s.url, pro.key, "p".repeat(3000), { "x-cache-key": "pro-asset" })).status).toBe(201)
  expect((await call(s.url, "GET", "/api/v1/cache/nothing-here", { key: starter.key })).status).toBe(404)
  // the request counters reach the ledger in batches: wait until it shows the one request (no sleep: poll the ledger)
  for (let i = 0; ; i++) {
    const months = await s.run(Effect.flatMap(Database, (d) => d.use(meteredMonths)))
    if (months.some((m) => m.month === "2026-01" && m.requests === 1n)) break
    if (i > 400) throw new Error("the ledger never showed the request")
    await new Promise((r) => setTimeout(r, 25))
  }
  await s.close()
  svc = undefined
  writeFileSync(join(settings.dataDir, "live.yaml"), SCENARIO)
  run = spawnSync(NODE, ["bin/econ.ts", "notebooks", "--out", out, "--runs", "50", "--from-ledger", "--scenario", join(settings.dataDir, "live.yaml")], {
    encoding: "utf8",
    timeout: 120_000,
    env: {
      ...process.env,
      ECON_DATA_DIR: settings.dataDir,
      DATABASE_URL: "",
      REDIS_URL: process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379",
      REDIS_KEY_PREFIX: settings.keyPrefix
    }
  })
}, 180_000)

afterAll(async () => {
  await svc?.close()
  await dropRedisPrefix(settings.keyPrefix)
})

describe("econ notebooks --from-ledger", () => {
  it("writes every notebook and the index", () => {
    expect(run.stderr).toBe("")
    expect(run.status).toBe(0)
    expect(String(run.stdout)).toMatch(/wrote .*06-live-usage\/index\.html/)
  })

  it("notebook 06 shows the ledger's month and the plan against it, money as money", () => {
    const md = readFileSync(join(out, "06-live-usage", "index.md"), "utf8")
    expect(md).toMatch(/the embedded database in /)
    // January: one Starter ($19) and one Pro ($49) user billed
    expect(md).toMatch(/\| Jan 2026 \| 2 \| 2 \| \$68\.00 \|/)
    expect(md).toMatch(/## Plan against actual: Live usage test/)
    // the plan had 2 Pro users, the ledger 1: revenue $49 under plan
    expect(md).toMatch(/\| Revenue \| \$117\.00 \| \$68\.00 \| -\$49\.00 \| -41\.9% \|/)
    expect(md).not.toMatch(/hot_storage|gross_profit/)
  })

  it("renders notebook 06 in Chromium with its chart and no console error", async () => {
    const context = await launchBrowser()
    try {
      const page = await context.newPage()
      const problems: Array<string> = []
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(m.text())
      })
      page.on("pageerror", (e) => problems.push(e.message))
      await page.goto(pathToFileURL(join(out, "06-live-usage", "index.html")).href)
      const sizes = await page.evaluate(() => [...document.querySelectorAll("figure > svg")].map((s) => s.getBoundingClientRect().width))
      expect(sizes).toHaveLength(1)
      expect(sizes[0]).toBeGreaterThan(300)
      expect(problems).toEqual([])
    } finally {
      await context.close()
    }
  })
})
