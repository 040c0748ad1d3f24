// The scenario engine as a Monte Carlo simulation module (montecarlo/simulation.ts contract): each worker decodes and
// compiles the scenario once (compiled.ts), then every run writes its draws into the compiled scenario, projects it
// (exact to the cent; a draw the fast path declines goes through the exact engine) and hands back the month figures
// as floats for the statistics.
import * as Result from "effect/Result"
import { sustainedBreakEvenIndex } from "../../model/index.ts"
import { makeSampler } from "../montecarlo/correlation.ts"
import type { Rng } from "../montecarlo/prng.ts"
import type { Simulation } from "../montecarlo/simulation.ts"
import { domainOf, fromDraw, getInput } from "../scenario/inputs.ts"
import { decodeScenario, type LoadedScenario, type ScenarioSource } from "../scenario/load.ts"
import { type CompiledScenario, compileScenario } from "./compiled.ts"
import { drawMicro, microDomain } from "./exactNumber.ts"
import { MONTE_CARLO_FIGURES } from "./outputCatalogue.ts"
import { REVENUE } from "./prepare.ts"
import { BOOKED_ROWS, type RunFigures } from "./runFigures.ts"

/** The figures every run reports per month, in this order (the catalogue's Monte Carlo figures). */
export const FIGURES = MONTE_CARLO_FIGURES

/** Plain data, so it crosses to worker threads by structured clone. */
export interface SimulationPayload {
  readonly source: ScenarioSource
}

const R = BOOKED_ROWS

/**
 * Writes a run's figures into `values` (figures × months, row-major), as the floats the statistics use: cents / 100
 * and tenths / 10 are the nearest floats to the exact amounts (one correctly rounded division), as the exact engine's
 * BigDecimal figures give them.
 */
export const fillFigures = (run: RunFigures, values: Float64Array): void => {
  const { months, tiers: K } = run
  for (let f = 0; f < FIGURES.length; f++) {
    const at = f * months
    const figure = FIGURES[f]!
    if (figure === "users" || figure === "paying_users") {
      for (let i = 0; i < months; i++) {
        let n = 0
        for (let k = figure === "users" ? 0 : 1; k < K; k++) n += run.users[i * K + k]!
        values[at + i] = n
      }
    } else if (figure === "gross_margin_pct") {
      for (let i = 0; i < months; i++) {
        const tenths = run.grossMarginTenths[i]!
        values[at + i] = Number.isNaN(tenths) ? 0 : tenths / 10
      }
    } else {
      const [cents, stride, offset] = CENTS[figure](run)
      for (let i = 0; i < months; i++) values[at + i] = cents[i * stride + offset]! / 100
    }
  }
}

/** Where each money figure's cents are in a run: the array, its stride per month, the offset in a month. */
const CENTS: Record<Exclude<(typeof FIGURES)[number], "users" | "paying_users" | "gross_margin_pct">, (run: RunFigures) => readonly [Float64Array, number, number]> = {
  revenue: (run) => [run.booked, R, REVENUE],
  variable_costs: (run) => [run.variableCosts, 1, 0],
  gross_profit: (run) => [run.grossProfit, 1, 0],
  net_profit: (run) => [run.netProfit, 1, 0],
  cumulative_net_profit: (run) => [run.cumulativeNetProfit, 1, 0],
  jettythunder_pool: (run) => [run.jettythunderPool, 1, 0]
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
      // P(break-even by M) counts a run once its net profit stays ≥ 0 to the horizon (model's sustained break-even)
      return { values, breakEvenMonth: sustainedBreakEvenIndex(months, (i) => figures.netProfit[i]! < 0) }
    }
  }
}
