// A scenario compiled once per process for runs that vary a few inputs (Monte Carlo draws, a tornado's ±X%, goal-seek
// trials): everything the varied inputs do not touch is computed once, and each run recomputes only what they touch,
// in typed arrays, without allocating. The exact engine (prepare + project) stays the reference: every booked figure
// of a fast run equals the exact engine's to the cent, or the run is handed to the exact engine.
//
// WHY THE FAST PATH IS EXACT. Users are whole numbers and flows are integer arithmetic below 2^53 (the same UserFlows
// code as the exact engine). A line is booked as roundMoney(Σ per-user amount × users). Rows whose per-user amounts
// are small integers at their scale (prices, flat lines, support, the text cache, …) are summed as exact integers and
// rounded half-even with an exact remainder. The other rows are summed in float64 cents: each per-user amount is a
// product of at most 7 factors, each within 2 roundings (2⁻⁵²) of its exact decimal, so with the product, the users
// and the sum of 5 tiers the float sum y is within 30·2⁻⁵³·y of the exact sum x (all terms are non-negative). The
// booked cents are round(x); they are certain when y is farther than δ = 2⁻⁴⁵·y (8× that bound) from a half cent.
// When it is not (an exact tie, or within δ of one), the row is booked exactly with bigints when its per-user amounts
// do not vary, else the whole run goes to the exact engine. Any integer that could pass 2^53 sends the run there too.
import * as BigDecimal from "effect/BigDecimal"
import { type EngineInput, LINES, prepare, REVENUE } from "./prepare.ts"
import { MAX_USERS, PER_MILLION, UserFlows } from "./flows.ts"
import { bookCents, project } from "./project.ts"
import { divHalfEven, floatOf, MAX_EXACT, MICRO, microOf } from "./exactNumber.ts"
import { LEAF, type Leaf, leavesOf, type Leaves, usageLeaf } from "./leaves.ts"
import { BOOKED_ROWS, figuresOf, type RunFigures, newRunFigures } from "./runFigures.ts"
import { asDecimal, type Domain, type InputValue, setInput } from "../scenario/inputs.ts"
import type { InputTarget, ScenarioState } from "../scenario/load.ts"
import { USAGE_DIMENSIONS } from "../scenario/schema.ts"
import { fractionAt } from "./series.ts"

/** An input that runs vary: where it sits and the range its values are held to. */
export interface VariedInput {
  readonly target: InputTarget
  readonly domain: Domain
}

const D = USAGE_DIMENSIONS.length
const [REQUESTS, REDIS, STORAGE, BANDWIDTH] = [0, 1, 2, 3]
const ROW = Object.fromEntries(LINES.map((l, r) => [l, r])) as Record<(typeof LINES)[number], number>
/** distance from a half cent below which a float-booked row is re-booked exactly, relative to the row's sum */
const TIE_MARGIN = 2 ** -45
const HALF_EXACT = 2 ** 51

const leafEquals = (a: Leaf, b: Leaf): boolean => BigDecimal.equals(asDecimal(a ?? 0), asDecimal(b ?? 0))

/** One factor of a per-user amount: a leaf, or one minus it (the bytes dedup keeps, the share left hot). */
interface Factor {
  readonly leaf: number
  readonly complement: boolean
}

/**
 * A booked row's per-user amount for tier k in table j, as usageCostLines computes it: the tier's own quantity (leaf
 * `tier + k`: an allowance, a flat line, the price), times its used share in dimension `dim` (none: −1), times the
 * row's unit factors, times `perUnit` (the text cache is priced per 100,000 requests). `tiered`: whether cold storage
 * is cheaper than hot, which decides where tiering puts the bytes.
 */
interface RowShape {
  readonly tier: number
  readonly dim: number
  readonly factors: ReadonlyArray<Factor>
  readonly perUnit: 1 | 1e-5
}

const leafFactor = (leaf: number, complement = false): Factor => ({ leaf, complement })

