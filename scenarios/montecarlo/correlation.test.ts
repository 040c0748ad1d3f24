import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { MAX_CORRELATED_INPUTS, makeSampler, spearmanToPearson, type RankCorrelation, type SamplerInput } from "./correlation.ts"
import { Rng } from "./prng.ts"

const ranks = (xs: Float64Array): Float64Array => {
  const order = Array.from(xs.keys()).sort((a, b) => (xs[a] as number) - (xs[b] as number))
  const r = new Float64Array(xs.length)
  order.forEach((idx, rank) => { r[idx] = rank })
  return r
}
const pearson = (x: Float64Array, y: Float64Array): number => {
  const n = x.length
  let mx = 0, my = 0
  for (let i = 0; i < n; i++) { mx += x[i] as number; my += y[i] as number }
  mx /= n; my /= n
  let sxy = 0, sxx = 0, syy = 0
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx, dy = (y[i] as number) - my
    sxy += dx * dy; sxx += dx * dx; syy += dy * dy
  }
  return sxy / Math.sqrt(sxx * syy)
}
const spearman = (x: Float64Array, y: Float64Array): number => pearson(ranks(x), ranks(y))

const inputs: ReadonlyArray<SamplerInput> = [
  { id: "growth", dist: { dist: "lognormal", median: 100, sigma: 0.5 } },
  { id: "churn", dist: { dist: "beta", mean: 0.03, sd: 0.01 } },
  { id: "price", dist: { dist: "triangular", min: 8, mode: 10, max: 11 } },
  { id: "cost", dist: { dist: "normal", mean: 5, sd: 1 } },
  { id: "conversion", dist: { dist: "uniform", min: 0.01, max: 0.05 } }
]

const drawColumns = (correlations: ReadonlyArray<RankCorrelation>, n = 50_000): Array<Float64Array> => {
  const sample = Result.getOrThrow(makeSampler(inputs, correlations))
  const cols = inputs.map(() => new Float64Array(n))
  const rng = new Rng(3, 0)
  for (let i = 0; i < n; i++) {
    rng.reseed(3, i)
    const x = sample(rng)
    cols.forEach((c, k) => { c[i] = x[k] as number })
  }
  return cols
}

