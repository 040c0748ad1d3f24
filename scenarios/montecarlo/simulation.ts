// The contract between the Monte Carlo pool and a model: a module URL exporting `createSimulation(payload)`.
// Workers import that module themselves, so a simulation crosses threads as (URL, JSON payload), never as a closure.
import type { Rng } from "./prng.ts"

/** The outcome of one run. */
export interface RunOutcome {
  /** figures × months, row-major: values[f * months + m]. May be a buffer the simulation reuses between runs. */
  readonly values: Float64Array
  /** first month index at which the run broke even, or -1 if it never did within the horizon */
  readonly breakEvenMonth: number
}

export interface Simulation {
  readonly months: number
  readonly figures: ReadonlyArray<string>
  /**
   * One run. Everything random must come from `rng` (already positioned at this run's own stream) and nothing may
   * carry over from earlier runs: that is what makes run i identical on any worker.
   */
  readonly run: (rng: Rng) => RunOutcome
}

/** What a simulation module must export under the name `createSimulation`; called once per worker. */
export type CreateSimulation<P = unknown> = (payload: P) => Simulation | Promise<Simulation>