const rowShape = (r: number, tiered: boolean): RowShape => {
  const flat = (tier: number): RowShape => ({ tier, dim: -1, factors: [], perUnit: 1 })
  const kept = [leafFactor(LEAF.duplicateRatio, true), leafFactor(LEAF.blendedCompression)]
  switch (r) {
    case ROW.redis:
      return { tier: LEAF.redisMb, dim: REDIS, factors: [leafFactor(LEAF.redisPrice)], perUnit: 1 }
    case ROW.hot_storage:
      return {
        tier: LEAF.storageGb,
        dim: STORAGE,
        factors: [...kept, ...(tiered ? [leafFactor(LEAF.coldShare, true)] : []), leafFactor(LEAF.lyvePrice)],
        perUnit: 1
      }
    case ROW.cold_storage:
      return {
        tier: LEAF.storageGb,
        dim: STORAGE,
        // without tiering nothing is cold: the share is a zero leaf
        factors: [...kept, leafFactor(tiered ? LEAF.coldShare : -1), leafFactor(LEAF.coldPrice)],
        perUnit: 1
      }
    case ROW.bandwidth:
      return { tier: LEAF.bandwidthGb, dim: BANDWIDTH, factors: [leafFactor(LEAF.bandwidthPrice)], perUnit: 1 }
    case ROW.text_cache:
      return { tier: LEAF.requests, dim: REQUESTS, factors: [leafFactor(LEAF.textCachePrice)], perUnit: 1e-5 }
    case ROW.workers:
      return flat(LEAF.workers)
    case ROW.jettythunder_api:
      return flat(LEAF.jettythunderApi)
    case ROW.jettyspeed:
      return flat(LEAF.jettyspeed)
    case ROW.support:
      return flat(LEAF.support)
    default:
      return flat(LEAF.price)
  }
}

const SHAPES = [false, true].map((tiered) => Array.from({ length: BOOKED_ROWS }, (_, r) => rowShape(r, tiered)))

/** Every leaf row r reads for tier k (either tiering outcome). */
const rowLeaves = (r: number, k: number): ReadonlyArray<number> => {
  const out = new Set<number>([LEAF.lyvePrice, LEAF.coldPrice].filter(() => r === ROW.hot_storage || r === ROW.cold_storage))
  for (const shape of [SHAPES[0]![r]!, SHAPES[1]![r]!]) {
    out.add(shape.tier + k)
    if (shape.dim >= 0) [usageLeaf(k, shape.dim), usageLeaf(k, shape.dim) + 1].forEach((l) => out.add(l))
    for (const f of shape.factors) if (f.leaf >= 0) out.add(f.leaf)
  }
  return [...out]
}

const ONE = BigDecimal.fromBigInt(1n)
const PER_100K = BigDecimal.make(1n, 5)

const sameBigints = (a: ReadonlyArray<bigint>, b: ReadonlyArray<bigint>) => a.length === b.length && a.every((v, i) => v === b[i])
const sameNumbers = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((v, i) => v === b[i])

/** Whether two compiled inputs give the same projection (an input that moves no leaf must move nothing at all). */
const sameEngineInput = (a: EngineInput, b: EngineInput): boolean =>
  a.tables.length === b.tables.length && a.tables.every((t, j) => sameBigints(t, b.tables[j]!)) &&
  sameNumbers(a.rowScale, b.rowScale) && sameNumbers(a.tableOf, b.tableOf) &&
  a.fixed.every((f, i) => BigDecimal.equals(f, b.fixed[i]!)) &&
  (["start", "churnPpm", "upPpm", "downPpm", "conversionPpm", "signupsMicro"] as const).every((n) => sameNumbers(a.flows[n], b.flows[n]))

/** Two values of `current`'s domain on the millionth grid, next to it, for probing what an input moves. */
const probesOf = (current: InputValue, domain: Domain): ReadonlyArray<InputValue> => {
  const scale = domain.whole ? 0 : 6
  const c = BigDecimal.scale(asDecimal(current), scale).value
  const out: Array<InputValue> = []
  for (const step of [1n, 2n, -1n, -2n, 3n, -3n]) {
    const v = BigDecimal.make(c + step, scale)
    if (BigDecimal.equals(v, asDecimal(current))) continue
    if (BigDecimal.isLessThan(v, domain.min) || (domain.max !== undefined && BigDecimal.isGreaterThan(v, domain.max))) continue
    out.push(domain.whole ? Number(v.value) : v)
    if (out.length === 2) break
  }
  return out
}

type Probe = { readonly leaves: ReadonlyArray<number> } | { readonly unsupported: string }

