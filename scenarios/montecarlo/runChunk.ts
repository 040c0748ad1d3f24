// Runs a contiguous range of run indices and summarises it online: one quantile sketch per (figure, month) and a
// histogram of break-even months. Shared by the worker thread and the pool's inline (single-worker) path.
import { Rng } from "./prng.ts"
import type { CreateSimulation, Simulation } from "./simulation.ts"
import { QuantileSketch, type SketchJson } from "./sketch.ts"

export interface ChunkRequest {
  /** URL (href) of a module exporting `createSimulation` */
  readonly moduleUrl: string
  readonly payload: unknown
  readonly seed: number
  /** first run index (inclusive) */
  readonly start: number
  /** last run index (exclusive) */
  readonly end: number
  readonly relativeAccuracy: number
}

export interface ChunkSummary {
  readonly runs: number
  readonly months: number
  readonly figures: ReadonlyArray<string>
  /** figures × months sketches, row-major like RunOutcome.values */
  readonly sketches: ReadonlyArray<SketchJson>
  /** breakEvenAt[m] = number of runs whose break-even month is exactly m */
  readonly breakEvenAt: ReadonlyArray<number>
}

/** A failure inside the simulation, located so the author can reproduce it (`runIndex` -1: while setting up). */
export class ChunkFailure extends Error {
  readonly runIndex: number
  constructor(message: string, runIndex: number) {
    super(message)
    this.runIndex = runIndex
  }
}

export const loadSimulation = async (moduleUrl: string, payload: unknown): Promise<Simulation> => {
  const mod: { readonly createSimulation?: unknown } = await import(moduleUrl)
  if (typeof mod.createSimulation !== "function") {
    throw new ChunkFailure(`simulation module ${moduleUrl} does not export a createSimulation(payload) function`, -1)
  }
  const sim = await (mod.createSimulation as CreateSimulation)(payload)
  if (!(Number.isInteger(sim.months) && sim.months > 0)) {
    throw new ChunkFailure(`createSimulation returned months = ${sim.months}; expected a positive integer`, -1)
  }
  return sim
}

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/**
 * Runs of one chunk, summarised online; `run(from, to)` may be called slice by slice (the inline path yields to the
 * event loop between slices), and the summary is the same as one call over the whole range.
 */
export class ChunkRunner {
  private readonly cells: number
  private readonly sketches: ReadonlyArray<QuantileSketch>
  private readonly breakEvenAt: Array<number>
  private readonly rng: Rng
  private readonly sim: Simulation
  private readonly request: Omit<ChunkRequest, "moduleUrl" | "payload">
  private runs = 0

  constructor(sim: Simulation, request: Omit<ChunkRequest, "moduleUrl" | "payload">) {
    this.sim = sim
    this.request = request
    this.cells = sim.figures.length * sim.months
    this.sketches = Array.from({ length: this.cells }, () => new QuantileSketch(request.relativeAccuracy))
    this.breakEvenAt = new Array<number>(sim.months).fill(0)
    this.rng = new Rng(request.seed, request.start)
  }

  /** Runs [from, to); `onProgress(done in chunk)` every `progressEvery` runs of the chunk. */
  run(from: number, to: number, onProgress: (doneInChunk: number) => void = () => {}, progressEvery = 250): void {
    const { months, figures } = this.sim
    const { cells, sketches, breakEvenAt, rng, request } = this
    for (let i = from; i < to; i++) {
      rng.reseed(request.seed, i)
      let outcome
      try {
        outcome = this.sim.run(rng)
      } catch (e) {
        throw new ChunkFailure(`run ${i} failed: ${describe(e)}`, i)
      }
      const { values, breakEvenMonth } = outcome
      if (values.length !== cells) {
        throw new ChunkFailure(`run ${i} returned ${values.length} values; expected figures × months = ${figures.length} × ${months} = ${cells}`, i)
      }
      for (let c = 0; c < cells; c++) {
        const v = values[c] as number
        if (!Number.isFinite(v)) {
          throw new ChunkFailure(`run ${i}: figure "${figures[Math.floor(c / months)]}" month ${c % months} is ${v}`, i)
        }
        ;(sketches[c] as QuantileSketch).add(v)
      }
      if (breakEvenMonth !== -1) {
        if (!(Number.isInteger(breakEvenMonth) && breakEvenMonth >= 0 && breakEvenMonth < months)) {
          throw new ChunkFailure(`run ${i} returned breakEvenMonth ${breakEvenMonth}; expected -1 or an index in [0, ${months})`, i)
        }
        breakEvenAt[breakEvenMonth]!++
      }
      this.runs++
      const done = i + 1 - request.start
      if (done % progressEvery === 0) onProgress(done)
    }
  }

  summary(): ChunkSummary {
    return {
      runs: this.runs,
      months: this.sim.months,
      figures: [...this.sim.figures],
      sketches: this.sketches.map((s) => s.toJSON()),
      breakEvenAt: [...this.breakEvenAt]
    }
  }
}

/** Runs [start, end) of `sim`; `onProgress(doneInChunk)` every `progressEvery` runs. */
export const runChunk = (
  sim: Simulation,
  request: Omit<ChunkRequest, "moduleUrl" | "payload">,
  onProgress: (doneInChunk: number) => void = () => {},
  progressEvery = 250
): ChunkSummary => {
  const runner = new ChunkRunner(sim, request)
  runner.run(request.start, request.end, onProgress, progressEvery)
  return runner.summary()
}
