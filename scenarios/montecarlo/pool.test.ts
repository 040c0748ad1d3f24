import { describe, expect, it } from "vitest"
import { MonteCarloError, chunkBounds, progressBar, runMonteCarlo, type MonteCarloOptions } from "./pool.ts"
import type { TestPayload } from "./testSimulation.ts"

const simulation = new URL("./testSimulation.ts", import.meta.url)
const payload: TestPayload = { months: 24, tiers: 5 }
const options = (o: Partial<MonteCarloOptions> = {}): MonteCarloOptions => ({ simulation, payload, runs: 1_500, seed: 2026, ...o })

describe("runMonteCarlo", () => {
  it("gives byte-identical results for 1 worker (inline) and 2 or 3 worker threads", async () => {
    const one = await runMonteCarlo(options({ workers: 1 }))
    const two = await runMonteCarlo(options({ workers: 2 }))
    const three = await runMonteCarlo(options({ workers: 3 }))
    expect(JSON.stringify(two)).toBe(JSON.stringify(one))
    expect(JSON.stringify(three)).toBe(JSON.stringify(one))
    expect(Object.keys(one.percentiles)).toEqual(["users", "revenue", "costs", "netProfit", "cumulativeProfit"])
    expect(one.percentiles["netProfit"]).toHaveLength(24)
  })

  it("produces ordered bands and a non-decreasing break-even probability", async () => {
    const r = await runMonteCarlo(options({ workers: 1 }))
    for (const bands of Object.values(r.percentiles)) {
      for (const b of bands) {
        expect(b.p5).toBeLessThanOrEqual(b.p50)
        expect(b.p50).toBeLessThanOrEqual(b.p95)
      }
    }
    expect(r.pBreakEvenByMonth).toHaveLength(24)
    for (let m = 1; m < 24; m++) expect(r.pBreakEvenByMonth[m]).toBeGreaterThanOrEqual(r.pBreakEvenByMonth[m - 1] as number)
    expect(r.pBreakEvenByMonth[23]).toBeGreaterThan(0)
    expect(r.pBreakEvenByMonth[23]).toBeLessThan(1)
  })

  it("changes with the seed", async () => {
    const a = await runMonteCarlo(options({ workers: 1, runs: 200 }))
    const b = await runMonteCarlo(options({ workers: 1, runs: 200, seed: 2027 }))
    expect(b.percentiles["revenue"]).not.toEqual(a.percentiles["revenue"])
  })

  it("reports progress up to (runs, runs)", async () => {
    const seen: Array<readonly [number, number]> = []
    await runMonteCarlo(options({ workers: 2, runs: 1_000, progressEvery: 100, onProgress: (d, t) => seen.push([d, t]) }))
    expect(seen.length).toBeGreaterThan(2)
    expect(seen.at(-1)).toEqual([1_000, 1_000])
    for (let i = 1; i < seen.length; i++) expect(seen[i]![0]).toBeGreaterThanOrEqual(seen[i - 1]![0])
  })

  it("rejects with MonteCarloError naming the failed run, inline and in workers", async () => {
    for (const workers of [1, 2]) {
      const error = await runMonteCarlo(options({ workers, runs: 100, payload: { ...payload, failAtRun: 7 } })).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(MonteCarloError)
      expect((error as MonteCarloError).message).toMatch(/run \d+ failed: deliberate failure/)
      expect((error as MonteCarloError).runIndex).toBeGreaterThanOrEqual(7)
    }
  })

  it("rejects a module without createSimulation and bad options", async () => {
    const notASim = new URL("./sketch.ts", import.meta.url)
    await expect(runMonteCarlo(options({ simulation: notASim, workers: 2 }))).rejects.toThrow(/does not export a createSimulation/)
    await expect(runMonteCarlo(options({ runs: 0 }))).rejects.toThrow(/runs must be a positive integer/)
    await expect(runMonteCarlo(options({ seed: -1 }))).rejects.toThrow(/seed must be a non-negative safe integer/)
  })

  it("splits runs into contiguous chunks covering every index once", () => {
    expect(chunkBounds(10, 3)).toEqual([[0, 3], [3, 6], [6, 10]])
  })
})

describe("progressBar", () => {
  const fakeStream = (isTTY: boolean) => {
    const out: Array<string> = []
    return { out, stream: { isTTY, columns: 80, write: (s: string) => out.push(s) } }
  }
  it("prints nothing when the stream is not a terminal", () => {
    const { out, stream } = fakeStream(false)
    const bar = progressBar(stream)
    bar(5, 10)
    bar(10, 10)
    expect(out).toEqual([])
  })
  it("draws in place on a terminal and ends the line when done", () => {
    const { out, stream } = fakeStream(true)
    const bar = progressBar(stream)
    bar(5, 10)
    bar(5, 10)
    bar(10, 10)
    expect(out[0]).toMatch(/^\rsimulating \[#+-+\]  50%  5\/10$/)
    expect(out).toHaveLength(3)
    expect(out.at(-1)).toBe("\n")
  })
})