/** The leaves an input writes to (each takes the input's value as it is), found by moving it and reading them back. */
const probe = (base: ScenarioState, baseLeaves: Leaves, baseInput: EngineInput, input: VariedInput, current: InputValue): Probe => {
  const name = `${input.target.in}:${input.target.path.join(".")}`
  const found: Array<ReadonlyArray<number>> = []
  const values = probesOf(current, input.domain)
  if (values.length < 2) return { unsupported: `${name}: no room to probe in its range` }
  for (const value of values) {
    const state = setInput(base, input.target, value)
    const leaves = leavesOf(state)
    if (leaves.structure !== baseLeaves.structure) return { unsupported: `${name} changes the scenario's structure` }
    const changed: Array<number> = []
    for (let i = 0; i < leaves.values.length; i++) {
      if (leafEquals(leaves.values[i], baseLeaves.values[i])) continue
      if (!leafEquals(leaves.values[i], value)) return { unsupported: `${name} moves a derived quantity` }
      changed.push(i)
    }
    if (changed.length === 0 && !sameEngineInput(prepare(state), baseInput)) return { unsupported: `${name} moves what the fast path does not model` }
    found.push(changed)
  }
  if (found[0]!.join() !== found[1]!.join()) return { unsupported: `${name} moves different leaves for different values` }
  return { leaves: found[0]! }
}

export class CompiledScenario {
  readonly base: ScenarioState
  /** the exact compile of the base state: month keys, tables, the deterministic run's flows */
  readonly input: EngineInput
  readonly varied: ReadonlyArray<VariedInput>
  /** why every run goes to the exact engine, or undefined when the fast path is on */
  readonly exactOnly: string | undefined
  /** per varied input: why a run that moves it goes to the exact engine (undefined: the fast path models it) */
  readonly unsupported: ReadonlyArray<string | undefined>
  readonly figures: RunFigures
  /** runs the exact engine took (declined by the fast path), for benchmarks and tests */
  exactRuns = 0

  private readonly K: number
  private readonly M: number
  private readonly T: number
  private readonly slots: ReadonlyArray<Int32Array>
  /** per varied input: 1 when it writes a tier's price (support depends on whether that price is above zero) */
  private readonly priceInput: Uint8Array
  private readonly currentMicro: Float64Array
  private readonly micro: Float64Array
  private readonly float: Float64Array
  private readonly complement: Float64Array
  /** leaves a run writes (the varied inputs'): their exact value is their millionths */
  private readonly written: Uint8Array
  private readonly leaves: Leaves
  private readonly flowsDirty: boolean
  private readonly signupsDirty: boolean
  private readonly fixedDirty: boolean
  private readonly usageDirty: Uint8Array
  private readonly rowDirty: Uint8Array
  private readonly rowSmall: Uint8Array
  private readonly rowDivisor: Float64Array
  private readonly rowMultiplier: Float64Array
  private readonly small: Float64Array
  private readonly cells: Float64Array
  private readonly usage: Float64Array
  /** a varied ramp's values in millionths (exact), same layout as `usage` */
  private readonly usageMicro: Float64Array
  private readonly tableOf: Int32Array
  private readonly poolRow: Uint8Array
  private readonly rates: {
    readonly tiers: ReadonlyArray<string>
    readonly months: number
    readonly start: Float64Array
    readonly churnPpm: Float64Array
    readonly upPpm: Float64Array
    readonly downPpm: Float64Array
    readonly conversionPpm: Float64Array
    readonly signupsMicro: Float64Array
  }
  private readonly flows: UserFlows
  private readonly total: Float64Array
  private readonly mixPpm: Float64Array
  private readonly remainder: Float64Array
  private readonly fixedStep: Int32Array
  private readonly stepFirst: Int32Array
  private readonly itemCents: Float64Array
  private readonly fixedCents: Float64Array

