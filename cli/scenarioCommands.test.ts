// The scenario commands end to end, as finance runs them: `econ run` (table, --json contract, --out report, exit codes),
// a malformed file (exit 2, one line, nothing written), sensitivity, goal seek and compare.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Result from "effect/Result"
import { afterAll, describe, expect, it } from "vitest"
import { decodeSummary } from "../scenarios/engine/summaryContract.ts"
import { runEcon } from "./econ.ts"

// in-process: the exit code and output are the command tree's own (cli/econ.test.ts checks the process boundary)
const econ = runEcon

const tmp = mkdtempSync(join(tmpdir(), "econ-cli-"))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe("econ run", () => {
  it("prints the summary contract with --json: the plan's 1,000 Pro users", async () => {
    const r = await econ("run", "scenarios/plan-pro-1000.yaml", "--json")
    expect(r.code).toBe(0)
    const summary = JSON.parse(r.stdout)
    expect(Result.isSuccess(decodeSummary(summary))).toBe(true)
    expect(summary.scenario).toBe("Plan — 1,000 Pro users")
    expect(summary.months[0]).toMatchObject({
      month: "2026-01",
      users: { free: 0, starter: 0, pro: 1000, business: 0, enterprise: 0 },
      revenue: "49000.00",
      costs: { redis: "7500.00", hot_storage: "1000.00", workers: "1000.00", jettythunder_api: "500.00", support: "5000.00" },
      gross_profit: "30997.00",
      fixed: "12500.00",
      net_profit: "18497.00",
      cumulative_net_profit: "18497.00",
      jettythunder_pool: "4000.00"
    })
    expect(summary.break_even_month).toBe("2026-01")
    expect(summary.plan_comparison.find((l: { item: string }) => l.item === "bandwidth").why).toMatch(/Workers/)
  })

  it("exits 1 when a check fails, after printing every check with its figure", async () => {
    const r = await econ("run", "scenarios/q2-2025-targets.yaml")
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/500 paying users\s+≥ 500\s+\d+ in 2025-06\s+PASS/)
    expect(r.stdout).toMatch(/<2% churn.*FAIL/)
  })

  it("writes the report with --out, with Monte Carlo bands and a tornado", async () => {
    const out = join(tmp, "mixed")
    const r = await econ("run", "scenarios/mixed-growth-36m.yaml", "--out", out, "--runs", "300", "--seed", "5", "--workers", "2")
    expect(r.code).toBe(0)
    expect(r.stderr).not.toMatch(/simulating/) // stderr is not a terminal: no progress bar
    const files = readdirSync(out)
    for (const f of ["projection.csv", "summary.json", "report.html", "whatif.html", "revenue-costs.svg", "cost-stack.svg", "margin.svg", "tornado.svg", "break-even.svg"]) {
      expect(files).toContain(f)
    }
    expect(files.some((f) => f.startsWith("mc-"))).toBe(true)
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"))
    expect(summary.monte_carlo).toMatchObject({ runs: 300, seed: 5 })
    expect(summary.monte_carlo.percentiles.net_profit).toHaveLength(36)
    expect(summary.sensitivity.bars.length).toBeGreaterThan(3)
    const csv = readFileSync(join(out, "projection.csv"), "utf8").split("\r\n")
    expect(csv[0]).toMatch(/^month,tier,users,revenue,redis,hot_storage,cold_storage,bandwidth,workers,jettythunder_api,jettyspeed,text_cache,support/)
    expect(csv.filter((l) => l !== "").length).toBe(1 + 36 * 5)
    // the closing notes read as finance would: inputs by name, the rounding in words
    expect(r.stdout).toMatch(/Monte Carlo: 300 runs from seed 5, each drawing 11 inputs \(Sign-ups in month 1, Sign-up growth per month, Conversion to Starter \(monthly\), .*, Pro churn \(monthly\), /)
    expect(r.stdout).toContain("rounded half-even to the cent")
    expect(r.stdout).not.toMatch(/users\.churn|roundMoney/)
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain("Pro churn (monthly)")
  })

  it("refuses a malformed scenario: one line on stderr naming the field, exit 2, nothing written", async () => {
    const bad = join(tmp, "bad.yaml")
    writeFileSync(bad, "name: bad\nstart: '2026-01'\nhorizon_months: 12\nusers:\n  start: { pro: 10 }\n  churn: { pro: 1.5 }\n")
    const out = join(tmp, "bad-out")
    const r = await econ("run", bad, "--out", out)
    expect(r.code).toBe(2)
    expect(r.stdout).toBe("")
    expect(r.stderr.trim().split("\n")).toHaveLength(1)
    expect(r.stderr).toMatch(/^econ: .*bad\.yaml: users\.churn\.pro: Expected a fraction between 0 and 1 \(got 1\.5\)/)
    expect(existsSync(out)).toBe(false)
    expect((await econ("run", join(tmp, "missing.yaml"))).stderr).toMatch(/missing\.yaml: file not found/)
    expect((await econ("run", "scenarios/plan-pro-1000.yaml", "--runs", "x")).code).toBe(2)
  })
})

