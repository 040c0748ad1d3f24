// The engine against the plan's own figures and against closed forms: constant users, geometric churn, conservation
// of users, per-tier rows that add up to the month.
import { fc, test } from "@fast-check/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Result from "effect/Result"
import { describe, expect, it } from "vitest"
import { formatMoney, sumMoney, TIER_IDS } from "../../model/index.ts"
import { loadScenario } from "../scenario/load.ts"
import { LINES, prepare } from "./prepare.ts"
import { project, type Projection } from "./project.ts"
import { projectionRows, summaryJson } from "./summaryJson.ts"
import { scenarioOf } from "./testScenario.ts"

const line = (p: Projection, i: number, name: (typeof LINES)[number]) => formatMoney(p.months[i]!.lines[LINES.indexOf(name)]!)

describe("the plan's 1,000 Pro users (scenarios/plan-pro-1000.yaml)", () => {
  const loaded = Result.getOrThrow(loadScenario("scenarios/plan-pro-1000.yaml"))
  const p = project(prepare(loaded.state), { detail: true })
  const pj = loaded.state.sheet.stated.projection_pro_1000

  it("reproduces the plan's revenue and each of its cost lines exactly, every month", () => {
    for (let i = 0; i < 12; i++) {
      expect(formatMoney(p.months[i]!.revenue)).toBe(formatMoney(pj.revenue)) // 49000.00
      expect(line(p, i, "redis")).toBe(formatMoney(pj.redis)) // 7500.00
      expect(line(p, i, "hot_storage")).toBe(formatMoney(pj.lyve_storage)) // 1000.00
      expect(line(p, i, "cold_storage")).toBe("0.00")
      expect(line(p, i, "jettythunder_api")).toBe(formatMoney(pj.jettythunder_api)) // 500.00
      expect(line(p, i, "support")).toBe(formatMoney(pj.support)) // 5000.00
      // the plan's "Bandwidth (Cloudflare)" $1,000 is the Workers line; bandwidth itself is 50 GB × $0.05 × 1,000
      expect(line(p, i, "workers")).toBe(formatMoney(pj.bandwidth))
      expect(line(p, i, "bandwidth")).toBe("2500.00")
      expect(line(p, i, "jettyspeed")).toBe("500.00")
      expect(line(p, i, "text_cache")).toBe("3.00")
      expect(p.months[i]!.users).toEqual([0, 0, 1000, 0, 0])
    }
  })

  it("adds up: the plan's listed lines are its $15,000; all lines and fixed costs give the engine's net profit", () => {
    const m = p.months[0]!
    const listed = sumMoney(["redis", "hot_storage", "workers", "jettythunder_api", "support"].map((l) => m.lines[LINES.indexOf(l as (typeof LINES)[number])]!))
    expect(formatMoney(listed)).toBe(formatMoney(pj.total_costs))
    expect(formatMoney(m.variableCosts)).toBe("18003.00")
    expect(formatMoney(m.grossProfit)).toBe("30997.00")
    expect(formatMoney(m.fixed)).toBe("12500.00")
    expect(formatMoney(m.netProfit)).toBe("18497.00")
    expect(formatMoney(p.months[11]!.cumulativeNetProfit)).toBe("221964.00")
    // the JettyThunder pool is the plan's internal cost of $4.00 per Pro user (storage $1 + bandwidth $2.50 + API $0.50)
    expect(formatMoney(m.jettythunderPool)).toBe("4000.00")
    expect(p.breakEvenIndex).toBe(0)
  })

  it("per-tier CSV rows add up to the month's figures", () => {
    const rows = projectionRows(p)
    const summary = summaryJson(p)
    for (const m of summary.months) {
      const own = rows.filter((r) => r.month === m.month)
      expect(own.map((r) => r.tier)).toEqual([...TIER_IDS])
      const total = (col: string) => formatMoney(sumMoney(own.map((r) => BigDecimal.fromStringUnsafe(String(r[col])))))
      expect(total("revenue")).toBe(m.revenue)
      for (const l of LINES) expect(total(l)).toBe(m.costs[l])
      expect(total("gross_profit")).toBe(m.gross_profit)
      expect(total("jettythunder_pool")).toBe(m.jettythunder_pool)
    }
  })
})