  constructor(base: ScenarioState, varied: ReadonlyArray<VariedInput>, currents: ReadonlyArray<InputValue>) {
    this.base = base
    this.varied = varied
    const input = prepare(base)
    this.input = input
    const K = input.tiers.length
    const M = input.monthKeys.length
    const T = input.tables.length
    const R = BOOKED_ROWS
    this.K = K
    this.M = M
    this.T = T
    this.figures = newRunFigures(M, K)
    const leaves = leavesOf(base)
    this.leaves = leaves
    const n = leaves.values.length
    this.micro = Float64Array.from(leaves.values, microOf)
    this.float = Float64Array.from(leaves.values, floatOf)
    this.complement = Float64Array.from(leaves.values, (v) => floatOf(BigDecimal.subtract(BigDecimal.fromBigInt(1n), asDecimal(v ?? 0))))

    let why: string | undefined
    const slots: Array<Int32Array> = []
    const unsupported: Array<string | undefined> = []
    varied.forEach((v, j) => {
      const p = probe(base, leaves, input, v, currents[j]!)
      unsupported.push("unsupported" in p ? p.unsupported : undefined)
      slots.push(Int32Array.from("leaves" in p ? p.leaves : []))
    })
    this.slots = slots
    this.priceInput = Uint8Array.from(slots, (s) => (s.some((l) => l >= LEAF.price && l < LEAF.price + K) ? 1 : 0))
    this.unsupported = unsupported
    this.currentMicro = Float64Array.from(currents, microOf)
    this.written = new Uint8Array(n)
    const drawn = new Uint8Array(n)
    for (const s of slots) for (const l of s) drawn[l] = 1
    const any = (from: number, count: number) => drawn.subarray(from, from + count).some((x) => x === 1)
    this.flowsDirty = any(LEAF.start, 5 * K)
    this.signupsDirty = any(LEAF.mix, K) || any(LEAF.signupA, 2)
    this.fixedDirty = any(LEAF.fixed, n - LEAF.fixed)
    this.usageDirty = Uint8Array.from({ length: K * D }, (_, i) => (any(usageLeaf(Math.floor(i / D), i % D), 2) ? 1 : 0))
    this.rowDirty = Uint8Array.from({ length: R }, (_, r) => {
      for (let k = 0; k < K; k++) if (rowLeaves(r, k).some((l) => drawn[l] === 1)) return 1
      return 0
    })
    const needMicro = (from: number, count: number, what: string) => {
      for (let i = from; i < from + count; i++) if (Number.isNaN(this.micro[i])) why ??= `${what} is not on the millionth grid`
    }
    if (this.signupsDirty) {
      needMicro(LEAF.mix, K, "the sign-up mix")
      needMicro(LEAF.signupA, 2, "the sign-up series")
    }
    if (this.fixedDirty) needMicro(LEAF.fixed, n - LEAF.fixed, "a fixed cost")
    for (let i = 0; i < K * D; i++) if (this.usageDirty[i]) needMicro(usageLeaf(Math.floor(i / D), i % D), 2, "a usage ramp")
    for (let r = 0; r < R; r++) {
      if (!this.rowDirty[r]) continue
      for (let k = 0; k < K; k++) {
        for (const l of rowLeaves(r, k)) {
          if (!(this.float[l]! >= 0)) why ??= `a cost input is negative or beyond float range`
        }
      }
    }

    // rows whose per-user amounts never vary and are small integers at their scale: summed exactly
    this.rowSmall = Uint8Array.from({ length: R }, (_, r) => (!this.rowDirty[r] && input.smallRow[r] && input.rowScale[r]! <= 17 ? 1 : 0))
    // booking at scale s: divide by 10^(s − 2) (half-even) or, at s ≤ 2, multiply by 10^(2 − s)
    this.rowDivisor = Float64Array.from(input.rowScale, (s) => (s > 2 ? 10 ** (s - 2) : 0))
    this.rowMultiplier = Float64Array.from(input.rowScale, (s) => (s > 2 ? 0 : 10 ** (2 - s)))
    for (let r = 0; r < R; r++) {
      if (!this.rowDirty[r] && !this.rowSmall[r] && Math.abs(input.rowScale[r]! - 2) > 22) why ??= `row ${r} has too many decimals for float64`
    }
    this.small = new Float64Array(T * R * K)
    this.cells = new Float64Array(T * R * K)
    input.tables.forEach((table, j) => {
      for (let i = 0; i < R * K; i++) {
        const r = Math.floor(i / K)
        this.small[j * R * K + i] = input.smallTables[j]![i]!
        const shift = input.rowScale[r]! - 2
        this.cells[j * R * K + i] = shift >= 0 ? Number(table[i]!) / 10 ** shift : Number(table[i]!) * 10 ** -shift
      }
    })
    this.usage = new Float64Array(K * D * T)
    this.usageMicro = new Float64Array(K * D * T)
    for (let i = 0; i < K * D; i++) this.refreshUsage(i)
    this.tableOf = Int32Array.from(input.tableOf)
    this.poolRow = Uint8Array.from({ length: R }, (_, r) => (input.poolRows.includes(r) ? 1 : 0))

    const f = input.flows
    this.rates = {
      tiers: f.tiers,
      months: M,
      start: Float64Array.from(f.start),
      churnPpm: Float64Array.from(f.churnPpm),
      upPpm: Float64Array.from(f.upPpm),
      downPpm: Float64Array.from(f.downPpm),
      conversionPpm: Float64Array.from(f.conversionPpm),
      signupsMicro: Float64Array.from(f.signupsMicro)
    }
    this.flows = new UserFlows(this.rates)
    this.total = new Float64Array(M)
    this.mixPpm = new Float64Array(K)
    this.remainder = new Float64Array(K)

    this.fixedStep = new Int32Array(M).fill(-1)
    this.stepFirst = new Int32Array(leaves.fixedSteps.length)
    let first = LEAF.fixed
    leaves.fixedSteps.forEach((s, i) => {
      this.stepFirst[i] = first
      first += s.items
    })
    let next = 0
    input.monthKeys.forEach((key, i) => {
      while (next < leaves.fixedSteps.length && leaves.fixedSteps[next]!.from <= key) next++
      this.fixedStep[i] = next - 1
    })
    this.itemCents = new Float64Array(n)
    this.fixedCents = Float64Array.from(input.fixed, (m) => Number(BigDecimal.scale(m, 2).value))
    this.exactOnly = why
  }

