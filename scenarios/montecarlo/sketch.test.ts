import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { Rng } from "./prng.ts"
import { QuantileSketch, ZERO_THRESHOLD } from "./sketch.ts"

const ALPHA = 0.001

const exactQuantile = (sorted: ReadonlyArray<number>, p: number): number => sorted[Math.floor(p * (sorted.length - 1))] as number

/** The stated bound: relative α (plus float slack on the bucket index), absolute ZERO_THRESHOLD near zero. */
const withinBound = (v: number, x: number, alpha: number): boolean =>
  Math.abs(x) < ZERO_THRESHOLD ? Math.abs(v - x) < ZERO_THRESHOLD : Math.abs(v - x) <= alpha * Math.abs(x) * (1 + 1e-9)

const sketchOf = (xs: ReadonlyArray<number>, alpha = ALPHA): QuantileSketch => {
  const s = new QuantileSketch(alpha)
  for (const x of xs) s.add(x)
  return s
}

// P&L-like values: both signs, many magnitudes, exact zeros and sub-threshold dust
const value = fc.oneof(
  { arbitrary: fc.double({ min: -1e7, max: 1e7, noNaN: true }), weight: 6 },
  { arbitrary: fc.double({ min: -1, max: 1, noNaN: true }), weight: 2 },
  { arbitrary: fc.constantFrom(0, -0, 1e-12, -3e-10), weight: 1 }
)
const values = fc.array(value, { minLength: 1, maxLength: 400 })
const probability = fc.double({ min: 0, max: 1, noNaN: true })

describe("QuantileSketch", () => {
  test.prop([values, probability, fc.constantFrom(0.001, 0.01, 0.05)])(
    "quantile(p) is within relative error α of the exact sample quantile", (xs, p, alpha) => {
      const sorted = [...xs].sort((a, b) => a - b)
      const v = sketchOf(xs, alpha).quantile(p)
      const x = exactQuantile(sorted, p)
      expect(withinBound(v, x, alpha), `p=${p} sketch ${v} exact ${x}`).toBe(true)
    })

  test.prop([values])("p5 <= p50 <= p95, all within [min, max]", (xs) => {
    const s = sketchOf(xs)
    const [p5, p50, p95] = [s.quantile(0.05), s.quantile(0.5), s.quantile(0.95)]
    expect(p5).toBeLessThanOrEqual(p50)
    expect(p50).toBeLessThanOrEqual(p95)
    expect(p5).toBeGreaterThanOrEqual(Math.min(...xs))
    expect(p95).toBeLessThanOrEqual(Math.max(...xs))
    expect(s.count).toBe(xs.length)
  })

  test.prop([values, fc.array(fc.nat({ max: 5 }), { minLength: 400, maxLength: 400 })])(
    "merging is order-independent: any split into parts, merged in any order, serialises identically", (xs, assignment) => {
      const parts = Array.from({ length: 6 }, () => new QuantileSketch(ALPHA))
      xs.forEach((x, i) => parts[assignment[i] as number]!.add(x))
      const forward = parts.reduce((acc, s) => acc.merge(s), new QuantileSketch(ALPHA))
      const backward = [...parts].reverse().reduce((acc, s) => acc.merge(s), new QuantileSketch(ALPHA))
      const whole = sketchOf(xs)
      expect(JSON.stringify(forward.toJSON())).toBe(JSON.stringify(whole.toJSON()))
      expect(JSON.stringify(backward.toJSON())).toBe(JSON.stringify(whole.toJSON()))
    })

  test.prop([values])("toJSON/fromJSON round-trips through JSON text", (xs) => {
    const s = sketchOf(xs)
    const back = QuantileSketch.fromJSON(JSON.parse(JSON.stringify(s.toJSON())))
    expect(back.toJSON()).toEqual(s.toJSON())
    for (const p of [0, 0.05, 0.5, 0.95, 1]) expect(back.quantile(p)).toBe(s.quantile(p))
  })

  it("stays within the bound on 10^5 lognormal-ish P&L values around zero", () => {
    const rng = new Rng(5, 0)
    const xs = Array.from({ length: 100_000 }, () => (rng.uniform() - 0.3) * 1e6 * Math.exp(3 * rng.uniform()))
    const s = sketchOf(xs)
    const sorted = [...xs].sort((a, b) => a - b)
    for (let p = 0; p <= 1; p += 0.01) expect(withinBound(s.quantile(p), exactQuantile(sorted, p), ALPHA)).toBe(true)
  })

  it("keeps min and max exact, and is empty-safe", () => {
    const s = sketchOf([3.14159, -2.71828, 42])
    expect(s.quantile(0)).toBe(-2.71828)
    expect(s.quantile(1)).toBe(42)
    expect(new QuantileSketch().quantile(0.5)).toBeNaN()
    expect(() => s.add(NaN)).toThrow(/finite/)
    expect(() => s.merge(new QuantileSketch(0.01))).toThrow(/relative accuracy/)
  })
})
