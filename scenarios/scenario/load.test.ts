// Scenario files: what decodes (overrides, distributions, ramps) and how a bad field is reported (its path and the
// expected form), including fields inside distributions, sheet overrides and correlations.
import * as BigDecimal from "effect/BigDecimal"
import { describe, expect, it } from "vitest"
import { formatMoney } from "../../model/index.ts"
import { prepare } from "../engine/prepare.ts"
import { project } from "../engine/project.ts"
import { scenarioError, scenarioOf } from "../engine/testScenario.ts"
import { getInput, numericInputs, resolveInput } from "./inputs.ts"

const base = { name: "t", start: "2026-01", horizon_months: 12, users: { start: { pro: 10 } } }

describe("scenario files", () => {
  it("inherit the sheet and override any field of it; tiers are addressed by id", () => {
    const loaded = scenarioOf({
      users: { start: { pro: 10, business: 1 } },
      overrides: { tiers: { pro: { price: 59 } }, unit_prices: { redis_per_mb_month: "0.012" }, fixed_costs: { development: 0 } }
    })
    const m = project(prepare(loaded.state)).months[0]!
    expect(formatMoney(m.revenue)).toBe("739.00") // 10 × 59 + 149
    expect(formatMoney(m.lines[0]!)).toBe("84.00") // Redis: (10 × 500 + 2000) MB × 0.012
    expect(formatMoney(m.fixed)).toBe("2500.00") // the override replaces development, the rest is inherited
  })

  it("record each distribution as an uncertain input named by its path, and run its point value", () => {
    const loaded = scenarioOf({
      users: { start: { pro: { dist: "uniform", min: 90, max: 110 } }, churn: { pro: { dist: "beta", mean: 0.03, sd: 0.01 } } },
      overrides: { tiers: { pro: { price: { dist: "triangular", min: 45, mode: 49, max: 56 } } } }
    })
    expect(loaded.inputs.map((i) => i.id)).toEqual(["users.start.pro", "users.churn.pro", "overrides.tiers.pro.price"])
    expect(getInput(loaded.state, loaded.inputs[0]!.target)).toBe(100)
    expect(BigDecimal.format(getInput(loaded.state, loaded.inputs[2]!.target) as BigDecimal.BigDecimal)).toBe("50")
    expect(resolveInput(loaded, "sheet.tiers.pro.price")?.target).toEqual(loaded.inputs[2]!.target)
    expect(numericInputs(loaded).map((i) => i.id)).toContain("sheet.unit_prices.redis_per_mb_month")
  })

  const rejects = (tree: Record<string, unknown>, ...parts: ReadonlyArray<string | RegExp>) => {
    const message = scenarioError({ ...base, ...tree })
    for (const p of parts) expect(message).toMatch(p)
    return message
  }

  it("name the path and the expected form of a bad field", () => {
    rejects({ users: { start: { pro: 10 }, churn: { pro: 1.5 } } }, "users.churn.pro", "fraction between 0 and 1", "1.5")
    rejects({ users: { start: { pro: 10 }, chrun: { pro: 0.1 } } }, "users.chrun", /excess|unknown/i)
    rejects({ start: "2026-13" }, "start", "YYYY-MM")
    rejects({ horizon_months: 0 }, "horizon_months", "> 0")
    rejects({ users: { start: { gold: 10 } } }, "users.start.gold")
    rejects({ users: { start: { pro: 10 }, churn: { pro: 0.0123456 } } }, "users.churn.pro", "at most 6 decimals")
    rejects({ users: { start: { pro: 10 }, signups: { per_month: 10, mix: { free: 0.5, pro: 0.4 } } } }, "users.signups.mix", "summing to 1")
    rejects({ optimizations: { dedup: true } }, "media.duplicate_ratio", "dedup is on")
    rejects(
      { fixed_costs: [{ from: "2026-06", costs: { a: 1 } }, { from: "2026-03", costs: { a: 2 } }] },
      "fixed_costs.0.from",
      "on or before start"
    )
  })

  it("name bad distributions, bad overrides and bad correlations", () => {
    rejects({ users: { start: { pro: 10 }, churn: { pro: { dist: "normal", mean: 0.02, sd: -1 } } } }, "users.churn.pro.sd", "sd >= 0")
    rejects({ users: { start: { pro: 10 }, churn: { pro: { dist: "gamma", k: 2 } } } }, "users.churn.pro", "dist")
    rejects({ name: { dist: "uniform", min: 1, max: 2 } }, "name", "not allowed here")
    rejects({ overrides: { tiers: { gold: { price: 5 } } } }, "overrides.tiers.gold", "no such tier")
    rejects({ overrides: { tiers: { pro: { price: -5 } } } }, "overrides (price sheet): tiers.pro.price", "non-negative decimal")
    rejects({ overrides: { unit_prices: { redis_per_mb: 1 } } }, "unit_prices.redis_per_mb")
    rejects(
      { users: { start: { pro: 10 }, churn: { pro: { dist: "beta", mean: 0.02, sd: 0.01 } } }, correlations: [{ a: "users.churn.pro", b: "users.churn.free", rank: 0.5 }] },
      "correlations",
      "users.churn.free"
    )
  })

  const costs = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`item${i}`, { dist: "normal", mean: 5, sd: 1 }]))
  const chain = (n: number) => Array.from({ length: n - 1 }, (_, i) => ({ a: `fixed_costs.item${i}`, b: `fixed_costs.item${i + 1}`, rank: 0.3 }))

  it("refuse work out of all proportion, naming the field and the limit", () => {
    rejects({ overrides: { tiers: { pro: { price: "49." + "3".repeat(100_000) } } } }, "overrides (price sheet): tiers.pro.price: Expected at most 15 decimals (got 100,000)")
    rejects({ users: { start: { pro: 10 }, churn: { pro: "0.05" + "0".repeat(20) } } }, "users.churn.pro: Expected at most 15 decimals (got 22)")
    rejects({ fixed_costs: costs(101), correlations: chain(101) }, "correlations: 101 inputs are linked into one group by correlations", "at most 100")
    expect(scenarioOf({ ...base, fixed_costs: costs(100), correlations: chain(100) }).inputs).toHaveLength(100)
  })

  it("decode in time that grows with the scenario, not with its square or cube", () => {
    const timed = (tree: Record<string, unknown>) => {
      const t0 = performance.now()
      scenarioError({ ...base, ...tree })
      return performance.now() - t0
    }
    // 3,000 nested levels (about the YAML parser's own limit): a copy of the path at every node took ~1 s, now ~20 ms
    let deep: unknown = 1
    for (let i = 0; i < 3_000; i++) deep = { x: deep }
    expect(timed({ overrides: { unit_prices: deep } })).toBeLessThan(400)
    // 4,000 chained correlations: factoring them took ~32 s, refused now in ~0.3 s
    expect(timed({ fixed_costs: costs(4_000), correlations: chain(4_000) })).toBeLessThan(4_000)
  })
})