  /** The exact engine on the base state with `values` written in: the reference every fast run must equal. */
  exactState(values: ReadonlyArray<InputValue>): ScenarioState {
    let state = this.base
    for (let j = 0; j < values.length; j++) state = setInput(state, this.varied[j]!.target, values[j]!)
    return state
  }

  runExact(values: ReadonlyArray<InputValue>): RunFigures {
    this.exactRuns++
    return figuresOf(project(prepare(this.exactState(values))), this.figures)
  }

  /** A run with each varied input at values[j] millionths (held to its domain). False: decline, use runExact. */
  runMicro(values: ArrayLike<number>): boolean {
    if (this.exactOnly !== undefined) return false
    const { micro, float, slots } = this
    for (let j = 0; j < slots.length; j++) {
      const v = values[j]!
      if (!Number.isSafeInteger(v)) return false
      // an input the fast path does not model may only stay where it was compiled
      if (this.unsupported[j] !== undefined && v !== this.currentMicro[j]) return false
      // support follows a tier's price across zero (a free tier gets none): a run that moves a price over the kink
      // changes a quantity the probe saw fixed, so the exact engine books it
      if (this.priceInput[j] === 1 && v > 0 !== this.currentMicro[j]! > 0) return false
      const s = slots[j]!
      for (let i = 0; i < s.length; i++) {
        micro[s[i]!] = v
        float[s[i]!] = v / MICRO
        this.written[s[i]!] = 1
      }
    }
    if (this.flowsDirty) this.refreshRates()
    if (this.signupsDirty && !this.refreshSignups()) return false
    if (this.flowsDirty || this.signupsDirty) this.flows.load()
    for (let i = 0; i < this.usageDirty.length; i++) if (this.usageDirty[i]) this.refreshUsage(i)
    for (let r = 0; r < BOOKED_ROWS; r++) if (this.rowDirty[r] && !this.refreshRow(r)) return false
    if (this.fixedDirty) this.refreshFixed()
    return this.book()
  }

  /** A run from input values (a tornado's moves, a goal-seek trial): fast when they sit on the millionth grid. */
  run(values: ReadonlyArray<InputValue>): RunFigures {
    const micro = values.map((v) => microOf(v))
    return this.runMicro(micro) ? this.figures : this.runExact(values)
  }

