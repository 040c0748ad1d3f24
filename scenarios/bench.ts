// `npm run bench`: the scenario engine against the targets of issue 11, every ratio against a baseline measured in the
// same run, every figure repeated (min / median / max) with the load average, in CPU time (robust on a shared
// machine) and wall time. `econ` is measured as a child process, as a user runs it; the numpy peer
// (scenarios/bench/peer.py) runs when a python3 with numpy is found. BENCH_REPEATS=N sets the repeats (default 3; the
// million-run figure at most 2); `node scenarios/bench.ts --peer-spec` prints the scenario as the peer reads it.
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import * as Result from "effect/Result"
import { compileScenario } from "./engine/compiled.ts"
import { floatOf } from "./engine/exactNumber.ts"
import { LEAF, leavesOf, usageLeaf } from "./engine/leaves.ts"
import { prepare, type EngineInput } from "./engine/prepare.ts"
import { project } from "./engine/project.ts"
import { TIER_IDS } from "../model/index.ts"
import { loadScenario, type LoadedScenario } from "./scenario/load.ts"
import { USAGE_DIMENSIONS } from "./scenario/schema.ts"

const SCENARIO = "scenarios/mixed-growth-36m.yaml"
const ROOT = fileURLToPath(new URL("..", import.meta.url))
const REPEATS = Number(process.env["BENCH_REPEATS"] ?? 3)

/**
 * The baseline: the engine's per-month arithmetic as a hand-written float loop (fractional users, no carries, no
 * rounding, no booking), from the same compiled rates and per-user amounts.
 */
const floatLoop = (input: EngineInput) => {
  const K = input.tiers.length
  const rows = input.rowScale.length
  const per = input.tables.map((t) => Float64Array.from(t, (v, idx) => Number(v) / 10 ** input.rowScale[Math.floor(idx / K)]!))
  const f = input.flows
  const rate = (a: ReadonlyArray<number>) => Float64Array.from(a, (x) => x / 1e6)
  const [churn, up, down, conv] = [rate(f.churnPpm), rate(f.upPpm), rate(f.downPpm), rate(f.conversionPpm)]
  const signups = rate(f.signupsMicro)
  const fixed = Float64Array.from(input.fixed, (x) => Number(x.value) / 10 ** x.scale)
  const months = input.monthKeys.length
  const users = new Float64Array(K)
  const prev = new Float64Array(K)
  return (): number => {
    users.set(f.start)
    let cumulative = 0
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
      for (let k = 0; k < K; k++) users[k] = users[k]! + signups[k * months + i]!
      const table = per[input.tableOf[i]!]!
      let variable = 0
      let revenue = 0
      for (let r = 0; r < rows; r++) {
        let acc = 0
        for (let k = 0; k < K; k++) acc += table[r * K + k]! * users[k]!
        if (r === rows - 1) revenue = acc
        else variable += acc
      }
      cumulative += revenue - variable - fixed[i]!
    }
    return cumulative
  }
}

interface Stat {
  readonly min: number
  readonly median: number
  readonly max: number
}
const stat = (xs: ReadonlyArray<number>): Stat => {
  const s = [...xs].sort((a, b) => a - b)
  return { min: s[0]!, median: s[Math.floor((s.length - 1) / 2)]!, max: s.at(-1)! }
}
const fmt = (n: number, digits = 2) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
const show = (s: Stat, unit: string, digits = 2) => `${fmt(s.median, digits)} ${unit} (min ${fmt(s.min, digits)}, max ${fmt(s.max, digits)})`
const load = () => loadavg().map((x) => x.toFixed(1)).join(" ")

/** µs per call of `f`, best of `repeats` batches after a warm-up (in-process: JIT noise only). */
const perCall = (f: () => unknown, calls: number): Array<number> => {
  for (let i = 0; i < calls; i++) f()
  return Array.from({ length: Math.max(REPEATS, 5) }, () => {
    const t0 = process.cpuUsage()
    for (let i = 0; i < calls; i++) f()
    const d = process.cpuUsage(t0)
    return (d.user + d.system) / calls
  })
}

