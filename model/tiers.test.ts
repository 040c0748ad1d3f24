// Tier economics on the plan's own numbers, and the laws every tier table obeys.
import * as Result from "effect/Result"
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import YAML from "yaml"
import { formatMoney, formatPercent } from "./money.ts"
import { decodeSheet, TIER_IDS } from "./sheet.ts"
import { allTierEconomics, isPayingTier, limitsOf, payingUsersOf, tierEconomics, tiersByPrice, tierTable, ttlCeiling, ttlProblem } from "./tiers.ts"
import { tierOf } from "./sheet.ts"

const sheet = Result.getOrThrow(decodeSheet(YAML.parse(readFileSync(new URL("./price-sheet.yaml", import.meta.url), "utf8"))))

describe("tier economics", () => {
  it("Pro: 7.50 + 1.00 + 1.00 + 0.50 + 0.50 = 10.50, margin 38.50, 78.6 %", () => {
    const e = tierEconomics(sheet, "pro")
    const lines = Object.fromEntries(e.lines.map((l) => [l.name, formatMoney(l.amount)]))
    expect(lines).toEqual({
      redis: "7.50",
      lyve_storage: "1.00",
      text_cache: "0.00",
      workers: "1.00",
      jettythunder_api: "0.50",
      jettyspeed: "0.50"
    })
    expect(formatMoney(e.cost)).toBe("10.50")
    expect(formatMoney(e.margin)).toBe("38.50")
    expect(formatPercent(e.marginPct!)).toBe("78.6")
  })
  it("Starter costs 2.60 (the plan says 2.80); Business 39.01 (the plan says 35)", () => {
    expect(formatMoney(tierEconomics(sheet, "starter").cost)).toBe("2.60")
    expect(formatMoney(tierEconomics(sheet, "business").cost)).toBe("39.01")
  })
  it("Free has no margin percent (price 0) and costs the plan's 0.50", () => {
    const e = tierEconomics(sheet, "free")
    expect(e.marginPct).toBeUndefined()
    expect(formatMoney(e.cost)).toBe("0.50")
  })
  // worked by hand from the sheet: MB × $0.015, GB × $0.05, requests / 100,000 × $0.002, then the flat lines
  it.each([
    ["free", ["0.15", "0.00", "0.00", "0.35", "0.00", "0.00"], "0.50", "-0.50", undefined], // 10 MB; 1,000 requests = $0.00002
    ["starter", ["1.50", "0.10", "0.00", "0.50", "0.50", "0.00"], "2.60", "16.40", "86.3"], // 100 MB, 2 GB, 25,000 req = $0.0005
    ["business", ["30.00", "5.00", "0.01", "2.00", "1.00", "1.00"], "39.01", "109.99", "73.8"], // 2,000 MB, 100 GB, 500,000 req
    ["enterprise", ["150.00", "50.00", "0.10", "5.00", "2.00", "2.00"], "209.10", "290.90", "58.2"] // 10 GB, 1 TB, 5 M req costed
  ] as const)("%s: lines %j, cost %s, margin %s, margin %s %%", (id, lines, cost, margin, pct) => {
    const e = tierEconomics(sheet, id)
    expect(e.lines.map((l) => formatMoney(l.amount))).toEqual(lines)
    expect([formatMoney(e.cost), formatMoney(e.margin)]).toEqual([cost, margin])
    expect(e.marginPct === undefined ? undefined : formatPercent(e.marginPct)).toBe(pct)
  })
  it("limits are exact bytes, decimal units; Enterprise requests are unlimited", () => {
    expect(limitsOf(sheet.tiers.find((t) => t.id === "pro")!)).toEqual({
      requests: 150_000n,
      redisBytes: 500_000_000n,
      storageBytes: 20_000_000_000n,
      bandwidthBytes: 50_000_000_000n
    })
    expect(limitsOf(sheet.tiers.find((t) => t.id === "enterprise")!).requests).toBeNull()
  })
  it("orders tiers by price", () => {
    expect(tiersByPrice(sheet).map((t) => t.id)).toEqual([...TIER_IDS])
  })
})

describe("tier rules shared by the enforcer, the scenarios and the reports", () => {
  it("paying users are the users of every tier but Free", () => {
    expect(TIER_IDS.filter(isPayingTier)).toEqual(["starter", "pro", "business", "enterprise"])
    // head counts indexed like TIER_IDS: 100 free, 10 starter, 5 pro, 2 business, 1 enterprise
    expect(payingUsersOf([100, 10, 5, 2, 1])).toBe(18)
    expect(payingUsersOf([7, 0, 0, 0, 0])).toBe(0)
  })
  it("a TTL runs from 1 s to the tier's ceiling (Pro: 24 h text, 30 d assets; Free: no asset cache)", () => {
    const pro = tierOf(sheet, "pro")
    expect([ttlCeiling(pro, "text"), ttlCeiling(pro, "asset")]).toEqual([86_400, 2_592_000])
    expect(ttlProblem(pro, "text", 1)).toBeUndefined()
    expect(ttlProblem(pro, "text", 86_400)).toBeUndefined()
    expect(ttlProblem(pro, "text", 86_401)).toBe("ttl must be between 1 and 86400 seconds on the Pro tier, got 86401")
    expect(ttlProblem(pro, "asset", 0)).toBe("ttl must be between 1 and 2592000 seconds on the Pro tier, got 0")
    expect(ttlProblem(tierOf(sheet, "free"), "asset", 1)).toBe("ttl must be between 1 and 0 seconds on the Free tier, got 1")
  })
  it("the tier table has a row a tier, money as decimal text, n/a for Free's margin %", () => {
    const t = tierTable(allTierEconomics(sheet))
    expect(t.header).toEqual(["tier", "price", "redis", "lyve_storage", "text_cache", "workers", "jettythunder_api", "jettyspeed", "cost", "margin", "margin %"])
    expect(t.rows.find((r) => r[0] === "Pro")).toEqual(["Pro", "49.00", "7.50", "1.00", "0.00", "1.00", "0.50", "0.50", "10.50", "38.50", "78.6"])
    expect(t.rows.find((r) => r[0] === "Free")?.at(-1)).toBe("n/a")
    expect(t.rows.some((r) => r[0] === "Enterprise (from)")).toBe(true)
  })
})