  private refreshRates(): void {
    const { micro, rates, K } = this
    for (let k = 0; k < K; k++) {
      rates.start[k] = micro[LEAF.start + k]! / MICRO
      rates.churnPpm[k] = micro[LEAF.churn + k]!
      rates.upPpm[k] = micro[LEAF.up + k]!
      rates.downPpm[k] = micro[LEAF.down + k]!
      rates.conversionPpm[k] = micro[LEAF.conversion + k]!
    }
  }

  /** The month's expected sign-ups (micro-users) split by the renormalised mix, as prepare does with bigints. */
  private refreshSignups(): boolean {
    const { micro, total, M, K, mixPpm, remainder } = this
    const a = micro[LEAF.signupA]!
    const b = micro[LEAF.signupB]!
    const limit = MAX_USERS * PER_MILLION
    switch (this.leaves.signupKind) {
      case "none":
        total.fill(0)
        break
      case "constant":
        total.fill(a)
        break
      case "ramp": {
        const months = this.leaves.signupMonths
        if (Math.abs(b - a) * months > MAX_EXACT) return false
        for (let i = 0; i < M; i++) {
          const k = Math.min(i, months)
          total[i] = k === 0 ? a : k === months ? b : a + divHalfEven((b - a) * k, months)
        }
        break
      }
      case "growth": {
        const factor = MICRO + b
        let v = a
        for (let i = 0; i < M; i++) {
          if (v > limit) return false
          total[i] = v
          // v · factor / 10^6 half-even, split so both products stay below 2^53
          const hi = Math.floor(v / MICRO)
          const lo = (v - hi * MICRO) * factor
          if (hi * factor > MAX_EXACT || lo > MAX_EXACT) return false
          const loQ = Math.floor(lo / MICRO)
          const rem = lo - loQ * MICRO
          let q = hi * factor + loQ
          if (2 * rem > MICRO || (2 * rem === MICRO && q % 2 === 1)) q += 1
          v = q
        }
      }
    }
    for (let i = 0; i < M; i++) if (total[i]! > limit) return false
    // largest remainder of the drawn shares, ties to the earlier tier (allocateUnits)
    let sum = 0
    for (let k = 0; k < K; k++) sum += micro[LEAF.mix + k]!
    const even = sum === 0
    if (even) sum = K
    let left = MICRO
    for (let k = 0; k < K; k++) {
      const weighted = MICRO * (even ? 1 : micro[LEAF.mix + k]!)
      mixPpm[k] = Math.floor(weighted / sum)
      remainder[k] = weighted - mixPpm[k]! * sum
      left -= mixPpm[k]!
    }
    for (; left > 0; left--) {
      let best = 0
      for (let k = 1; k < K; k++) if (remainder[k]! > remainder[best]!) best = k
      mixPpm[best] = mixPpm[best]! + 1
      remainder[best] = -1
    }
    const out = this.rates.signupsMicro
    for (let k = 0; k < K; k++) {
      const share = mixPpm[k]!
      for (let i = 0; i < M; i++) {
        const m = total[i]!
        const whole = Math.floor(m / PER_MILLION)
        const rest = m - whole * PER_MILLION
        out[k * M + i] = whole * share + Math.floor((rest * share) / PER_MILLION)
      }
    }
    return true
  }

  private refreshUsage(i: number): void {
    const { T, micro, float } = this
    const k = Math.floor(i / D)
    const d = i % D
    const l = usageLeaf(k, d)
    const months = this.leaves.usageMonths[i]!
    const ramp = months > 0
    for (let j = 0; j < T; j++) {
      let v: number
      if (this.leaves.values[l] === undefined && !ramp) v = 1
      else if (!ramp) v = float[l]!
      else if (!this.usageDirty[i]) v = floatOf(this.exactUsage(i, j))
      else {
        const step = Math.min(j, months)
        const a = micro[l]!
        const b = micro[l + 1]!
        const m = step === 0 ? a : step === months ? b : a + divHalfEven((b - a) * step, months)
        this.usageMicro[i * T + j] = m
        v = m / MICRO
      }
      this.usage[i * T + j] = v
    }
  }

  /** The exact ramp value at table j, as prepare computes it. */
  private exactUsage(i: number, j: number): BigDecimal.BigDecimal {
    const l = usageLeaf(Math.floor(i / D), i % D)
    const [from, to] = [this.leaves.values[l], this.leaves.values[l + 1]] as [BigDecimal.BigDecimal, BigDecimal.BigDecimal]
    return fractionAt({ from, to, months: this.leaves.usageMonths[i]! }, j)
  }

