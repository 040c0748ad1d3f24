// `npm run bench`: how fast the scenario engine is, against a minimal hand-written float loop doing the same per-month
// arithmetic, measured in the same run: user-months/s of the deterministic engine, Monte Carlo runs/s, how time grows
// with runs × months, and peak memory against the number of runs.
import { spawnSync } from "node:child_process"
import { availableParallelism } from "node:os"
import { fileURLToPath } from "node:url"
import * as Result from "effect/Result"
import { prepare, type EngineInput } from "./engine/prepare.ts"
import { project } from "./engine/project.ts"
import { SIMULATION_MODULE } from "./engine/monteCarlo.ts"
import { createSimulation, type SimulationPayload } from "./engine/scenarioSimulation.ts"
import { makeSampler } from "./montecarlo/correlation.ts"
import { measure } from "./montecarlo/pool.ts"
import { Rng } from "./montecarlo/prng.ts"
import { runChunk } from "./montecarlo/runChunk.ts"
import { DEFAULT_RELATIVE_ACCURACY } from "./montecarlo/sketch.ts"
import { decodeScenario, type LoadedScenario } from "./scenario/load.ts"
import { DEFAULT_SHEET_PATH, readYamlFile } from "../io/sheetFile.ts"

const SCENARIO = "scenarios/mixed-growth-36m.yaml"

/** The mixed-growth scenario stretched to `months` (its inputs unchanged). */
const scenarioFor = (months: number): LoadedScenario => {
  const tree = Result.getOrThrow(readYamlFile(SCENARIO)) as Record<string, unknown>
  const sheetTree = Result.getOrThrow(readYamlFile(DEFAULT_SHEET_PATH))
  const r = decodeScenario({ file: SCENARIO, tree: { ...tree, horizon_months: months }, sheetFile: DEFAULT_SHEET_PATH, sheetTree })
  if (Result.isFailure(r)) throw new Error(r.failure.message)
  return r.success
}

/**
 * The baseline: the engine's per-month arithmetic written as a spreadsheet would do it, in floats (fractional users,
 * no rounding, no booking), from the same compiled rates and per-user amounts. It is the speed to compare with.
 */
const baselineLoop = (input: EngineInput) => {
  const K = input.tiers.length
  const rows = input.rowScale.length
  const per = input.tables.map((t) => t.map((v, idx) => Number(v) / 10 ** input.rowScale[Math.floor(idx / K)]!))
  const f = input.flows
  const churn = f.churnPpm.map((x) => x / 1e6)
  const up = f.upPpm.map((x) => x / 1e6)
  const down = f.downPpm.map((x) => x / 1e6)
  const conv = f.conversionPpm.map((x) => x / 1e6)
  const signups = f.signupsMicro.map((x) => x / 1e6)
  const fixed = input.fixed.map((x) => Number(x.value) / 10 ** x.scale)
  const months = input.monthKeys.length
  return (): { userMonths: number; cumulative: number; breakEven: number } => {
    const users = Float64Array.from(f.start)
    const prev = new Float64Array(K)
    let cumulative = 0
    let breakEven = -1
    let userMonths = 0
    for (let i = 0; i < months; i++) {
      prev.set(users)
      for (let k = 0; k < K; k++) {
        const n = prev[k]!
        users[k] = users[k]! - n * churn[k]!
        if (k === 0) {
          for (let j = 1; j < K; j++) {
            users[0] = users[0]! - n * conv[j]!
            users[j] = users[j]! + n * conv[j]!
          }
        } else {
          users[k] = users[k]! - n * down[k]!
          users[k - 1] = users[k - 1]! + n * down[k]!
        }
        if (k < K - 1) {
          users[k] = users[k]! - n * up[k]!
          users[k + 1] = users[k + 1]! + n * up[k]!
        }
      }
      for (let k = 0; k < K; k++) {
        users[k] = users[k]! + signups[k * months + i]!
        userMonths += users[k]!
      }
      const table = per[input.tableOf[i]!]!
      let variable = 0
      let revenue = 0
      for (let r = 0; r < rows; r++) {
        let acc = 0
        for (let k = 0; k < K; k++) acc += table[r * K + k]! * users[k]!
        if (r === rows - 1) revenue = acc
        else variable += acc
      }
      const net = revenue - variable - fixed[i]!
      cumulative += net
      if (breakEven < 0 && net >= 0) breakEven = i
    }
    return { userMonths, cumulative, breakEven }
  }
}

