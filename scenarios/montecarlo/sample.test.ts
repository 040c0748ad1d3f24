import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import type { Distribution } from "./distribution.ts"
import { pointValue } from "./distribution.ts"
import { Rng } from "./prng.ts"
import { betaQuantile, incompleteBeta, inverseNormal, normalCdf, quantileFunction } from "./sample.ts"
import { BETAINCINV, NDTR, NDTRI } from "./scipyReference.ts"

const relErr = (a: number, b: number): number => (b === 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b))

const moments = (d: Distribution, n = 100_000, seed = 1): { mean: number; sd: number; min: number; max: number } => {
  const q = quantileFunction(d)
  const rng = new Rng(seed, 0)
  let s = 0
  let ss = 0
  let min = Infinity
  let max = -Infinity
  for (let i = 0; i < n; i++) {
    const x = q(rng.uniform())
    s += x
    ss += x * x
    if (x < min) min = x
    if (x > max) max = x
  }
  const mean = s / n
  return { mean, sd: Math.sqrt((ss - n * mean * mean) / (n - 1)), min, max }
}

describe("numerics against scipy", () => {
  it("inverseNormal (AS 241) to 1e-15 relative", () => {
    for (const [p, z] of NDTRI) expect(relErr(inverseNormal(p), z)).toBeLessThan(1e-15)
  })
  it("normalCdf to 1e-14 absolute", () => {
    for (const [z, p] of NDTR) expect(Math.abs(normalCdf(z) - p)).toBeLessThan(1e-14)
  })
  it("beta quantile to 1e-9 relative, tails and large shapes included", () => {
    for (const [a, b, u, x] of BETAINCINV) expect(relErr(betaQuantile(a, b)(u), x), `Beta(${a}, ${b}) at ${u}`).toBeLessThan(1e-9)
  })
  test.prop([fc.double({ min: 0.05, max: 500, noNaN: true }), fc.double({ min: 0.05, max: 500, noNaN: true }), fc.double({ min: 1e-6, max: 1 - 1e-6, noNaN: true })])(
    "beta quantile inverts the incomplete beta to 1e-11 relative in x (or one ulp, when the root is not a double)", (a, b, u) => {
      const x = betaQuantile(a, b)(u)
      expect(x).toBeGreaterThanOrEqual(0)
      expect(x).toBeLessThanOrEqual(1)
      // relative to the nearer end: Beta(29, 0.05) at u = 0.82 lies within 1e-17 of 1, so the nearest double is 1
      const eps = Math.max(1e-11 * Math.min(x, 1 - x), 2.3e-16 * x, Number.MIN_VALUE)
      expect(incompleteBeta(Math.max(0, x - eps), a, b)).toBeLessThanOrEqual(u + 1e-13)
      expect(incompleteBeta(Math.min(1, x + eps), a, b)).toBeGreaterThanOrEqual(u - 1e-13)
    })
})

describe("moments of 10^5 draws", () => {
  const cases: ReadonlyArray<readonly [Distribution, number, number]> = [
    [{ dist: "uniform", min: 2, max: 4 }, 3, 2 / Math.sqrt(12)],
    [{ dist: "normal", mean: 10, sd: 2 }, 10, 2],
    [{ dist: "triangular", min: 1, mode: 2, max: 6 }, 3, Math.sqrt((1 + 4 + 36 - 2 - 6 - 12) / 18)],
    [{ dist: "lognormal", median: 100, sigma: 0.5 }, 100 * Math.exp(0.125), 100 * Math.sqrt((Math.exp(0.25) - 1) * Math.exp(0.25))],
    [{ dist: "beta", mean: 0.03, sd: 0.01 }, 0.03, 0.01],
    [{ dist: "beta", alpha: 2, beta: 5 }, 2 / 7, Math.sqrt(10 / (49 * 8))]
  ]
  for (const [d, mean, sd] of cases) {
    it(`${JSON.stringify(d)}: mean ${mean.toPrecision(4)}, sd ${sd.toPrecision(4)}`, () => {
      const m = moments(d)
      expect(Math.abs(m.mean - mean)).toBeLessThan(0.02 * sd)
      expect(relErr(m.sd, sd)).toBeLessThan(0.02)
    })
  }

  it("a clamped normal never leaves its bounds", () => {
    const m = moments({ dist: "normal", mean: 0.1, sd: 0.2, min: 0, max: 0.5 })
    expect(m.min).toBe(0)
    expect(m.max).toBe(0.5)
  })
})

const finite = fc.double({ min: -1e9, max: 1e9, noNaN: true })
const zeroVariance: fc.Arbitrary<Distribution> = fc.oneof(
  finite.map((x): Distribution => ({ dist: "uniform", min: x, max: x })),
  finite.map((x): Distribution => ({ dist: "normal", mean: x, sd: 0 })),
  finite.map((x): Distribution => ({ dist: "triangular", min: x, mode: x, max: x })),
  fc.double({ min: 1e-9, max: 1e9, noNaN: true }).map((x): Distribution => ({ dist: "lognormal", median: x, sigma: 0 })),
  fc.double({ min: 0, max: 1, noNaN: true }).map((x): Distribution => ({ dist: "beta", mean: x, sd: 0 }))
)

test.prop([zeroVariance, fc.double({ min: Number.EPSILON, max: 1 - Number.EPSILON, noNaN: true })])(
  "zero-variance distributions draw exactly their point value", (d, u) => {
    expect(quantileFunction(d)(u)).toBe(pointValue(d))
  })
