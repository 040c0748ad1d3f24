// Draws all uncertain inputs of one run at once, with optional RANK correlations between them through a Gaussian
// copula: each marginal keeps its own distribution; only the ordering of draws across inputs is coupled.
import { Result, Schema } from "effect"
import type { Distribution } from "./distribution.ts"
import type { Rng } from "./prng.ts"
import { inverseNormal, normalCdf, quantileFunction, type Quantile } from "./sample.ts"

export interface SamplerInput {
  readonly id: string
  readonly dist: Distribution
}

/** Target Spearman rank correlation between inputs `a` and `b`, in [-1, 1]. */
export interface RankCorrelation {
  readonly a: string
  readonly b: string
  readonly rank: number
}

/**
 * One draw of every input, in input order. The returned array is the sampler's own buffer, overwritten by the
 * next call (no allocation per run): copy it if you keep it.
 */
export type Sampler = (rng: Rng) => Float64Array

export class CorrelationError extends Schema.TaggedError<CorrelationError>()("CorrelationError", {
  /** the inputs the problem is about, to point the author at the right YAML lines */
  inputs: Schema.Array(Schema.String),
  message: Schema.String
}) {}

/**
 * Pearson correlation of the underlying normals that yields Spearman ρ_s after the copula:
 * ρ = 2 sin(π ρ_s / 6) (exact for the bivariate normal; ranks survive every monotone marginal).
 */
export const spearmanToPearson = (rank: number): number => 2 * Math.sin((Math.PI * rank) / 6)

// A pivot this far below zero means the targets contradict each other; between it and zero is float noise on
// a singular-but-valid matrix (e.g. rank 1 between two inputs), handled as an exact zero.
const PIVOT_TOLERANCE = 1e-10

/**
 * Lower-triangular L with L·Lᵀ = m (k×k, row-major), or the row at which m proved not positive semi-definite.
 * Zero pivots (perfect correlation) are allowed: that column of L is zero.
 */
export const cholesky = (m: Float64Array, k: number): Result.Result<Float64Array, number> => {
  const l = new Float64Array(k * k)
  for (let j = 0; j < k; j++) {
    let d = m[j * k + j] as number
    for (let p = 0; p < j; p++) d -= (l[j * k + p] as number) ** 2
    if (d < -PIVOT_TOLERANCE) return Result.fail(j)
    const pivot = d > PIVOT_TOLERANCE ? Math.sqrt(d) : 0
    l[j * k + j] = pivot
    for (let i = j + 1; i < k; i++) {
      let s = m[i * k + j] as number
      for (let p = 0; p < j; p++) s -= (l[i * k + p] as number) * (l[j * k + p] as number)
      l[i * k + j] = pivot === 0 ? 0 : s / pivot
    }
  }
  return Result.succeed(l)
}

/**
 * Most inputs one group of correlations may link (each linked to the next by some correlation). A group of k costs
 * k³/6 steps to factor when the scenario loads and k²/2 per Monte Carlo draw: 100 is ~5,000 per draw, and finance's
 * scenarios correlate a handful.
 */
export const MAX_CORRELATED_INPUTS = 100

// Uniforms handed to marginals stay inside (0, 1): Φ(z) rounds to exactly 0 or 1 beyond |z| ≈ 8.3.
const U_MIN = 2 ** -53
const U_MAX = 1 - 2 ** -53

interface Block {
  /** input positions, in input order */
  readonly members: Int32Array
  /** Cholesky factor of the block's Pearson matrix */
  readonly l: Float64Array
}

/**
 * Builds the run-level sampler. Every input consumes exactly one uniform per draw, in input order, correlated or
 * not, so adding a correlation never shifts the draws of unrelated inputs. Uncorrelated inputs are independent
 * (never all at the same percentile). Correlated inputs are grouped into connected blocks, each with its own
 * Cholesky factor; pairs not given inside a block have correlation 0.
 */