interface ChildRun {
  readonly cpu: number
  readonly wall: number
  readonly rss: number
  readonly stdout: string
}

const usageFile = join(mkdtempSync(join(tmpdir(), "econ-bench-")), "usage.json")
const NODE = process.execPath

/** One `node …args` child: its CPU time (all threads), wall time and peak RSS, from the usage preload. */
const nodeChild = (args: ReadonlyArray<string>, preload = true): ChildRun => {
  rmSync(usageFile, { force: true })
  const t0 = performance.now()
  const c = spawnSync(NODE, [...(preload ? ["--import", "./scenarios/bench/usage.ts"] : []), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 1 << 26,
    env: { ...process.env, ECON_BENCH_USAGE: usageFile }
  })
  const wall = (performance.now() - t0) / 1000
  if (c.status !== 0) throw new Error(`node ${args.join(" ")} failed (${c.status}): ${c.stderr}`)
  const u = preload ? JSON.parse(readFileSync(usageFile, "utf8")) as { cpu_s: number; peak_rss_bytes: number } : { cpu_s: NaN, peak_rss_bytes: NaN }
  return { cpu: u.cpu_s, wall, rss: u.peak_rss_bytes, stdout: c.stdout }
}

const econ = (args: ReadonlyArray<string>) => nodeChild(["bin/econ.ts", ...args])
const repeat = <A>(f: () => A): Array<A> => Array.from({ length: REPEATS }, f)

/** `node -e 0` with the usage preload's own cost: the floor every start-up is compared with. */
const nodeFloor = () => nodeChild(["-e", "0"])

/** The scenario as numbers for the numpy peer: the same tiers, rates, usage, prices and distributions. */
const peerSpec = (loaded: LoadedScenario) => {
  const { values } = leavesOf(loaded.state)
  const input = prepare(loaded.state)
  const scenario = loaded.state.scenario
  const tier = (at: number) => TIER_IDS.map((_, k) => floatOf(values[at + k]))
  const per = scenario.users.signups?.per_month
  if (per === undefined || !("growth" in per)) throw new Error("the peer models compounding sign-ups only")
  const opt = scenario.optimizations ?? {}
  const lyve = floatOf(values[LEAF.lyvePrice])
  const cold = floatOf(values[LEAF.coldPrice])
  return {
    months: input.monthKeys.length,
    tiers: {
      ids: TIER_IDS,
      start: input.flows.start,
      churn: tier(LEAF.churn),
      conversion: tier(LEAF.conversion),
      upgrade: tier(LEAF.up),
      downgrade: tier(LEAF.down),
      price: tier(LEAF.price),
      support: tier(LEAF.support),
      workers: tier(LEAF.workers),
      jettythunder_api: tier(LEAF.jettythunderApi),
      jettyspeed: tier(LEAF.jettyspeed),
      redis_mb: tier(LEAF.redisMb),
      storage_gb: tier(LEAF.storageGb),
      bandwidth_gb: tier(LEAF.bandwidthGb),
      requests: tier(LEAF.requests)
    },
    signups: { start: floatOf(per.start), growth: floatOf(per.growth), mix: tier(LEAF.mix) },
    usage: TIER_IDS.map((t, k) =>
      Object.fromEntries(USAGE_DIMENSIONS.map((d, di) => {
        const s = scenario.usage?.[t]?.[d] ?? scenario.usage?.default?.[d]
        const from = values[usageLeaf(k, di)]
        return [d, s !== undefined && typeof s === "object" && "months" in s
          ? { from: floatOf(from), to: floatOf(values[usageLeaf(k, di) + 1]), months: s.months }
          : from === undefined ? 1 : floatOf(from)]
      }))
    ),
    unit_prices: {
      redis_per_mb_month: floatOf(values[LEAF.redisPrice]),
      lyve_per_gb_month: lyve,
      cold_per_gb_month: cold,
      bandwidth_per_gb: floatOf(values[LEAF.bandwidthPrice]),
      text_cache_per_100k_requests: floatOf(values[LEAF.textCachePrice])
    },
    duplicate_ratio: floatOf(values[LEAF.duplicateRatio]),
    blended_compression: values[LEAF.blendedCompression] === undefined ? 1 : floatOf(values[LEAF.blendedCompression]),
    cold_share: floatOf(values[LEAF.coldShare]),
    tiered: opt.tiering === true && cold < lyve,
    fixed: input.fixed.map((f) => floatOf(f)),
    uncertain: loaded.inputs.map((i) => ({ id: i.id, dist: i.dist })),
    correlations: scenario.correlations ?? []
  }
}

