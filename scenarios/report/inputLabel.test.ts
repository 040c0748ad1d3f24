// Input values as people read them: the engine's real tornado inputs, units from the path, ≤ 4 digits.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { compactUsd, significant } from "./format.ts"
import { formatInputValue, formatInputValues, inputUnit } from "./inputLabel.ts"

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