/** Best of `repeats` timings of `iterations` calls, in ms (best-of removes GC and JIT noise from a comparison). */
const time = (iterations: number, repeats: number, f: () => void): number => {
  let best = Infinity
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now()
    for (let i = 0; i < iterations; i++) f()
    best = Math.min(best, performance.now() - t0)
  }
  return best
}

const fmt = (n: number, digits = 0): string => {
  const f = 10 ** digits
  return (Math.round(n * f) / f).toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
}
const mb = (bytes: number) => `${fmt(bytes / 1e6)} MB`

const main = async () => {
  const cores = availableParallelism()
  const workers = Math.min(2, cores)
  console.log(`Scenario engine benchmark: ${SCENARIO} stretched to 60 months; Node ${process.version}, ${cores} cores\n`)

  // 1. deterministic engine vs the float loop
  const loaded = scenarioFor(60)
  const input = prepare(loaded.state)
  const p = project(input)
  const userMonths = p.months.reduce((a, m) => a + m.users.reduce((x, y) => x + y, 0), 0)
  const baseline = baselineLoop(input)
  const iterations = 300
  time(50, 1, () => project(prepare(loaded.state)))
  time(500, 1, baseline)
  const engineMs = time(iterations, 5, () => project(prepare(loaded.state)))
  const baseMs = time(iterations * 20, 5, baseline) / 20
  const engineRate = (userMonths * iterations) / (engineMs / 1000)
  const baseRate = (userMonths * iterations) / (baseMs / 1000)
  console.log("1. Deterministic projection (compile + project, exact BigDecimal, whole users)")
  console.log(`   engine:   ${fmt(engineMs * 1000 / iterations)} µs per 60-month run (${fmt(60 * iterations / (engineMs / 1000))} months/s), ` +
    `${fmt(engineRate / 1e6, 1)} M user-months/s (${fmt(userMonths)} user-months a run: the engine works per tier, not per user)`)
  console.log(`   baseline: ${fmt(baseMs * 1000 / iterations, 1)} µs per run, ${fmt(baseRate / 1e6, 1)} M user-months/s (float loop, same arithmetic)`)
  console.log(`   ratio:    the exact engine takes ${fmt(engineMs / baseMs, 1)}× the float loop's time`)

  // 2. Monte Carlo runs/s vs the float loop with the same draws, single-threaded
  const payload: SimulationPayload = { source: loaded.source }
  const runs = 10_000
  const mc = await measure({ simulation: SIMULATION_MODULE, payload, runs, seed: 1, workers })
  const mc1 = await measure({ simulation: SIMULATION_MODULE, payload, runs: 2_000, seed: 1, workers: 1 })
  const sampler = Result.getOrThrow(makeSampler(loaded.inputs.map((i) => ({ id: i.id, dist: i.dist })), (loaded.state.scenario.correlations ?? []).map((c) => ({ ...c }))))
  const rng = new Rng(1, 0)
  const baseRunMs = time(2_000, 3, () => {
    sampler(rng)
    baseline()
  }) / 2_000
  console.log(`\n2. Monte Carlo, ${loaded.inputs.length} uncertain inputs, 60 months, percentiles by streaming sketch`)
  console.log(`   ${fmt(runs)} runs on ${mc.workers} workers: ${fmt(mc.wallMs)} ms wall, ${fmt(mc.runsPerSecond)} runs/s (includes worker start-up)`)
  console.log(`   2,000 runs on 1 thread: ${fmt(mc1.wallMs)} ms, ${fmt(mc1.runsPerSecond)} runs/s`)
  console.log(`   baseline (draws + float loop, 1 thread): ${fmt(1000 / baseRunMs)} runs/s`)
  console.log(`   ratio:    1 thread ${fmt((1000 / baseRunMs) / mc1.runsPerSecond, 1)}× slower than the float loop; ${mc.workers} workers ${fmt((1000 / baseRunMs) / mc.runsPerSecond, 1)}×`)

  // 3. time against runs × months: a + b · (runs × months)
  console.log(`\n3. Time against runs × months (${workers} workers)`)
  const points: Array<{ runs: number; months: number; ms: number }> = []
  for (const months of [12, 36, 60]) {
    const l = scenarioFor(months)
    for (const n of [2_500, 5_000, 10_000]) {
      const m = await measure({ simulation: SIMULATION_MODULE, payload: { source: l.source }, runs: n, seed: 2, workers })
      points.push({ runs: n, months, ms: m.wallMs })
    }
  }
  const xs = points.map((q) => q.runs * q.months)
  const ys = points.map((q) => q.ms)
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length
  const my = ys.reduce((a, b) => a + b, 0) / ys.length
  const b = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0)
  const a = my - b * mx
  const ssRes = ys.reduce((s, y, i) => s + (y - (a + b * xs[i]!)) ** 2, 0)
  const ssTot = ys.reduce((s, y) => s + (y - my) ** 2, 0)
  for (const q of points) {
    const fit = a + b * q.runs * q.months
    console.log(`   ${fmt(q.runs).padStart(6)} runs × ${String(q.months).padStart(2)} months: ${fmt(q.ms).padStart(6)} ms (fit ${fmt(fit)} ms)`)
  }
  console.log(`   fit: ${fmt(a)} ms start-up + ${fmt(b * 1000, 2)} µs per run-month; R² = ${fmt(1 - ssRes / ssTot, 4)} (1 = exactly linear)`)

  // 4. peak memory against N, each N in a fresh process so earlier sections' heaps do not count
  console.log(`\n4. Peak memory (process RSS, worker threads included, fresh process each) against runs, 60 months, ${workers} workers`)
  const child = (args: ReadonlyArray<string>) => {
    const c = spawnSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), ...args], { encoding: "utf8" })
    if (c.status !== 0) throw new Error(`memory run failed: ${c.stderr}`)
    return JSON.parse(c.stdout) as Record<string, number>
  }
  for (const n of [1_000, 10_000, 30_000]) {
    const m = child(["--memory", String(n), String(workers)])
    console.log(`   ${fmt(n).padStart(6)} runs: peak RSS ${mb(m["peak"]!)} (${mb(m["idle"]!)} before starting), ${fmt(m["ms"]!)} ms`)
  }
  console.log("   RSS follows V8's heap sizing under a high allocation rate (garbage not yet collected), not data kept.")
  console.log("   What a run keeps (1 thread, heap used after a full GC, sketches included):")
  for (const n of [2_000, 20_000]) {
    const m = child(["--retained", String(n)])
    console.log(`   ${fmt(n).padStart(6)} runs: ${mb(m["heap"]!)} heap used, ${fmt(m["buckets"]!)} sketch buckets (they grow with the log of the range seen)`)
  }
}