describe("makeSampler", () => {
  it("hits the target Spearman rank correlation for every correlated pair, whatever the marginals", () => {
    const correlations = [
      { a: "growth", b: "churn", rank: -0.6 },
      { a: "churn", b: "price", rank: 0.3 },
      { a: "growth", b: "price", rank: 0 },
      { a: "cost", b: "conversion", rank: 0.9 }
    ]
    const [growth, churn, price, cost, conversion] = drawColumns(correlations) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array]
    expect(spearman(growth, churn)).toBeCloseTo(-0.6, 1)
    expect(Math.abs(spearman(growth, churn) + 0.6)).toBeLessThan(0.02)
    expect(Math.abs(spearman(churn, price) - 0.3)).toBeLessThan(0.02)
    expect(Math.abs(spearman(growth, price))).toBeLessThan(0.02)
    expect(Math.abs(spearman(cost, conversion) - 0.9)).toBeLessThan(0.02)
    // across blocks: independent
    expect(Math.abs(spearman(growth, cost))).toBeLessThan(0.02)
  })

  it("leaves uncorrelated inputs independent (not all at the same percentile)", () => {
    const cols = drawColumns([])
    for (let a = 0; a < cols.length; a++) {
      for (let b = a + 1; b < cols.length; b++) expect(Math.abs(spearman(cols[a]!, cols[b]!))).toBeLessThan(0.02)
    }
  })

  it("keeps each marginal: correlation changes ordering, not the distribution", () => {
    const [, churn] = drawColumns([{ a: "growth", b: "churn", rank: -0.8 }]) as [Float64Array, Float64Array]
    const mean = churn.reduce((s, x) => s + x, 0) / churn.length
    expect(Math.abs(mean - 0.03)).toBeLessThan(0.0003)
  })

  it("adding a correlation does not shift unrelated inputs' draws", () => {
    const plain = drawColumns([], 100)
    const withPair = drawColumns([{ a: "growth", b: "churn", rank: 0.5 }], 100)
    expect(withPair[2]).toEqual(plain[2])
    expect(withPair[4]).toEqual(plain[4])
  })

  it("allows a perfect rank correlation (singular but valid)", () => {
    const [growth, churn] = drawColumns([{ a: "growth", b: "churn", rank: 1 }], 2_000) as [Float64Array, Float64Array]
    expect(spearman(growth, churn)).toBeGreaterThan(0.9999)
  })

  it("rejects contradictory correlations, naming the inputs", () => {
    const r = makeSampler(inputs, [
      { a: "growth", b: "churn", rank: 0.9 },
      { a: "churn", b: "price", rank: 0.9 },
      { a: "growth", b: "price", rank: -0.9 }
    ])
    expect(Result.isFailure(r)).toBe(true)
    if (Result.isFailure(r)) {
      expect(r.failure._tag).toBe("CorrelationError")
      expect(r.failure.inputs).toEqual(["growth", "churn", "price"])
      expect(r.failure.message).toMatch(/not positive definite.*growth~churn 0\.9/)
    }
  })

  it("rejects unknown inputs, self-correlation, out-of-range and conflicting duplicates", () => {
    const fails = (c: ReadonlyArray<RankCorrelation>): string => {
      const r = makeSampler(inputs, c)
      return Result.isFailure(r) ? r.failure.message : "ok"
    }
    expect(fails([{ a: "growth", b: "chrun", rank: 0.5 }])).toMatch(/unknown input "chrun"; uncertain inputs are: growth, churn/)
    expect(fails([{ a: "growth", b: "growth", rank: 0.5 }])).toMatch(/with itself/)
    expect(fails([{ a: "growth", b: "churn", rank: 1.5 }])).toMatch(/must be in \[-1, 1\] \(got 1\.5\)/)
    expect(fails([{ a: "growth", b: "churn", rank: 0.5 }, { a: "churn", b: "growth", rank: 0.4 }])).toMatch(/given twice/)
    expect(fails([{ a: "growth", b: "churn", rank: 0.5 }, { a: "churn", b: "growth", rank: 0.5 }])).toBe("ok")
  })

  it("refuses more than MAX_CORRELATED_INPUTS inputs linked into one group", () => {
    const many = (n: number): ReadonlyArray<SamplerInput> =>
      Array.from({ length: n }, (_, i) => ({ id: `cost.${i}`, dist: { dist: "normal", mean: 5, sd: 1 } }))
    const chain = (n: number): ReadonlyArray<RankCorrelation> =>
      Array.from({ length: n - 1 }, (_, i) => ({ a: `cost.${i}`, b: `cost.${i + 1}`, rank: 0.3 }))
    expect(Result.isSuccess(makeSampler(many(MAX_CORRELATED_INPUTS), chain(MAX_CORRELATED_INPUTS)))).toBe(true)
    // a chain of 4,000 once took 35 s to factor (k³), refused now before any matrix is built
    const long = makeSampler(many(4_000), chain(4_000))
    expect(Result.isFailure(long) && long.failure.message).toMatch(/^4,000 inputs are linked into one group by correlations \(cost\.0, cost\.1, cost\.2, …\); at most 100 may be correlated together/)
    // as many inputs in small groups are fine
    const pairs = Array.from({ length: 2_000 }, (_, i) => ({ a: `cost.${2 * i}`, b: `cost.${2 * i + 1}`, rank: 0.3 }))
    expect(Result.isSuccess(makeSampler(many(4_000), pairs))).toBe(true)
  })

  it("converts Spearman to Pearson with 2 sin(π ρ/6)", () => {
    expect(spearmanToPearson(0)).toBe(0)
    expect(spearmanToPearson(0.5)).toBeCloseTo(0.5176, 4)
    expect(spearmanToPearson(1)).toBeCloseTo(1, 12)
  })
})