export const makeSampler = (
  inputs: ReadonlyArray<SamplerInput>,
  correlations: ReadonlyArray<RankCorrelation> = []
): Result.Result<Sampler, CorrelationError> => {
  const n = inputs.length
  const position = new Map<string, number>()
  for (let i = 0; i < n; i++) {
    const id = (inputs[i] as SamplerInput).id
    if (position.has(id)) return Result.fail(new CorrelationError({ inputs: [id], message: `input "${id}" is listed twice` }))
    position.set(id, i)
  }

  // pairwise Pearson targets, validated
  const pairs = new Map<string, { readonly i: number; readonly j: number; readonly rank: number }>()
  for (const c of correlations) {
    for (const id of [c.a, c.b]) {
      if (!position.has(id)) {
        return Result.fail(new CorrelationError({
          inputs: [id],
          message: `correlation names unknown input "${id}"; uncertain inputs are: ${[...position.keys()].join(", ") || "(none)"}`
        }))
      }
    }
    if (c.a === c.b) {
      return Result.fail(new CorrelationError({ inputs: [c.a], message: `correlation of "${c.a}" with itself; name two different inputs` }))
    }
    if (!(c.rank >= -1 && c.rank <= 1)) {
      return Result.fail(new CorrelationError({
        inputs: [c.a, c.b],
        message: `rank correlation between "${c.a}" and "${c.b}" must be in [-1, 1] (got ${c.rank})`
      }))
    }
    const i = position.get(c.a) as number
    const j = position.get(c.b) as number
    const key = i < j ? `${i}:${j}` : `${j}:${i}`
    const earlier = pairs.get(key)
    if (earlier !== undefined && earlier.rank !== c.rank) {
      return Result.fail(new CorrelationError({
        inputs: [c.a, c.b],
        message: `correlation between "${c.a}" and "${c.b}" is given twice (${earlier.rank} and ${c.rank}); keep one`
      }))
    }
    pairs.set(key, { i: Math.min(i, j), j: Math.max(i, j), rank: c.rank })
  }

  // connected components of the correlation graph (union-find), members kept in input order
  const parent = Int32Array.from({ length: n }, (_, i) => i)
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x] as number] as number
    return x
  }
  for (const { i, j, rank } of pairs.values()) if (rank !== 0) parent[find(i)] = find(j)
  const groups = new Map<number, Array<number>>()
  for (let i = 0; i < n; i++) {
    const root = find(i)
    const g = groups.get(root)
    if (g === undefined) groups.set(root, [i])
    else g.push(i)
  }

  // each group's pairs, in one pass (a pass over every pair per group is quadratic with many small groups)
  const groupPairs = new Map<number, Array<{ readonly i: number; readonly j: number; readonly rank: number }>>()
  for (const pair of pairs.values()) {
    const root = find(pair.i)
    if (find(pair.j) !== root) continue // a rank of 0 between two groups: nothing to factor
    const list = groupPairs.get(root)
    if (list === undefined) groupPairs.set(root, [pair])
    else list.push(pair)
  }

  const blocks: Array<Block> = []
  for (const [root, members] of groups) {
    if (members.length < 2) continue
    const k = members.length
    if (k > MAX_CORRELATED_INPUTS) {
      const ids = members.map((x) => (inputs[x] as SamplerInput).id)
      return Result.fail(new CorrelationError({
        inputs: ids,
        message:
          `${k.toLocaleString("en-US")} inputs are linked into one group by correlations (${ids.slice(0, 3).join(", ")}, …); ` +
          `at most ${MAX_CORRELATED_INPUTS} may be correlated together: remove the correlations that chain them`
      }))
    }
    const local = new Map(members.map((m, idx) => [m, idx]))
    const within = groupPairs.get(root) ?? []
    const m = new Float64Array(k * k)
    for (let d = 0; d < k; d++) m[d * k + d] = 1
    for (const { i, j, rank } of within) {
      const a = local.get(i) as number
      const b = local.get(j) as number
      const rho = spearmanToPearson(rank)
      m[a * k + b] = rho
      m[b * k + a] = rho
    }
    const l = cholesky(m, k)
    if (Result.isFailure(l)) {
      const ids = members.map((x) => (inputs[x] as SamplerInput).id)
      const given = within
        .map(({ i, j, rank }) => `${(inputs[i] as SamplerInput).id}~${(inputs[j] as SamplerInput).id} ${rank}`)
      return Result.fail(new CorrelationError({
        inputs: ids,
        message:
          `rank correlations among ${ids.join(", ")} contradict each other (their matrix is not positive definite: ` +
          `${given.join(", ")}); weaken some of them or remove one`
      }))
    }
    blocks.push({ members: Int32Array.from(members), l: l.success })
  }

  const quantiles: ReadonlyArray<Quantile> = inputs.map((input) => quantileFunction(input.dist))
  const correlated = new Uint8Array(n)
  for (const b of blocks) for (const m of b.members) correlated[m] = 1
  const out = new Float64Array(n)
  const z = new Float64Array(n)

  return Result.succeed((rng: Rng): Float64Array => {
    for (let i = 0; i < n; i++) {
      const u = rng.uniform()
      if (correlated[i] === 1) z[i] = inverseNormal(u)
      else out[i] = (quantiles[i] as Quantile)(u)
    }
    for (const { members, l } of blocks) {
      const k = members.length
      for (let r = 0; r < k; r++) {
        let x = 0
        for (let c = 0; c <= r; c++) x += (l[r * k + c] as number) * (z[members[c] as number] as number)
        let u = normalCdf(x)
        if (u < U_MIN) u = U_MIN
        else if (u > U_MAX) u = U_MAX
        const target = members[r] as number
        out[target] = (quantiles[target] as Quantile)(u)
      }
    }
    return out
  })
}