/** A python3 with numpy: Debian's (/usr/bin/python3) first, then the one on PATH. */
const findPython = (): string | undefined =>
  ["/usr/bin/python3", "python3"].find((py) => spawnSync(py, ["-c", "import numpy"], { encoding: "utf8" }).status === 0)

interface PeerRun {
  readonly cpu_s: number
  readonly wall_s: number
  readonly peak_rss_bytes: number
  readonly last_month: Record<string, [number, number, number]>
}

const FIGURES = ["users", "revenue", "net_profit", "cumulative_net_profit", "jettythunder_pool"] as const

const main = async () => {
  const loaded = Result.getOrThrow(loadScenario(SCENARIO))
  const started = performance.now()
  console.log(`econ benchmark: ${SCENARIO} (36 months, 5 tiers, ${loaded.inputs.length} uncertain inputs); each figure ${REPEATS}× unless noted`)
  console.log(`machine: ${cpus()[0]?.model ?? "?"}, ${availableParallelism()} cores, ${fmt(totalmem() / 2 ** 30, 1)} GiB; Node ${process.version}; load average ${load()}\n`)

  // 1. deterministic projection: the compiled fast path vs the float loop, both from the same compiled scenario
  const compiled = compileScenario(loaded.state, [])
  const input = compiled.input
  const loop = floatLoop(input)
  const fast = stat(perCall(() => compiled.runMicro([]), 20_000))
  const float = stat(perCall(loop, 20_000))
  const exact = stat(perCall(() => project(input), 300))
  console.log("1. Deterministic projection, 36 months, from the compiled scenario (µs CPU per projection)")
  console.log(`   econ, every figure booked exactly: ${show(fast, "µs")}`)
  console.log(`   hand-written float loop:           ${show(float, "µs")}   (fractional users, nothing booked)`)
  console.log(`   econ speed / float loop speed = ${fmt((100 * float.median) / fast.median, 0)} %   (target ≥ 30 %)`)
  console.log(`   for reference, the exact reference engine (project with MonthResult objects): ${show(exact, "µs", 0)}\n`)

  // 2. start-up
  const floor = repeat(nodeFloor)
  const version = repeat(() => econ(["--version"]))
  const zero = repeat(() => econ(["run", SCENARIO, "--runs", "0", "--json"]))
  const cpuOf = (runs: ReadonlyArray<ChildRun>) => stat(runs.map((r) => r.cpu))
  const wallOf = (runs: ReadonlyArray<ChildRun>) => stat(runs.map((r) => r.wall))
  console.log("2. Start-up (child processes; CPU = user + system of all threads)")
  console.log(`   node -e 0:                 CPU ${show(cpuOf(floor), "s")}, wall ${show(wallOf(floor), "s")}`)
  console.log(`   econ --version:            CPU ${show(cpuOf(version), "s")}, wall ${show(wallOf(version), "s")}`)
  console.log(`   econ run FILE --runs 0:    CPU ${show(cpuOf(zero), "s")}, wall ${show(wallOf(zero), "s")}`)
  console.log(`   above node -e 0 (median CPU): --version ${fmt(cpuOf(version).median - cpuOf(floor).median)} s, ` +
    `run --runs 0 ${fmt(cpuOf(zero).median - cpuOf(floor).median)} s   (target ≤ 0.5 s)\n`)

  // 3. Monte Carlo against the numpy peer
  const mc = (runs: number, workers: number) => econ(["run", SCENARIO, "--runs", String(runs), "--workers", String(workers), "--seed", "1", "--json"])
  const one = repeat(() => mc(100_000, 1))
  const two = repeat(() => mc(100_000, 2))
  console.log(`3. Monte Carlo, 100,000 runs (load average ${load()})`)
  console.log(`   econ --workers 1:  CPU ${show(cpuOf(one), "s")}, wall ${show(wallOf(one), "s")}`)
  console.log(`   econ --workers 2:  CPU ${show(cpuOf(two), "s")}, wall ${show(wallOf(two), "s")}   ` +
    `(2 workers: ${fmt(wallOf(one).median / wallOf(two).median)}× faster in wall time)`)
  const python = findPython()
  if (python === undefined) {
    console.log("   numpy peer: skipped (no python3 with numpy: tried /usr/bin/python3 and python3 on PATH)")
  } else {
    const specFile = join(tmpdir(), `econ-peer-${process.pid}.json`)
    writeFileSync(specFile, JSON.stringify(peerSpec(loaded)))
    const peer = repeat(() => {
      const t0 = performance.now()
      const c = spawnSync(python, ["scenarios/bench/peer.py", specFile, "100000", "1"], { cwd: ROOT, encoding: "utf8" })
      if (c.status !== 0) throw new Error(`peer.py failed: ${c.stderr}`)
      return { ...(JSON.parse(c.stdout) as PeerRun), wall: (performance.now() - t0) / 1000 }
    })
    rmSync(specFile, { force: true })
    const peerCpu = stat(peer.map((p) => p.cpu_s))
    console.log(`   numpy peer (${python}): CPU ${show(peerCpu, "s")}, wall ${show(stat(peer.map((p) => p.wall)), "s")}`)
    console.log(`   econ --workers 1 CPU / numpy CPU = ${fmt(cpuOf(one).median / peerCpu.median)}   (target ≤ 1)`)
    const summary = JSON.parse(one[0]!.stdout) as { monte_carlo: { percentiles: Record<string, ReadonlyArray<{ p5: number; p50: number; p95: number }>> } }
    console.log("   month 36, p50 (p5 … p95):        econ                                  numpy peer")
    for (const f of FIGURES) {
      const e = summary.monte_carlo.percentiles[f]!.at(-1)!
      const p = peer[0]!.last_month[f]!
      const band = (a: number, b: number, c: number) => `${fmt(b, 0)} (${fmt(a, 0)} … ${fmt(c, 0)})`
      console.log(`   ${f.padEnd(22)} ${band(e.p5, e.p50, e.p95).padEnd(38)} ${band(p[0], p[1], p[2])}   p50 differs by ${fmt((100 * (p[1] - e.p50)) / Math.abs(e.p50), 1)} %`)
    }
  }

  // 4. a million runs and memory
  const small = repeat(() => mc(10_000, 2))
  const million = Array.from({ length: Math.max(1, Math.min(REPEATS, 2)) }, () => mc(1_000_000, 2))
  const rss = (runs: ReadonlyArray<ChildRun>) => stat(runs.map((r) => r.rss / 1e6))
  console.log(`\n4. 1,000,000 runs on 2 workers (${million.length}×; load average ${load()})`)
  console.log(`   wall ${show(wallOf(million), "s")}, CPU ${show(cpuOf(million), "s")}   (target: wall < 30 s)`)
  console.log(`   peak RSS: 10,000 runs ${show(rss(small), "MB", 0)}; 1,000,000 runs ${show(rss(million), "MB", 0)}; ` +
    `ratio ${fmt(rss(million).median / rss(small).median)}   (target ≤ 1.2)`)
  console.log(`\nbenchmark took ${fmt((performance.now() - started) / 1000, 0)} s; load average now ${load()}`)
}

if (process.argv[2] === "--peer-spec") {
  process.stdout.write(JSON.stringify(peerSpec(Result.getOrThrow(loadScenario(SCENARIO)))))
} else await main()
