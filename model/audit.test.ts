// The audit on the plan: each expected finding with its stated → computed figures, the shape of every finding, and the
// law that a sheet stating what the model computes has no arithmetic findings.
import { fc, test } from "@fast-check/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Result from "effect/Result"
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import YAML from "yaml"
import { audit, CODE_FINDINGS, FINDING_KINDS, restatedFigures, statedPercentHolds } from "./audit.ts"
import { money } from "./money.ts"
import { decodeSheet, encodeSheet, type Sheet } from "./sheet.ts"

const raw = () => YAML.parse(readFileSync(new URL("./price-sheet.yaml", import.meta.url), "utf8"))
const sheet = Result.getOrThrow(decodeSheet(raw()))
const report = audit(sheet)
const byId = new Map(report.findings.map((f) => [f.id, f]))
const figure = (id: string) => {
  const f = byId.get(id)
  if (f === undefined) throw new Error(`no finding ${id}; have ${[...byId.keys()].join(", ")}`)
  return [f.kind, f.stated, f.computed] as const
}

describe("audit of the plan", () => {
  it("tier tables: Starter 2.80 vs 2.60 (margin 14.20 / 75 %), Business 35 vs 39.01, Pro omits bandwidth", () => {
    expect(figure("tiers.starter.cost_to_us")).toEqual(["arithmetic", "2.80", "2.60"])
    expect(figure("tiers.starter.margin")).toEqual(["arithmetic", "14.20", "16.40"])
    expect(figure("tiers.starter.margin_pct")).toEqual(["arithmetic", "75", "86.3"])
    expect(figure("tiers.business.cost_to_us")).toEqual(["arithmetic", "35.00", "39.01"])
    expect(figure("tiers.business.margin")).toEqual(["arithmetic", "114.00", "109.99"])
    expect(figure("tiers.business.margin_pct")).toEqual(["arithmetic", "77", "73.8"])
    expect(figure("tiers.pro.cost_to_us.bandwidth")).toEqual(["omission", "10.50", "13.00"])
    expect(byId.get("tiers.pro.cost_to_us.bandwidth")!.explanation).toMatch(/50 GB → \$2\.50/)
  })
  it("Pro's own figures hold: cost 10.50, margin 38.50, 79 % (78.57 rounds to the plan's whole percent)", () => {
    for (const id of ["tiers.pro.cost_to_us", "tiers.pro.margin", "tiers.pro.margin_pct", "tiers.free.cost_to_us"]) {
      expect(byId.has(id)).toBe(false)
      expect(report.checks.find((c) => c.id === id)?.status).toBe("holds")
    }
  })
  it("transfer record and accounting model", () => {
    for (const id of ["storage", "bandwidth", "api_calls", "total", "charged_to_user", "margin"]) {
      expect(byId.has(`transfer_record.${id}`)).toBe(false)
    }
    expect(figure("transfer_record.margin.full_cost")).toEqual(["omission", "45.00", "36.00"])
    expect(byId.get("transfer_record.margin.full_cost")!.explanation).toMatch(/Redis \$7\.50, Cloudflare Workers \$1\.00, JettySpeed \$0\.50/)
    expect(figure("accounting_model.vs_cost_to_us")).toEqual(["omission", "10.50", "12.50"])
    expect(figure("accounting_model.jettyspeed")).toEqual(["omission", "12.50", "13.00"])
  })
  it("cold storage is 92 % cheaper, not 80 %; the dedup saving is a constant", () => {
    expect(figure("cold_storage_saving_pct")).toEqual(["claim", "80", "92.0"])
    expect(figure("code.dedup_constant")[0]).toBe("code")
    expect(byId.get("code.dedup_constant")!.explanation).toMatch(/50 GB duplicate/)
  })
  it("the 1,000-Pro projection: bandwidth is the Workers line, JettySpeed and fixed costs are missing", () => {
    expect(figure("projection_pro_1000.bandwidth")).toEqual(["omission", "1000.00", "2500.00"])
    expect(figure("projection_pro_1000.jettyspeed")).toEqual(["omission", "absent", "500.00"])
    expect(figure("projection_pro_1000.total_costs")).toEqual(["omission", "15000.00", "27500.00"])
    expect(figure("projection_pro_1000.net_profit")).toEqual(["omission", "34000.00", "21500.00"])
    expect(figure("projection_pro_1000.margin_pct")).toEqual(["omission", "69", "43.9"])
    expect(figure("projection_pro_1000.annual_profit")).toEqual(["omission", "408000.00", "258000.00"])
    expect(byId.get("projection_pro_1000.net_profit")!.explanation).toMatch(/\$18,500\.00/)
    expect(byId.get("projection_pro_1000.annual_profit")!.explanation).toMatch(/\$222,000\.00/)
  })
  it("break-even: 325 Pro users, not 120 (374 with support); 120 users lose 7,880.00", () => {
    expect(figure("break_even.users")).toEqual(["arithmetic", "120", "325"])
    expect(byId.get("break_even.users")!.explanation).toMatch(/support per user: 374/)
    expect(figure("break_even.profit")).toEqual(["arithmetic", "2380.00", "-7880.00"])
    expect(figure("break_even.margin_pct")).toEqual(["arithmetic", "30", "-134.0"])
    expect(byId.has("break_even.revenue")).toBe(false)
  })
  it("success metrics: ARPU 49 means all Pro; 70 % margin does not hold", () => {
    expect(figure("success_metrics.revenue")).toEqual(["claim", "24500.00 from 500 users", "ARPU 49.00 = the Pro price"])
    expect(figure("success_metrics.margin_pct_min")).toEqual(["claim", "≥ 70", "17.3"])
  })
  it("'positive unit economics at 100 users' holds: unit economics are before fixed costs (one rule with the scenario check)", () => {
    // 100 Pro users: $49 − $10.50 tier costs − $5 support = $33.50 each; the −$9,150 after $12,500 fixed is break-even's question
    expect(byId.has("success_metrics.positive_unit_economics_users")).toBe(false)
    expect(report.checks.find((c) => c.id === "success_metrics.positive_unit_economics_users")?.status).toBe("holds")
  })
  it("lists the sample-code bugs", () => {
    const code = report.findings.filter((f) => f.kind === "code").map((f) => f.id)
    expect(code).toEqual(expect.arrayContaining([
      "code.gib_vs_gb",
      "code.decimal_10_2",
      "code.decimal_string_concat",
      "code.percent_zero_limit",
      "code.alert_usage_percent",
      "code.tiering_timestamp",
      "code.tiering_gap",
      "code.dashboard_avg_margin",
      "code.dashboard_month",
      "code.check_then_update",
      "code.dedup_constant"
    ]))
    expect(byId.get("code.gib_vs_gb")!.explanation).toMatch(/21\.47 GB/)
    expect(byId.get("code.dashboard_avg_margin")!.explanation).toMatch(/80\.1%.*75\.2%/)
  })
  it("every finding is complete, has a known kind and a unique, stable id", () => {
    expect(new Set(report.findings.map((f) => f.id)).size).toBe(report.findings.length)
    for (const f of report.findings) {
      expect(FINDING_KINDS).toContain(f.kind)
      for (const v of [f.id, f.figure, f.where, f.stated, f.computed, f.explanation]) expect(v.length).toBeGreaterThan(0)
      // a recomputed figure that does not hold is a failed check; a code finding held as data is no check at all
      const isData = CODE_FINDINGS.some((c) => c.id === f.id)
      expect(report.checks.find((c) => c.id === f.id)?.status).toBe(isData ? undefined : "fails")
    }
    expect(audit(sheet).findings.map((f) => f.id)).toEqual(report.findings.map((f) => f.id))
  })
  it("the code bugs that hold whatever the sheet says are data: every one is listed, none is counted as a check", () => {
    expect(CODE_FINDINGS).toHaveLength(10)
    const listed = report.findings.filter((f) => f.kind === "code").map((f) => f.id)
    expect(listed).toEqual(expect.arrayContaining(CODE_FINDINGS.map((c) => c.id)))
    expect(report.checks.filter((c) => c.id.startsWith("code.")).map((c) => c.id)).toEqual(["code.percent_zero_limit"])
  })
  it("a percent of a zero storage limit is found only where a tier has one (Free: 0 GB)", () => {
    expect(report.checks.find((c) => c.id === "code.percent_zero_limit")?.status).toBe("fails")
    expect(byId.get("code.percent_zero_limit")!.explanation).toMatch(/^Free has a 0 GB storage limit/)
    const noZero: Sheet = {
      ...sheet,
      tiers: sheet.tiers.map((t) => (t.id === "free" ? { ...t, limits: { ...t.limits, storage_gb: money("1") } } : t))
    }
    const r = audit(noZero)
    expect(r.checks.find((c) => c.id === "code.percent_zero_limit")?.status).toBe("holds")
    expect(r.findings.some((f) => f.id === "code.percent_zero_limit")).toBe(false)
  })
  it("filters by kind", () => {
    const code = audit(sheet, { kinds: ["code"] }).findings
    expect(code.length).toBeGreaterThan(0)
    expect(code.every((f) => f.kind === "code")).toBe(true)
  })
  it("a stated percent holds at the plan's own precision", () => {
    expect(statedPercentHolds(money("79"), money("38.50"), money("49"))).toBe(true)
    expect(statedPercentHolds(money("78.6"), money("38.50"), money("49"))).toBe(true)
    expect(statedPercentHolds(money("78.5"), money("38.50"), money("49"))).toBe(false)
    expect(statedPercentHolds(money("50"), money("1"), money("0"))).toBe(false)
  })
})

