import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { decodeDistribution, isDistribution, pointValue, type Distribution } from "./distribution.ts"

const ok = (u: unknown): Distribution => {
  const r = decodeDistribution(u)
  if (Result.isFailure(r)) throw new Error(r.failure)
  return r.success
}
const error = (u: unknown): string => {
  const r = decodeDistribution(u)
  if (Result.isSuccess(r)) throw new Error(`expected a failure for ${JSON.stringify(u)}`)
  return r.failure
}

describe("Distribution schema", () => {
  it("decodes every form, numbers given as YAML numbers or numeric strings", () => {
    expect(ok({ dist: "uniform", min: 1, max: 3 })).toEqual({ dist: "uniform", min: 1, max: 3 })
    expect(ok({ dist: "normal", mean: "0.5", sd: 0.1, min: 0 })).toEqual({ dist: "normal", mean: 0.5, sd: 0.1, min: 0 })
    expect(ok({ dist: "triangular", min: 1, mode: 2, max: 5 }).dist).toBe("triangular")
    expect(ok({ dist: "lognormal", median: 100, sigma: 0.3 }).dist).toBe("lognormal")
    expect(ok({ dist: "beta", mean: 0.03, sd: 0.01 }).dist).toBe("beta")
    expect(ok({ dist: "beta", alpha: 2, beta: 5 }).dist).toBe("beta")
  })

  it("names the field and the expected form", () => {
    expect(error({ dist: "triangular", min: 1, mode: 0, max: 2 })).toMatch(/min <= mode <= max[\s\S]*\["mode"\]/)
    expect(error({ dist: "uniform", min: 3, max: 1 })).toMatch(/min <= max[\s\S]*\["max"\]/)
    expect(error({ dist: "normal", mean: 1, sd: -1 })).toMatch(/sd >= 0[\s\S]*\["sd"\]/)
    expect(error({ dist: "normal", mean: 1, sd: 1, min: 2 })).toMatch(/min <= mean[\s\S]*\["mean"\]/)
    expect(error({ dist: "normal", mean: 1 })).toMatch(/Missing key[\s\S]*\["sd"\]/)
    expect(error({ dist: "lognormal", median: 0, sigma: 1 })).toMatch(/median > 0[\s\S]*\["median"\]/)
    expect(error({ dist: "beta", mean: 0.5, sd: 0.6 })).toMatch(/sd < sqrt\(mean\*\(1-mean\)\) = 0\.5000[\s\S]*\["sd"\]/)
    expect(error({ dist: "beta", mean: 1.2, sd: 0.1 })).toMatch(/0 <= mean <= 1[\s\S]*\["mean"\]/)
    expect(error({ dist: "beta", alpha: 0, beta: 2 })).toMatch(/alpha > 0[\s\S]*\["alpha"\]/)
    expect(error({ dist: "beta", alpha: 1, sd: 0.1 })).toMatch(/either mean \+ sd or alpha \+ beta/)
    expect(error({ dist: "uniform", min: "abc", max: 1 })).toMatch(/finite number[\s\S]*\["min"\]/)
    expect(error({ dist: "gamma", shape: 2 })).toMatch(/Expected a distribution: \{ dist: uniform/)
  })

  it("detects distribution nodes in a raw YAML tree without validating them", () => {
    expect(isDistribution({ dist: "normal", mean: 1, sd: 1 })).toBe(true)
    expect(isDistribution({ dist: "gamma" })).toBe(true)
    expect(isDistribution({ mean: 1 })).toBe(false)
    expect(isDistribution([{ dist: "normal" }])).toBe(false)
    expect(isDistribution(null)).toBe(false)
    expect(isDistribution(0.5)).toBe(false)
  })

  it("point value: mean, except the median for lognormal", () => {
    expect(pointValue(ok({ dist: "uniform", min: 1, max: 3 }))).toBe(2)
    expect(pointValue(ok({ dist: "normal", mean: 7, sd: 1 }))).toBe(7)
    expect(pointValue(ok({ dist: "triangular", min: 0, mode: 3, max: 6 }))).toBe(3)
    expect(pointValue(ok({ dist: "triangular", min: 0, mode: 0, max: 3 }))).toBe(1)
    expect(pointValue(ok({ dist: "lognormal", median: 100, sigma: 1 }))).toBe(100)
    expect(pointValue(ok({ dist: "beta", mean: 0.03, sd: 0.01 }))).toBe(0.03)
    expect(pointValue(ok({ dist: "beta", alpha: 1, beta: 3 }))).toBe(0.25)
    // fixed values come back exactly, without (x + x + x) / 3 round-off
    expect(pointValue(ok({ dist: "triangular", min: 0.1, mode: 0.1, max: 0.1 }))).toBe(0.1)
  })
})
