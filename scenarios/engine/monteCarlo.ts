// Monte Carlo over a scenario: N runs from a seed on W worker threads (same result for any W), summarised as p5/p50/p95
// per month for the main figures and the probability of having broken even by each month, in the summary contract.
import { runMonteCarlo } from "../montecarlo/pool.ts"
import type { MonteCarlo } from "./summaryContract.ts"
import type { LoadedScenario } from "../scenario/load.ts"
import { monthKeyAt } from "./prepare.ts"
import type { SimulationPayload } from "./scenarioSimulation.ts"

export const SIMULATION_MODULE = new URL("./scenarioSimulation.ts", import.meta.url)

export interface MonteCarloRun {
  readonly runs: number
  readonly seed: number
  /** default: all cores */
  readonly workers?: number
  readonly onProgress?: (done: number, total: number) => void
  /** Ctrl-C: aborting stops the runs and rejects */
  readonly signal?: AbortSignal
}

export interface MonteCarloJson extends MonteCarlo {
  /** each percentile is within this relative error of the exact sample percentile (quantile sketch) */
  readonly relative_accuracy: number
  /** how many inputs were drawn per run */
  readonly uncertain_inputs: ReadonlyArray<string>
}

// Percentiles are statistics with a stated 0.1% error: two decimals is all they can honestly show.
const twoPlaces = (x: number): number => Math.round(x * 100) / 100

export const monteCarloOf = async (loaded: LoadedScenario, options: MonteCarloRun): Promise<MonteCarloJson> => {
  const payload: SimulationPayload = { source: loaded.source }
  const result = await runMonteCarlo({
    simulation: SIMULATION_MODULE,
    payload,
    runs: options.runs,
    seed: options.seed,
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.signal === undefined ? {} : { signal: options.signal })
  })
  const horizonMonths = loaded.state.scenario.horizon_months
  const keyOf = (i: number) => monthKeyAt(loaded.state.scenario.start, i)
  return {
    runs: result.runs,
    seed: result.seed,
    relative_accuracy: result.relativeAccuracy,
    uncertain_inputs: loaded.inputs.map((i) => i.id),
    percentiles: Object.fromEntries(
      Object.entries(result.percentiles).map(([figure, bands]) => [
        figure,
        bands.slice(0, horizonMonths).map((b) => ({ month: keyOf(b.monthIndex), p5: twoPlaces(b.p5), p50: twoPlaces(b.p50), p95: twoPlaces(b.p95) }))
      ])
    ),
    p_break_even_by_month: result.pBreakEvenByMonth.map((p, i) => ({ month: keyOf(i), p }))
  }
}
