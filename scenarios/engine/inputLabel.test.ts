// Input paths as people read them: the engine's notes, the tornado and the what-if page name inputs this way.
import { describe, expect, it } from "vitest"
import { inputLabel } from "./inputLabel.ts"

describe("inputLabel", () => {
  it.each([
    ["sheet.tiers.pro.price", "Pro price"],
    ["fixed_costs.2.costs.development", "Fixed costs (step 3): development"],
    ["sheet.fixed_costs.development", "Fixed costs: development"],
    ["users.signups.per_month", "Sign-ups per month"],
    ["users.signups.per_month.start", "Sign-ups in month 1"],
    ["users.signups.per_month.growth", "Sign-up growth per month"],
    ["users.conversion.pro", "Conversion to Pro (monthly)"],
    ["users.churn.free", "Free churn (monthly)"],
    ["users.upgrade.starter", "Upgrade from Starter (monthly)"],
    ["users.downgrade.pro", "Downgrade from Pro (monthly)"],
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