  /** As usageCostLines: bytes move to cold storage only when it is cheaper. Undefined: too close to call in floats. */
  private tiered(): boolean | undefined {
    const lyve = this.float[LEAF.lyvePrice]!
    const cold = this.float[LEAF.coldPrice]!
    if (lyve !== cold) return cold < lyve
    return this.micro[LEAF.lyvePrice] === this.micro[LEAF.coldPrice] && !Number.isNaN(this.micro[LEAF.lyvePrice]!) ? false : undefined
  }

  /** A leaf (or one minus it) as a float within two roundings of its exact value; leaf −1 is zero. */
  private factorFloat(f: Factor): number {
    if (f.leaf < 0) return 0
    if (f.leaf === LEAF.blendedCompression && this.leaves.values[f.leaf] === undefined) return 1
    if (!f.complement) return this.float[f.leaf]!
    const m = this.micro[f.leaf]!
    return Number.isNaN(m) ? this.complement[f.leaf]! : (MICRO - m) / MICRO
  }

  /** The same factor, exact. */
  private factorExact(f: Factor): BigDecimal.BigDecimal {
    if (f.leaf < 0) return BigDecimal.fromBigInt(0n)
    if (f.leaf === LEAF.blendedCompression && this.leaves.values[f.leaf] === undefined) return ONE
    const v = this.leafExact(f.leaf)
    return f.complement ? BigDecimal.subtract(ONE, v) : v
  }

  /** A leaf's exact value in this run: what the run wrote (millionths) or the compiled state's. */
  private leafExact(l: number): BigDecimal.BigDecimal {
    return this.written[l] ? BigDecimal.make(BigInt(this.micro[l]!), 6) : asDecimal(this.leaves.values[l] ?? 0)
  }

  /** Per-user cents of row r for every table and tier, from the leaves (float: see the header for the bound). */
  private refreshRow(r: number): boolean {
    const { K, T, float, usage, cells } = this
    const R = BOOKED_ROWS
    const tiered = this.tiered()
    if (tiered === undefined) return false
    const shape = SHAPES[tiered ? 1 : 0]![r]!
    let factor = shape.perUnit === 1 ? 100 : 1e-3
    for (const f of shape.factors) factor *= this.factorFloat(f)
    for (let k = 0; k < K; k++) {
      const perUser = float[shape.tier + k]! * factor
      for (let j = 0; j < T; j++) {
        cells[(j * R + r) * K + k] = shape.dim < 0 ? perUser : perUser * usage[(k * D + shape.dim) * T + j]!
      }
    }
    return true
  }

  /** The exact used share of tier k in dimension d at table j. */
  private usageExact(k: number, d: number, j: number): BigDecimal.BigDecimal {
    const i = k * D + d
    const l = usageLeaf(k, d)
    const months = this.leaves.usageMonths[i]!
    if (months === 0) return this.leaves.values[l] === undefined ? ONE : this.leafExact(l)
    if (!this.usageDirty[i]) return this.exactUsage(i, j)
    return BigDecimal.make(BigInt(this.usageMicro[i * this.T + j]!), 6)
  }

  private refreshFixed(): void {
    const { micro, itemCents, fixedCents, fixedStep, stepFirst, leaves } = this
    for (let l = LEAF.fixed; l < micro.length; l++) itemCents[l] = divHalfEven(micro[l]!, 10_000)
    for (let i = 0; i < this.M; i++) {
      const s = fixedStep[i]!
      let c = 0
      if (s >= 0) for (let l = stepFirst[s]!; l < stepFirst[s]! + leaves.fixedSteps[s]!.items; l++) c += itemCents[l]!
      fixedCents[i] = c
    }
  }