/** Child process: peak RSS of one pool run. */
const memoryRun = async (runs: number, workers: number) => {
  const loaded = scenarioFor(60)
  const idle = process.memoryUsage.rss()
  const m = await measure({ simulation: SIMULATION_MODULE, payload: { source: loaded.source }, runs, seed: 3, workers })
  process.stdout.write(JSON.stringify({ peak: m.peakRssBytes, ms: m.wallMs, idle }))
}

/** Child process (--expose-gc): heap still used after N runs summarised inline, i.e. what the summary keeps. */
const retainedRun = async (runs: number) => {
  const loaded = scenarioFor(60)
  const sim = createSimulation({ source: loaded.source })
  const summary = runChunk(sim, { seed: 4, start: 0, end: runs, relativeAccuracy: DEFAULT_RELATIVE_ACCURACY })
  ;(globalThis as { gc?: () => void }).gc?.()
  const buckets = summary.sketches.reduce((a, k) => a + k.positive.counts.length + k.negative.counts.length, 0)
  process.stdout.write(JSON.stringify({ heap: process.memoryUsage().heapUsed, buckets }))
}

const flag = (name: string) => process.argv.indexOf(name)
if (flag("--memory") >= 0) await memoryRun(Number(process.argv[flag("--memory") + 1]), Number(process.argv[flag("--memory") + 2]))
else if (flag("--retained") >= 0) await retainedRun(Number(process.argv[flag("--retained") + 1]))
else await main()