describe("restated figures", () => {
  const restate = (s: Sheet): Sheet => ({ ...s, stated: restatedFigures(s) })
  it("leave no arithmetic or claim-on-figures findings, and survive encode → decode", () => {
    const fixed = restate(sheet)
    expect(audit(fixed, { kinds: ["arithmetic"] }).findings).toEqual([])
    expect(audit(fixed).findings.some((f) => f.id === "cold_storage_saving_pct")).toBe(false)
    const again = Result.getOrThrow(decodeSheet(JSON.parse(JSON.stringify(encodeSheet(fixed)))))
    expect(audit(again, { kinds: ["arithmetic"] }).findings).toEqual([])
  })
  test.prop([
    fc.integer({ min: 1, max: 400 }).map((c) => BigDecimal.make(BigInt(c), 3)),
    fc.integer({ min: 100, max: 30_000 }).map((c) => BigDecimal.make(BigInt(c), 2)),
    fc.integer({ min: 0, max: 5_000_000 }).map((c) => BigDecimal.make(BigInt(c), 2))
  ], { numRuns: 25 })(
    "for other prices too: auditing what the model computes finds no arithmetic error",
    (redisPerMb, proPrice, fixedDev) => {
      const s: Sheet = {
        ...sheet,
        unit_prices: { ...sheet.unit_prices, redis_per_mb_month: redisPerMb },
        fixed_costs: { ...sheet.fixed_costs, development: fixedDev },
        tiers: sheet.tiers.map((t) => (t.id === "pro" ? { ...t, price: proPrice } : t))
      }
      expect(audit(restate(s), { kinds: ["arithmetic"] }).findings).toEqual([])
    }
  )
})
