// A small stand-in for the scenario engine's simulation (5 tiers, monthly P&L in floats), used by the pool tests
// and as a shape reference: per-run inputs from a correlated sampler, per-month figures into a reused buffer.
import { Result } from "effect"
import { makeSampler, type RankCorrelation, type SamplerInput } from "./correlation.ts"
import type { Distribution } from "./distribution.ts"
import type { Simulation } from "./simulation.ts"

export interface TestPayload {
  readonly months: number
  readonly tiers: number
  /** throw in this run index (tests the error path) */
  readonly failAtRun?: number
}

const inputsFor = (tiers: number): ReadonlyArray<SamplerInput> => {
  const inputs: Array<SamplerInput> = []
  for (let t = 0; t < tiers; t++) {
    const growth: Distribution = { dist: "lognormal", median: 40 * (t + 1), sigma: 0.4 }
    const churn: Distribution = { dist: "beta", mean: 0.03 + 0.005 * t, sd: 0.01 }
    const price: Distribution = { dist: "triangular", min: 8 * (t + 1), mode: 10 * (t + 1), max: 11 * (t + 1) }
    inputs.push({ id: `growth${t}`, dist: growth }, { id: `churn${t}`, dist: churn }, { id: `price${t}`, dist: price })
  }
  inputs.push({ id: "fixedCost", dist: { dist: "normal", mean: 250_000, sd: 40_000, min: 50_000 } })
  inputs.push({ id: "unitCost", dist: { dist: "uniform", min: 2, max: 4 } })
  return inputs
}

export const createSimulation = (payload: TestPayload): Simulation => {
  const { months, tiers } = payload
  const correlations: Array<RankCorrelation> = []
  for (let t = 0; t < tiers; t++) correlations.push({ a: `growth${t}`, b: `churn${t}`, rank: -0.5 })
  const sampler = Result.getOrThrow(makeSampler(inputsFor(tiers), correlations))
  const figures = ["users", "revenue", "costs", "netProfit", "cumulativeProfit"]
  const values = new Float64Array(figures.length * months)
  const users = new Float64Array(tiers)
  let run = 0
  return {
    months,
    figures,
    run: (rng) => {
      if (run++ === payload.failAtRun) throw new Error("deliberate failure")
      const x = sampler(rng)
      const fixedCost = x[3 * tiers] as number
      const unitCost = x[3 * tiers + 1] as number
      users.fill(0)
      let cumulative = 0
      let breakEvenMonth = -1
      for (let m = 0; m < months; m++) {
        let totalUsers = 0
        let revenue = 0
        for (let t = 0; t < tiers; t++) {
          // month-to-month noise drawn from the run's own stream
          const arrivals = (x[3 * t] as number) * (0.8 + 0.4 * rng.uniform())
          const u = (users[t] as number) * (1 - (x[3 * t + 1] as number)) + arrivals
          users[t] = u
          totalUsers += u
          revenue += u * (x[3 * t + 2] as number)
        }
        const costs = fixedCost + unitCost * totalUsers
        const net = revenue - costs
        cumulative += net
        if (breakEvenMonth === -1 && cumulative >= 0) breakEvenMonth = m
        values[m] = totalUsers
        values[months + m] = revenue
        values[2 * months + m] = costs
        values[3 * months + m] = net
        values[4 * months + m] = cumulative
      }
      return { values, breakEvenMonth }
    }
  }
}
