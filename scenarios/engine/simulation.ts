// The scenario engine as a Monte Carlo simulation module (montecarlo/simulation.ts contract): each worker decodes and
// compiles the scenario once (compiled.ts), then every run writes its draws into the compiled scenario, projects it
// (exact to the cent; a draw the fast path declines goes through the exact engine) and hands back the month figures
// as floats for the statistics.
import * as Result from "effect/Result"
import { makeSampler } from "../montecarlo/correlation.ts"
import type { Rng } from "../montecarlo/prng.ts"
import type { Simulation } from "../montecarlo/simulation.ts"
import { domainOf, fromDraw, getInput } from "../scenario/inputs.ts"
import { decodeScenario, type LoadedScenario, type ScenarioSource } from "../scenario/load.ts"
import { type CompiledScenario, compileScenario } from "./compiled.ts"
import { drawMicro, microDomain } from "./exactNumber.ts"
import { REVENUE } from "./prepare.ts"
import { BOOKED_ROWS, type RunFigures } from "./runFigures.ts"

/** The figures every run reports per month, in this order (names as in the summary contract). */
export const FIGURES = [
  "users",
  "paying_users",
  "revenue",
  "variable_costs",
  "gross_profit",
  "gross_margin_pct",
  "net_profit",
  "cumulative_net_profit",
  "jettythunder_pool"
] as const

/** Plain data, so it crosses to worker threads by structured clone. */
export interface SimulationPayload {
  readonly source: ScenarioSource
}

const R = BOOKED_ROWS

/** Writes a run's figures into `values` (figures × months, row-major), as floats for the statistics. */
export const fillFigures = (run: RunFigures, values: Float64Array): void => {
  const { months, tiers: K } = run
  for (let i = 0; i < months; i++) {
    let users = 0
    let paying = 0
    for (let k = 0; k < K; k++) {
      const n = run.users[i * K + k]!
      users += n
      if (k > 0) paying += n
    }
    const margin = run.grossMarginTenths[i]!
    // cents / 100 and tenths / 10 are the nearest floats to the exact amounts (one correctly rounded division)
    values[i] = users
    values[months + i] = paying
    values[2 * months + i] = run.booked[i * R + REVENUE]! / 100
    values[3 * months + i] = run.variableCosts[i]! / 100
    values[4 * months + i] = run.grossProfit[i]! / 100
    values[5 * months + i] = Number.isNaN(margin) ? 0 : margin / 10
    values[6 * months + i] = run.netProfit[i]! / 100
    values[7 * months + i] = run.cumulativeNetProfit[i]! / 100
    values[8 * months + i] = run.jettythunderPool[i]! / 100
  }
}

/**
 * Runs of a loaded scenario with every uncertain input drawn: the scenario is compiled once, each run writes its
 * draws and returns its figures month by month (a buffer reused by the next run: copy what you keep). Draws the fast
 * path declines go through the exact engine, so every figure is the exact engine's.
 */
export const drawnRuns = (loaded: LoadedScenario): { readonly compiled: CompiledScenario; readonly run: (rng: Rng) => RunFigures } => {
  const inputs = loaded.inputs
  const domains = inputs.map((i) => domainOf(i.target))
  const micro = domains.map(microDomain)
  const sampler = Result.getOrThrow(
    makeSampler(
      inputs.map((i) => ({ id: i.id, dist: i.dist })),
      (loaded.state.scenario.correlations ?? []).map((c) => ({ a: c.a, b: c.b, rank: c.rank }))
    )
  )
  const compiled = compileScenario(
    loaded.state,
    inputs.map((i, j) => ({ target: i.target, domain: domains[j]!, current: getInput(loaded.state, i.target)! }))
  )
  const values = new Float64Array(inputs.length)
  return {
    compiled,
    run: (rng) => {
      const x = sampler(rng)
      for (let j = 0; j < x.length; j++) values[j] = drawMicro(x[j]!, micro[j]!)
      return compiled.runMicro(values) ? compiled.figures : compiled.runExact(inputs.map((_, j) => fromDraw(x[j]!, domains[j]!)))
    }
  }
}

export const createSimulation = (payload: SimulationPayload): Simulation => {
  const decoded = decodeScenario(payload.source)
  if (Result.isFailure(decoded)) throw new Error(decoded.failure.message)
  const loaded = decoded.success
  const months = loaded.state.scenario.horizon_months
  const { run } = drawnRuns(loaded)
  const values = new Float64Array(FIGURES.length * months)
  return {
    months,
    figures: FIGURES,
    run: (rng) => {
      const figures = run(rng)
      fillFigures(figures, values)
      return { values, breakEvenMonth: figures.breakEvenIndex }
    }
  }
}
