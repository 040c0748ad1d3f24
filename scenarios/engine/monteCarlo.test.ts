// Monte Carlo over the scenario engine: zero variance reproduces the deterministic run, a seed reproduces its output
// byte for byte whatever the number of workers, and the statistics are well formed.
import * as Result from "effect/Result"
import { describe, expect, it } from "vitest"
import { loadScenario } from "../scenario/load.ts"
import { monteCarloOf } from "./monteCarlo.ts"
import { prepare } from "./prepare.ts"
import { project } from "./project.ts"
import { Rng } from "../montecarlo/prng.ts"
import { figuresOf, newRunFigures } from "./runFigures.ts"
import { drawnRuns, FIGURES, fillFigures } from "./scenarioSimulation.ts"
import { scenarioOf } from "./testScenario.ts"

describe("Monte Carlo", () => {
  it("with zero variance every percentile is the deterministic figure, and break-even is certain from its month", async () => {
    const loaded = scenarioOf({
      horizon_months: 18,
      users: {
        start: { free: 500, starter: 40, pro: 30, business: 3 },
        signups: { per_month: { start: { dist: "uniform", min: 300, max: 300 }, growth: { dist: "normal", mean: 0.04, sd: 0 } }, mix: { free: 0.9, pro: 0.1 } },
        conversion: { starter: { dist: "beta", mean: 0.02, sd: 0 }, pro: { dist: "triangular", min: 0.01, mode: 0.01, max: 0.01 } },
        churn: { free: 0.08, pro: { dist: "lognormal", median: 0.025, sigma: 0 } }
      },
      usage: { default: { storage: { from: 0.2, to: { dist: "uniform", min: 0.6, max: 0.6 }, months: 6 } } },
      overrides: { tiers: { pro: { price: { dist: "normal", mean: 52.5, sd: 0 } } } }
    })
    expect(loaded.inputs.length).toBe(7)
    const p = project(prepare(loaded.state))
    const det = new Float64Array(FIGURES.length * 18)
    fillFigures(figuresOf(p, newRunFigures(18, 5)), det)
    const mc = await monteCarloOf(loaded, { runs: 64, seed: 3, workers: 1 })
    FIGURES.forEach((figure, f) => {
      mc.percentiles[figure]!.forEach((band, i) => {
        const v = Math.round(det[f * 18 + i]! * 100) / 100
        expect([band.p5, band.p50, band.p95]).toEqual([v, v, v])
      })
    })
    mc.p_break_even_by_month.forEach(({ p: prob }, i) => expect(prob).toBe(p.breakEvenIndex >= 0 && i >= p.breakEvenIndex ? 1 : 0))
  })

  it("gives the same output byte for byte for a seed with 1, 2 or 3 workers; percentiles are ordered", async () => {
    const loaded = Result.getOrThrow(loadScenario("scenarios/mixed-growth-36m.yaml"))
    const one = await monteCarloOf(loaded, { runs: 600, seed: 42, workers: 1 })
    const two = await monteCarloOf(loaded, { runs: 600, seed: 42, workers: 2 })
    const three = await monteCarloOf(loaded, { runs: 600, seed: 42, workers: 3 })
    expect(JSON.stringify(two)).toBe(JSON.stringify(one))
    expect(JSON.stringify(three)).toBe(JSON.stringify(one))
    const other = await monteCarloOf(loaded, { runs: 600, seed: 43, workers: 2 })
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(one))
    for (const bands of Object.values(one.percentiles)) {
      expect(bands.length).toBe(36)
      for (const b of bands) {
        expect(b.p5).toBeLessThanOrEqual(b.p50)
        expect(b.p50).toBeLessThanOrEqual(b.p95)
      }
    }
    // draws really vary: the spread of month-36 revenue is wide
    const last = one.percentiles["revenue"]!.at(-1)!
    expect(last.p95).toBeGreaterThan(last.p5 * 1.2)
    let prev = 0
    for (const { p } of one.p_break_even_by_month) {
      expect(p).toBeGreaterThanOrEqual(prev)
      expect(p).toBeLessThanOrEqual(1)
      prev = p
    }
  })

  it("never creates or loses users when a sign-up mix share is uncertain (the drawn mix is renormalised)", () => {
    const loaded = scenarioOf({
      horizon_months: 3,
      users: { start: { pro: 10 }, signups: { per_month: 1000, mix: { free: { dist: "uniform", min: 0.5, max: 0.9 }, pro: 0.3 } } }
    })
    const { run } = drawnRuns(loaded)
    const rng = new Rng(7, 0)
    const totals = new Set<number>()
    for (let i = 0; i < 50; i++) {
      rng.reseed(7, i)
      const f = run(rng)
      for (let month = 0; month < f.months; month++) {
        const users = Array.from(f.users.subarray(month * f.tiers, (month + 1) * f.tiers))
        // each tier's sign-up flow carries its fraction to the next month, so the total may lag by less than a user per tier
        const lag = 10 + 1000 * (month + 1) - users.reduce((a, b) => a + b, 0)
        expect(lag).toBeGreaterThanOrEqual(0)
        expect(lag).toBeLessThan(users.length)
        totals.add(users[0]!)
      }
    }
    // the draws do move the split between the tiers
    expect(totals.size).toBeGreaterThan(3)
  })
})
