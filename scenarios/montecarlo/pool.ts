// Runs N Monte Carlo runs of a simulation module over W worker threads and merges their sketches into percentile
// bands and break-even probabilities. Run i always uses stream (seed, i), and sketch merging is exact, so the
// result is identical for any W.
import { availableParallelism } from "node:os"
import { Worker } from "node:worker_threads"
import { Effect, Schema } from "effect"
import { ChunkFailure, ChunkRunner, loadSimulation, type ChunkRequest, type ChunkSummary } from "./runChunk.ts"
import { DEFAULT_RELATIVE_ACCURACY, QuantileSketch } from "./sketch.ts"
import type { WorkerMessage } from "./worker.ts"

export { progressBar } from "./progressBar.ts"

export interface MonteCarloOptions {
  /** module exporting `createSimulation(payload)` (see simulation.ts), e.g. `new URL("./sim.ts", import.meta.url)` */
  readonly simulation: URL | string
  /** handed to `createSimulation` in every worker: must survive structured clone (plain JSON data is safest) */
  readonly payload: unknown
  readonly runs: number
  /** non-negative safe integer */
  readonly seed: number
  /** worker threads; default os.availableParallelism(). 1 runs inline on this thread, without a worker. */
  readonly workers?: number
  /** sketch relative accuracy α (see sketch.ts); default 0.001 */
  readonly relativeAccuracy?: number
  /** called with (runs done, total) every `progressEvery` runs per worker, and once at the end */
  readonly onProgress?: (done: number, total: number) => void
  readonly progressEvery?: number
  /** aborting stops the runs (workers are terminated, the inline loop stops at its next slice) and rejects */
  readonly signal?: AbortSignal
}

export interface PercentileBand {
  readonly monthIndex: number
  readonly p5: number
  readonly p50: number
  readonly p95: number
}

export interface MonteCarloResult {
  readonly runs: number
  readonly seed: number
  readonly months: number
  /** sketch relative accuracy: each percentile is within this relative error of the exact sample percentile */
  readonly relativeAccuracy: number
  readonly percentiles: Record<string, ReadonlyArray<PercentileBand>>
  /** pBreakEvenByMonth[m] = share of runs that had broken even at or before month m (cumulative, non-decreasing) */
  readonly pBreakEvenByMonth: ReadonlyArray<number>
}

export class MonteCarloError extends Schema.TaggedError<MonteCarloError>()("MonteCarloError", {
  message: Schema.String,
  /** the run that failed (reproduce it alone with `new Rng(seed, runIndex)`), or -1 for setup / options */
  runIndex: Schema.Number
}) {}

const check = (ok: boolean, message: string): void => {
  if (!ok) throw new MonteCarloError({ message, runIndex: -1 })
}

/** Splits [0, runs) into `workers` contiguous chunks whose sizes differ by at most one. */
export const chunkBounds = (runs: number, workers: number): ReadonlyArray<readonly [number, number]> =>
  Array.from({ length: workers }, (_, w) => [Math.floor((w * runs) / workers), Math.floor(((w + 1) * runs) / workers)] as const)

/**
 * Runs the simulation `runs` times. Rejects with MonteCarloError (bad options, a module without
 * createSimulation, a run that throws or returns non-finite values).
 */
export const runMonteCarlo = async (options: MonteCarloOptions): Promise<MonteCarloResult> => {
  const { runs, seed } = options
  check(Number.isSafeInteger(runs) && runs > 0, `runs must be a positive integer (got ${runs})`)
  check(Number.isSafeInteger(seed) && seed >= 0, `seed must be a non-negative safe integer (got ${seed})`)
  const requested = options.workers ?? availableParallelism()
  check(Number.isInteger(requested) && requested > 0, `workers must be a positive integer (got ${requested})`)
  const workers = Math.min(requested, runs)
  const relativeAccuracy = options.relativeAccuracy ?? DEFAULT_RELATIVE_ACCURACY
  check(relativeAccuracy > 0 && relativeAccuracy < 1, `relativeAccuracy must be in (0, 1) (got ${relativeAccuracy})`)
  const progressEvery = Math.max(1, options.progressEvery ?? 250)
  const moduleUrl = typeof options.simulation === "string" ? options.simulation : options.simulation.href
  const onProgress = options.onProgress ?? (() => {})

  const requests: ReadonlyArray<ChunkRequest> = chunkBounds(runs, workers).map(([start, end]) => ({
    moduleUrl, payload: options.payload, seed, start, end, relativeAccuracy
  }))
  const signal = options.signal ?? new AbortController().signal
  if (signal.aborted) throw interrupted()
  const summaries = workers === 1
    ? await runInline(requests[0] as ChunkRequest, (done) => onProgress(done, runs), progressEvery, signal)
    : await runInWorkers(requests, runs, onProgress, progressEvery, signal)
  onProgress(runs, runs)
  return summarise(summaries, runs, seed, relativeAccuracy)
}

/** runMonteCarlo as an Effect failing with MonteCarloError (interrupting it does not stop running workers early). */
export const runMonteCarloEffect = (options: MonteCarloOptions): Effect.Effect<MonteCarloResult, MonteCarloError> =>
  Effect.tryPromise({
    try: () => runMonteCarlo(options),
    catch: (e) => (e instanceof MonteCarloError ? e : new MonteCarloError({ message: String(e), runIndex: -1 }))
  })

const interrupted = () => new MonteCarloError({ message: "Monte Carlo interrupted", runIndex: -1 })

/** Runs between two looks at the event loop on the inline path: ~0.1 s of work, so Ctrl-C is heard well within a second. */
const INLINE_SLICE = 250