  /** The month loop: users, booked rows, the month's figures. */
  private book(): boolean {
    const { K, M, flows, cells, small, rowSmall, rowDivisor, rowMultiplier, tableOf, poolRow, fixedCents, figures } = this
    const R = BOOKED_ROWS
    const users = flows.users
    const keys = this.input.monthKeys
    flows.reset()
    let cumulative = 0
    let breakEven = -1
    let payback = -1
    for (let i = 0; i < M; i++) {
      flows.step(i, keys[i]!)
      const j = tableOf[i]!
      const base = j * R * K
      let variable = 0
      let pool = 0
      let revenue = 0
      for (let r = 0; r < R; r++) {
        const at = base + r * K
        let cents: number
        if (rowSmall[r]) {
          let s = 0
          for (let k = 0; k < K; k++) s += small[at + k]! * users[k]!
          const div = rowDivisor[r]!
          if (div > 0) cents = divHalfEven(s, div)
          else if ((cents = s * rowMultiplier[r]!) > MAX_EXACT) return false
        } else {
          let y = 0
          for (let k = 0; k < K; k++) y += cells[at + k]! * users[k]!
          if (!(y < HALF_EXACT)) return false
          const f = Math.floor(y)
          const d = y - f
          const margin = y * TIE_MARGIN
          if (d - 0.5 > margin) cents = f + 1
          else if (0.5 - d > margin) cents = f
          else {
            const exact = this.bookExactly(j, r)
            if (exact === undefined) return false
            cents = exact
          }
        }
        figures.booked[i * R + r] = cents
        if (r < REVENUE) variable += cents
        else revenue = cents
        if (poolRow[r]) pool += cents
      }
      for (let k = 0; k < K; k++) {
        figures.users[i * K + k] = users[k]!
        figures.signups[i * K + k] = flows.signups[k]!
        figures.churned[i * K + k] = flows.churned[k]!
      }
      const gross = revenue - variable
      const net = gross - fixedCents[i]!
      cumulative += net
      if (Math.abs(cumulative) > HALF_EXACT || Math.abs(gross) * 1000 > MAX_EXACT) return false
      figures.variableCosts[i] = variable
      figures.grossProfit[i] = gross
      figures.fixed[i] = fixedCents[i]!
      figures.netProfit[i] = net
      figures.cumulativeNetProfit[i] = cumulative
      figures.jettythunderPool[i] = pool
      figures.grossMarginTenths[i] = revenue === 0 ? NaN : divHalfEven(gross * 1000, revenue)
      if (breakEven < 0 && net >= 0) breakEven = i
      if (payback < 0 && cumulative >= 0) payback = i
    }
    figures.breakEvenIndex = breakEven
    figures.paybackIndex = payback
    return true
  }

  /**
   * A row too close to a half cent for floats (often an exact tie), booked exactly: from the exact compile's bigint
   * tables when the row does not vary, else from the run's exact leaves (the same shape the float cells follow).
   */
  private bookExactly(j: number, r: number): number | undefined {
    const users = this.flows.users
    const K = this.K
    if (!this.rowDirty[r]) {
      const table = this.input.tables[j]!
      let acc = 0n
      for (let k = 0; k < K; k++) acc += table[r * K + k]! * BigInt(users[k]!)
      return Number(acc === 0n ? 0n : bookCents(acc, this.input.rowScale[r]!))
    }
    const tiered = this.tiered()
    if (tiered === undefined) return undefined
    const shape = SHAPES[tiered ? 1 : 0]![r]!
    let sum = BigDecimal.fromBigInt(0n)
    for (let k = 0; k < K; k++) {
      if (users[k] === 0) continue
      let perUser = this.leafExact(shape.tier + k)
      if (shape.dim >= 0) perUser = BigDecimal.multiply(perUser, this.usageExact(k, shape.dim, j))
      sum = BigDecimal.sum(sum, BigDecimal.multiply(perUser, BigDecimal.fromBigInt(BigInt(users[k]!))))
    }
    for (const f of shape.factors) sum = BigDecimal.multiply(sum, this.factorExact(f))
    if (shape.perUnit !== 1) sum = BigDecimal.multiply(sum, PER_100K)
    if (BigDecimal.isZero(sum)) return 0
    if (sum.scale < 0) sum = BigDecimal.scale(sum, 0)
    return Number(bookCents(sum.value, sum.scale))
  }
}

/** Compiles `state` for runs that vary `inputs` (each at its current value in `state` until a run moves it). */
export const compileScenario = (state: ScenarioState, inputs: ReadonlyArray<VariedInput & { readonly current: InputValue }>) =>
  new CompiledScenario(state, inputs, inputs.map((i) => i.current))