describe("closed forms", () => {
  const users = fc.record({
    free: fc.integer({ min: 0, max: 5000 }),
    starter: fc.integer({ min: 0, max: 5000 }),
    pro: fc.integer({ min: 0, max: 5000 }),
    business: fc.integer({ min: 0, max: 500 }),
    enterprise: fc.integer({ min: 0, max: 50 })
  })

  test.prop([users, fc.integer({ min: 1, max: 36 })], { numRuns: 40 })(
    "constant users: every month is the same, cumulative net profit is t × the first month's",
    (start, months) => {
      const p = project(prepare(scenarioOf({ horizon_months: months, users: { start } }).state))
      const first = p.months[0]!
      p.months.forEach((m, i) => {
        expect(m.users).toEqual(TIER_IDS.map((t) => start[t]))
        expect(BigDecimal.equals(m.revenue, first.revenue)).toBe(true)
        expect(BigDecimal.equals(m.cumulativeNetProfit, BigDecimal.multiply(first.netProfit, BigDecimal.fromBigInt(BigInt(i + 1))))).toBe(true)
      })
    }
  )

  test.prop([fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 60 })], { numRuns: 60 })(
    "geometric churn: users stay within one user of N0·(1 − c)^t (the carry keeps rounding from compounding)",
    (n0, churnPpm, months) => {
      const churn = BigDecimal.make(BigInt(churnPpm), 6)
      const p = project(prepare(scenarioOf({ horizon_months: months, users: { start: { pro: n0 }, churn: { pro: BigDecimal.format(churn) } } }).state))
      const keep = 1_000_000n - BigInt(churnPpm)
      let scale = 1n
      let exact = BigInt(n0) // N0 · keep^t, in units of 10^-6t users
      p.months.forEach((m) => {
        scale *= 1_000_000n
        exact *= keep
        const n = BigInt(m.users[2]!)
        const diff = n * scale - exact
        // |N_t − N0(1 − c)^t| < 1
        expect(diff < scale && diff > -scale).toBe(true)
      })
    }
  )

  test.prop(
    [
      users,
      fc.record({ free: fc.integer({ min: 0, max: 200_000 }), pro: fc.integer({ min: 0, max: 100_000 }), business: fc.integer({ min: 0, max: 100_000 }) }),
      fc.integer({ min: 0, max: 2000 }),
      fc.integer({ min: 1, max: 24 })
    ],
    { numRuns: 40 }
  )("users are conserved: next = last − churned + sign-ups, never negative, all whole", (start, rates, signups, months) => {
    const ppm = (n: number) => BigDecimal.format(BigDecimal.make(BigInt(Math.floor(n)), 6))
    const loaded = scenarioOf({
      horizon_months: months,
      users: {
        start,
        signups: { per_month: signups, mix: { free: 0.7, starter: 0.15, pro: 0.1, business: 0.049, enterprise: 0.001 } },
        conversion: { starter: ppm(rates.free / 4), pro: ppm(rates.free / 8) },
        upgrade: { starter: ppm(rates.pro), pro: ppm(rates.business), business: ppm(rates.business / 2) },
        downgrade: { starter: ppm(rates.pro / 3), pro: ppm(rates.pro), business: ppm(rates.business), enterprise: 0.01 },
        churn: { free: ppm(rates.free), starter: ppm(rates.pro), pro: ppm(rates.pro), business: ppm(rates.business), enterprise: 0.02 }
      }
    })
    const p = project(prepare(loaded.state))
    let before = TIER_IDS.reduce((a, t) => a + start[t], 0)
    for (const m of p.months) {
      for (const n of m.users) expect(Number.isSafeInteger(n) && n >= 0).toBe(true)
      const after = m.users.reduce((a, b) => a + b, 0)
      const churned = m.churned.reduce((a, b) => a + b, 0)
      const joined = m.signups.reduce((a, b) => a + b, 0)
      expect(after).toBe(before - churned + joined)
      before = after
    }
  })

  it("sign-ups: a constant 10.5 a month joins as 10, 11, 10, 11, … (the half carries)", () => {
    const p = project(prepare(scenarioOf({ horizon_months: 6, users: { start: {}, signups: { per_month: 10.5, mix: { pro: 1 } } } }).state))
    expect(p.months.map((m) => m.signups[2])).toEqual([10, 11, 10, 11, 10, 11])
  })

  it("a usage ramp longer than the horizon builds tables for the horizon only, and books each month as the ramp says", () => {
    const run = (storage: unknown) => prepare(scenarioOf({ horizon_months: 12, users: { start: { pro: 1000 } }, usage: { pro: { storage } } }).state)
    // a ramp over 1,000,000 months once built 1,000,001 tables (minutes) for the 12 months shown
    const long = run({ from: 1, to: 0, months: 1_000_000 })
    expect(long.tables).toHaveLength(12)
    // its month 12 stores 1 − 11/1,000,000 of the allowance: $999.99 of a full allowance's $1,000.00
    expect(line(project(long), 11, "hot_storage")).toBe(line(project(run("0.999989")), 0, "hot_storage"))
    expect(line(project(long), 11, "hot_storage")).not.toBe(line(project(long), 0, "hot_storage"))
  })

  it("compounding sign-ups follow start·(1 + g)^t to within a user", () => {
    const p = project(prepare(scenarioOf({ horizon_months: 24, users: { start: {}, signups: { per_month: { start: 100, growth: 0.1 }, mix: { pro: 1 } } } }).state))
    let cumulative = 0
    let exact = 0
    p.months.forEach((m, i) => {
      cumulative += m.signups[2]!
      exact += 100 * 1.1 ** i
      expect(Math.abs(cumulative - exact)).toBeLessThan(1)
    })
  })
})
