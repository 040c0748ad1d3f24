// Input paths and values as people read them: the engine's real tornado inputs, units from the path, ≤ 4 digits.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { compactUsd, significant } from "./format.ts"
import { formatInputValue, formatInputValues, inputLabel, inputUnit } from "./inputLabel.ts"

describe("inputLabel", () => {
  it.each([
    ["sheet.tiers.pro.price", "Pro price"],
    ["fixed_costs.2.costs.development", "Fixed costs (step 3): development"],
    ["sheet.fixed_costs.development", "Fixed costs: development"],
    ["users.signups.per_month", "Sign-ups per month"],
    ["users.signups.per_month.start", "Sign-ups in month 1"],
    ["users.signups.per_month.growth", "Sign-up growth per month"],
    ["users.conversion.pro", "Conversion to Pro"],
    ["users.churn.free", "Free churn"],
    ["users.upgrade.starter", "Upgrade from Starter"],
    ["usage.default.redis", "Redis usage"],
    ["usage.default.redis.to", "Redis usage (ramp end)"],
    ["usage.pro.storage.from", "Storage usage (Pro, ramp start)"],
    ["sheet.unit_prices.redis_per_mb_month", "Redis price per MB-month"],
    ["overrides.unit_prices.text_cache_per_100k_requests", "Text cache price per 100k requests"],
    ["sheet.support_per_user_month", "Support per user-month"],
    ["support_per_user.enterprise", "Support per Enterprise user"],
    ["sheet.tiers.pro.flat_lines.jettyspeed", "Pro JettySpeed (flat)"],
    ["media.duplicate_ratio", "Media: duplicate ratio"],
    ["growth.pro.monthly_rate", "Growth: Pro monthly rate"]
  ])("%s → %s", (path, label) => {
    expect(inputLabel(path)).toBe(label)
  })
})

describe("inputUnit and values", () => {
  it.each([
    ["sheet.tiers.pro.price", ["44.1", "53.9"], "$44.10 / $53.90"],
    ["sheet.tiers.business.price", ["134.1", "163.9"], "$134.1 / $163.9"],
    ["sheet.unit_prices.redis_per_mb_month", ["0.0141", "0.017234"], "$0.0141 / $0.01723"],
    ["fixed_costs.2.costs.development", ["27000", "33000"], "$27k / $33k"],
    ["users.signups.per_month.start", ["285", "348.333334"], "285 / 348.3"],
    ["users.signups.per_month.growth", ["0.045", "0.055"], "4.5% / 5.5%"],
    ["users.conversion.pro", ["0.0072", "0.0088"], "0.72% / 0.88%"],
    ["usage.default.redis.to", ["0.54", "0.66"], "54% / 66%"],
    ["tiering.cold_share", [0.4, 0.7], "40% / 70%"],
    ["sheet.tiering.cold_after_days", [27, 33], "27 / 33"]
  ] as const)("%s %j → %s", (path, values, text) => {
    expect(formatInputValues(path, values).join(" / ")).toBe(text)
  })

  it("prints a rate-like path with values past ±1 as a number, never as 3400%", () => {
    expect(inputUnit("users.churn.pro", [34, 40])).toBe("number")
  })

  it("prints a value that is not a number as it is", () => {
    expect(formatInputValue("triangular", "usd")).toBe("triangular")
  })

  test.prop([fc.double({ min: -1e9, max: 1e9, noNaN: true }).filter((x) => Math.abs(x) > 1e-6)])(
    "significant keeps at most 4 significant digits and stays within half a unit of the 4th",
    (x) => {
      const s = significant(x)
      expect(s.replace(/^-/, "").replace(".", "").replace(/^0+/, "").replace(/0+$/, "").length).toBeLessThanOrEqual(4)
      const unit = 10 ** (Math.floor(Math.log10(Math.abs(x))) - 3)
      expect(Math.abs(Number(s) - x)).toBeLessThanOrEqual(unit / 2 + Math.abs(x) * 1e-12)
    }
  )

  test.prop([fc.double({ min: 0.0001, max: 1e9, noNaN: true })])("a dollar input reads as $ with at most 4 digits", (x) => {
    const s = compactUsd(x)
    expect(s).toMatch(/^\$\d/)
    expect(s.replace(/[$.,kM]/g, "").replace(/^0+/, "").replace(/0+$/, "").length).toBeLessThanOrEqual(4)
  })
})