/**
 * The single-worker path, on this thread: the chunk runs in slices with a turn of the event loop between them, so a
 * signal (Ctrl-C) can abort it; one summary grows over the slices, so the result is the same as in one go.
 */
const runInline = async (
  request: ChunkRequest,
  onProgress: (done: number) => void,
  progressEvery: number,
  signal: AbortSignal
): Promise<ReadonlyArray<ChunkSummary>> => {
  try {
    const sim = await loadSimulation(request.moduleUrl, request.payload)
    const runner = new ChunkRunner(sim, request)
    for (let from = request.start; from < request.end; from += INLINE_SLICE) {
      await new Promise((resolve) => setImmediate(resolve))
      if (signal.aborted) throw interrupted()
      runner.run(from, Math.min(request.end, from + INLINE_SLICE), onProgress, progressEvery)
    }
    return [runner.summary()]
  } catch (e) {
    if (e instanceof MonteCarloError) throw e
    throw new MonteCarloError({
      message: e instanceof Error ? e.message : String(e),
      runIndex: e instanceof ChunkFailure ? e.runIndex : -1
    })
  }
}

const WORKER_URL = new URL("./worker.ts", import.meta.url)

const runInWorkers = (
  requests: ReadonlyArray<ChunkRequest>,
  total: number,
  onProgress: (done: number, total: number) => void,
  progressEvery: number,
  signal: AbortSignal
): Promise<ReadonlyArray<ChunkSummary>> =>
  new Promise((resolve, reject) => {
    const done = new Array<number>(requests.length).fill(0)
    const summaries = new Array<ChunkSummary | undefined>(requests.length)
    let finished = 0
    let failed = false
    const threads = requests.map((request) => new Worker(WORKER_URL, { workerData: { request, progressEvery } }))
    const fail = (error: MonteCarloError): void => {
      if (failed) return
      failed = true
      for (const t of threads) void t.terminate()
      reject(error)
    }
    signal.addEventListener("abort", () => fail(interrupted()), { once: true })
    threads.forEach((thread, w) => {
      thread.on("message", (m: WorkerMessage) => {
        if (m.type === "progress") {
          done[w] = m.done
          onProgress(done.reduce((a, b) => a + b, 0), total)
        } else if (m.type === "done") {
          summaries[w] = m.summary
          finished++
          void thread.terminate()
          if (finished === requests.length) resolve(summaries as ReadonlyArray<ChunkSummary>)
        } else {
          fail(new MonteCarloError({ message: m.message, runIndex: m.runIndex }))
        }
      })
      thread.on("error", (e) => fail(new MonteCarloError({ message: `worker crashed: ${e.message}`, runIndex: -1 })))
      thread.on("exit", (code) => {
        if (summaries[w] === undefined) fail(new MonteCarloError({ message: `worker exited (code ${code}) before reporting`, runIndex: -1 }))
      })
    })
  })

/** Merges per-chunk summaries (order-independent) into percentile bands and cumulative break-even probabilities. */
export const summarise = (
  summaries: ReadonlyArray<ChunkSummary>,
  runs: number,
  seed: number,
  relativeAccuracy: number
): MonteCarloResult => {
  const first = summaries[0]
  if (first === undefined) throw new MonteCarloError({ message: "no chunk summaries to merge", runIndex: -1 })
  const { months, figures } = first
  for (const s of summaries) {
    if (s.months !== months || s.figures.join("\u0000") !== figures.join("\u0000")) {
      throw new MonteCarloError({ message: "workers built different simulations (months or figures differ): createSimulation must be deterministic", runIndex: -1 })
    }
  }
  const percentiles: Record<string, Array<PercentileBand>> = {}
  figures.forEach((figure, f) => {
    const bands: Array<PercentileBand> = []
    for (let m = 0; m < months; m++) {
      const sketch = new QuantileSketch(relativeAccuracy)
      for (const s of summaries) sketch.merge(QuantileSketch.fromJSON(s.sketches[f * months + m] as ChunkSummary["sketches"][number]))
      bands.push({ monthIndex: m, p5: sketch.quantile(0.05), p50: sketch.quantile(0.5), p95: sketch.quantile(0.95) })
    }
    percentiles[figure] = bands
  })
  const pBreakEvenByMonth: Array<number> = []
  let cumulative = 0
  for (let m = 0; m < months; m++) {
    for (const s of summaries) cumulative += s.breakEvenAt[m] as number
    pBreakEvenByMonth.push(cumulative / runs)
  }
  return { runs, seed, months, relativeAccuracy, percentiles, pBreakEvenByMonth }
}

export interface Measurement {
  readonly result: MonteCarloResult
  readonly workers: number
  readonly wallMs: number
  readonly runsPerSecond: number
  /** highest process RSS sampled every 20 ms during the run (workers are threads: included) */
  readonly peakRssBytes: number
}

/**
 * For scenarios/bench.ts: times one runMonteCarlo and samples RSS. Comparing peakRssBytes at 10^4 and 10^5 runs
 * shows memory flat in N (only the sketches' bucket ranges, not the runs, are kept).
 */
export const measure = async (options: MonteCarloOptions): Promise<Measurement> => {
  let peak = process.memoryUsage.rss()
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()) }, 20)
  const t0 = performance.now()
  try {
    const result = await runMonteCarlo(options)
    const wallMs = performance.now() - t0
    peak = Math.max(peak, process.memoryUsage.rss())
    return {
      result,
      workers: Math.min(options.workers ?? availableParallelism(), options.runs),
      wallMs,
      runsPerSecond: (options.runs * 1000) / wallMs,
      peakRssBytes: peak
    }
  } finally {
    clearInterval(timer)
  }
}
