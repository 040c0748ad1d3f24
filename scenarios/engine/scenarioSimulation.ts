// The scenario engine as a Monte Carlo simulation module (montecarlo/simulation.ts contract): each worker decodes the
// scenario once, then every run writes its draws into the decoded inputs, compiles and projects with the same engine
// code as the deterministic run, and hands back the month figures as floats for the statistics.
import * as BigDecimal from "effect/BigDecimal"
import * as Result from "effect/Result"
import { sustainedBreakEvenIndex } from "../../model/index.ts"
import { makeSampler } from "../montecarlo/correlation.ts"
import type { Rng } from "../montecarlo/prng.ts"
import type { Simulation } from "../montecarlo/simulation.ts"
import { domainOf, fromDraw, setInput } from "../scenario/inputs.ts"
import { decodeScenario, type LoadedScenario, type ScenarioSource, type ScenarioState } from "../scenario/load.ts"
import { prepare } from "./prepare.ts"
import { type MonthResult, project, type Projection } from "./project.ts"
import { MONTE_CARLO_FIGURES } from "./outputCatalogue.ts"
import { outputValue } from "./outputs.ts"

/** The figures every run reports per month, in this order (the catalogue's Monte Carlo figures). */
export const FIGURES = MONTE_CARLO_FIGURES

/** Plain data, so it crosses to worker threads by structured clone. */
export interface SimulationPayload {
  readonly source: ScenarioSource
}

/** Statistics only: an exact booked amount as the nearest float (division of exact integers is correctly rounded). */
export const toFloat = (d: BigDecimal.BigDecimal): number => Number(d.value) / 10 ** d.scale

const figureValue = (m: MonthResult, f: number): number => toFloat(outputValue(m, FIGURES[f]!))

/** Writes a projection's figures into `values` (figures × months, row-major). */
export const fillFigures = (p: Projection, values: Float64Array): void => {
  const months = p.months.length
  for (let f = 0; f < FIGURES.length; f++) {
    for (let i = 0; i < months; i++) values[f * months + i] = figureValue(p.months[i]!, f)
  }
}

/** A runner over an already loaded scenario: one draw of every uncertain input, then the engine. */
export const scenarioRunner = (loaded: LoadedScenario): ((rng: Rng) => Projection) => {
  const inputs = loaded.inputs
  const domains = inputs.map((i) => domainOf(i.target))
  const sampler = Result.getOrThrow(
    makeSampler(
      inputs.map((i) => ({ id: i.id, dist: i.dist })),
      (loaded.state.scenario.correlations ?? []).map((c) => ({ a: c.a, b: c.b, rank: c.rank }))
    )
  )
  return (rng) => {
    const x = sampler(rng)
    let state: ScenarioState = loaded.state
    for (let j = 0; j < inputs.length; j++) state = setInput(state, inputs[j]!.target, fromDraw(x[j]!, domains[j]!))
    return project(prepare(state))
  }
}

export const createSimulation = (payload: SimulationPayload): Simulation => {
  const decoded = decodeScenario(payload.source)
  if (Result.isFailure(decoded)) throw new Error(decoded.failure.message)
  const loaded = decoded.success
  const months = loaded.state.scenario.horizon_months
  const runOnce = scenarioRunner(loaded)
  const values = new Float64Array(FIGURES.length * months)
  return {
    months,
    figures: FIGURES,
    run: (rng) => {
      const p = runOnce(rng)
      fillFigures(p, values)
      // P(break-even by M) counts a run once its net profit stays ≥ 0 to the horizon (model's sustained break-even)
      return { values, breakEvenMonth: sustainedBreakEvenIndex(p.months.length, (i) => BigDecimal.isNegative(p.months[i]!.netProfit)) }
    }
  }
}
