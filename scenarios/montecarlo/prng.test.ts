import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { Rng, splitMix64Finalize } from "./prng.ts"

const M64 = (1n << 64n) - 1n
const splitMixRef = (z: bigint): bigint => {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64
  return z ^ (z >> 31n)
}

const draws = (rng: Rng, n: number): Array<number> => Array.from({ length: n }, () => rng.uniform())

describe("Rng", () => {
  test.prop([fc.bigInt({ min: 0n, max: M64 })])("32-bit SplitMix64 finaliser equals the 64-bit BigInt one", (z) => {
    const [hi, lo] = splitMix64Finalize(Number(z >> 32n), Number(z & 0xffffffffn))
    expect((BigInt(hi) << 32n) | BigInt(lo)).toBe(splitMixRef(z))
  })

  test.prop([fc.nat(), fc.nat()])("a (seed, run) stream is the same however the generator got there", (seed, run) => {
    const fresh = draws(new Rng(seed, run), 8)
    const reused = new Rng(12345, 99)
    draws(reused, 3)
    reused.reseed(seed, run)
    expect(draws(reused, 8)).toEqual(fresh)
  })

  it("neighbouring runs and seeds give unrelated streams", () => {
    const a = draws(new Rng(1, 0), 4)
    expect(draws(new Rng(1, 1), 4)).not.toEqual(a)
    expect(draws(new Rng(2, 0), 4)).not.toEqual(a)
    // first draws across 20 000 consecutive run indices: mean 1/2, lag-1 correlation ~0
    const n = 20_000
    const first = Array.from({ length: n }, (_, i) => new Rng(42, i).uniform())
    const mean = first.reduce((s, x) => s + x, 0) / n
    let cov = 0
    for (let i = 1; i < n; i++) cov += ((first[i] as number) - 0.5) * ((first[i - 1] as number) - 0.5)
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01)
    expect(Math.abs(cov / (n - 1) / (1 / 12))).toBeLessThan(0.03)
  })

  it("uniforms stay in the open interval (0, 1) and fill it evenly", () => {
    const rng = new Rng(7, 3)
    const bins = new Array<number>(10).fill(0)
    for (let i = 0; i < 100_000; i++) {
      const u = rng.uniform()
      expect(u > 0 && u < 1).toBe(true)
      bins[Math.floor(u * 10)]!++
    }
    for (const b of bins) expect(Math.abs(b - 10_000)).toBeLessThan(500)
  })

  it("rejects seeds and run indices that are not non-negative safe integers", () => {
    expect(() => new Rng(-1)).toThrow(/seed must be a non-negative safe integer/)
    expect(() => new Rng(1, 0.5)).toThrow(/runIndex must be a non-negative safe integer/)
  })
})