describe("econ sensitivity, goalseek, compare", () => {
  it("sensitivity: a tornado sorted by swing, and a two-way table", async () => {
    const r = await econ("sensitivity", "scenarios/plan-pro-1000.yaml", "--output", "net_profit", "--pct", "10", "--two-way", "sheet.tiers.pro.price,users.start.pro", "--json")
    expect(r.code).toBe(0)
    const { sensitivity, two_way } = JSON.parse(r.stdout)
    expect(sensitivity.base).toBe("18497.00")
    // ±10% of the $49 price moves revenue and net profit by ±$4,900; ±10% of 1,000 Pro users by ±$3,099.70 (each
    // user brings $49 − $18.003 of variable costs)
    expect(sensitivity.bars[0]).toMatchObject({ input: "sheet.tiers.pro.price", low_value: "44.1", high_value: "53.9", low: "13597.00", high: "23397.00" })
    expect(sensitivity.bars[1]).toMatchObject({ input: "users.start.pro", low_value: "900", high_value: "1100", low: "15397.30", high: "21596.70" })
    expect(two_way.values).toHaveLength(5)
    expect(two_way.values[2][2]).toBe("18497.00")
  })

  it("goalseek: the Pro price that reaches a 70% gross margin (costs $18.003 a user: 60.01)", async () => {
    const r = await econ("goalseek", "scenarios/plan-pro-1000.yaml", "--vary", "sheet.tiers.pro.price", "--target", "gross_margin_pct>=70", "--min", "40", "--max", "100", "--json")
    expect(r.code).toBe(0)
    const result = JSON.parse(r.stdout)
    expect(result).toMatchObject({ _tag: "Found", side: "≥", at: { value: "60.01", figure: "70.000", meets: true }, before: { value: "60", figure: "69.995", meets: false } })
    const unreachable = await econ("goalseek", "scenarios/plan-pro-1000.yaml", "--vary", "users.start.pro", "--target", "gross_margin_pct>=70")
    expect(unreachable.code).toBe(1)
    expect(unreachable.stdout).toMatch(/not reached/)
    expect((await econ("goalseek", "scenarios/plan-pro-1000.yaml", "--vary", "users.nope", "--target", "net_profit>0")).stderr).toMatch(/--vary: "users.nope"/)
  })

  it("compare: B − A per month, and a report with the baseline", async () => {
    const out = join(tmp, "cmp")
    const r = await econ("compare", "scenarios/plan-pro-1000.yaml", "scenarios/optimizations.yaml", "--out", out, "--json")
    expect(r.code).toBe(0)
    const { differences } = JSON.parse(r.stdout)
    const jan = differences.find((d: { month: string; figure: string }) => d.month === "2026-01" && d.figure === "paying_users")
    expect(jan.a).toBe("1000")
    expect(readdirSync(out)).toContain("compare.csv")
  })
})
