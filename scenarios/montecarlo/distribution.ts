// An uncertain input as written in a scenario YAML (`{ dist: normal, mean: 0.04, sd: 0.01 }`), its schema,
// and the single value a deterministic run uses in its place.
import { Result, Schema } from "effect"

// Parameters are statistics, not money: floats are the right type. A quoted number ("0.04") is accepted
// too, because YAML authors quote numbers inconsistently and the value is the same.
const Param = Schema.Union([Schema.Finite, Schema.FiniteFromString]).annotate({ expected: "a finite number" })

type Issue = { readonly path: ReadonlyArray<PropertyKey>; readonly issue: string }

const issues = (...found: ReadonlyArray<Issue | undefined>): ReadonlyArray<Issue> =>
  found.filter((i): i is Issue => i !== undefined)

const need = (ok: boolean, field: string, issue: string): Issue | undefined =>
  ok ? undefined : { path: [field], issue }

/** `{ dist: uniform, min, max }`: every value in [min, max] equally likely. min = max is a fixed value. */
export const Uniform = Schema.Struct({ dist: Schema.Literal("uniform"), min: Param, max: Param }).check(
  Schema.makeFilter((d) => issues(need(d.min <= d.max, "max", `uniform needs min <= max (got min ${d.min}, max ${d.max})`)))
)

/**
 * `{ dist: normal, mean, sd, min?, max? }`. The optional bounds CLAMP draws (a draw below min becomes min),
 * so a bounded normal puts a little mass exactly on its bounds; sd = 0 is a fixed value.
 */
export const Normal = Schema.Struct({
  dist: Schema.Literal("normal"),
  mean: Param,
  sd: Param,
  min: Schema.optionalKey(Param),
  max: Schema.optionalKey(Param)
}).check(
  Schema.makeFilter((d) =>
    issues(
      need(d.sd >= 0, "sd", `normal needs sd >= 0 (got ${d.sd}); write sd: 0 for a fixed value`),
      need(d.min === undefined || d.max === undefined || d.min <= d.max, "max",
        `normal clamp needs min <= max (got min ${d.min}, max ${d.max})`),
      // the deterministic run uses the mean, so it must be a value the clamped draws can take
      need(d.min === undefined || d.min <= d.mean, "mean", `normal needs min <= mean (got min ${d.min}, mean ${d.mean})`),
      need(d.max === undefined || d.mean <= d.max, "mean", `normal needs mean <= max (got mean ${d.mean}, max ${d.max})`)
    )
  )
)

/** `{ dist: triangular, min, mode, max }`: a three-point estimate (worst, likely, best). */
export const Triangular = Schema.Struct({ dist: Schema.Literal("triangular"), min: Param, mode: Param, max: Param }).check(
  Schema.makeFilter((d) =>
    issues(
      need(d.min <= d.mode && d.mode <= d.max, "mode",
        `triangular needs min <= mode <= max (got min ${d.min}, mode ${d.mode}, max ${d.max})`)
    )
  )
)

/** `{ dist: lognormal, median, sigma }`: exp(normal(ln median, sigma)); positive and right-skewed (costs, growth multipliers). */
export const Lognormal = Schema.Struct({ dist: Schema.Literal("lognormal"), median: Param, sigma: Param }).check(
  Schema.makeFilter((d) =>
    issues(
      need(d.median > 0, "median", `lognormal needs median > 0 (got ${d.median})`),
      need(d.sigma >= 0, "sigma", `lognormal needs sigma >= 0 (got ${d.sigma}); write sigma: 0 for a fixed value`)
    )
  )
)

/**
 * `{ dist: beta, mean, sd }` or `{ dist: beta, alpha, beta }`: a rate in [0, 1] (churn, conversion).
 * The mean/sd form is feasible only when sd² < mean·(1 − mean); sd = 0 is a fixed rate.
 * One struct with both forms' keys optional (not a union of two) so a mistake gets one message, not both forms'.
 */
export const Beta = Schema.Struct({
  dist: Schema.Literal("beta"),
  mean: Schema.optionalKey(Param),
  sd: Schema.optionalKey(Param),
  alpha: Schema.optionalKey(Param),
  beta: Schema.optionalKey(Param)
}).check(
  Schema.makeFilter((d) => {
    const shapeForm = d.alpha !== undefined || d.beta !== undefined
    const momentForm = d.mean !== undefined || d.sd !== undefined
    if (shapeForm && momentForm) {
      return { path: ["alpha"], issue: "beta takes either mean + sd or alpha + beta, not both" }
    }
    if (shapeForm) {
      if (d.alpha === undefined) return { path: ["alpha"], issue: "beta with beta: also needs alpha > 0" }
      if (d.beta === undefined) return { path: ["beta"], issue: "beta with alpha: also needs beta > 0" }
      return issues(
        need(d.alpha > 0, "alpha", `beta needs alpha > 0 (got ${d.alpha})`),
        need(d.beta > 0, "beta", `beta needs beta > 0 (got ${d.beta})`)
      )
    }
    if (d.mean === undefined) return { path: ["mean"], issue: "beta needs mean + sd (0 <= mean <= 1, sd >= 0) or alpha + beta" }
    if (d.sd === undefined) return { path: ["sd"], issue: "beta with mean: also needs sd >= 0" }
    const range = need(d.mean >= 0 && d.mean <= 1, "mean", `beta needs 0 <= mean <= 1 (got ${d.mean})`)
    const sign = need(d.sd >= 0, "sd", `beta needs sd >= 0 (got ${d.sd}); write sd: 0 for a fixed rate`)
    if (range !== undefined || sign !== undefined || d.sd === 0) return issues(range, sign)
    const limit = Math.sqrt(d.mean * (1 - d.mean))
    return issues(
      need(d.sd < limit, "sd",
        `beta with mean ${d.mean} needs sd < sqrt(mean*(1-mean)) = ${limit.toPrecision(4)} (got ${d.sd}); lower sd or move mean away from 0/1`)
    )
  })
)

export const Distribution = Schema.Union([Uniform, Normal, Triangular, Lognormal, Beta]).annotate({
  expected:
    "a distribution: { dist: uniform, min, max } | { dist: normal, mean, sd, min?, max? } | { dist: triangular, min, mode, max } | " +
    "{ dist: lognormal, median, sigma } | { dist: beta, mean, sd } | { dist: beta, alpha, beta }"
})
export type Distribution = typeof Distribution.Type
export type DistName = Distribution["dist"]

export const distNames: ReadonlyArray<DistName> = ["uniform", "normal", "triangular", "lognormal", "beta"]

/**
 * Whether a raw YAML node is meant as a distribution: a plain object with a `dist` key. It does not validate;
 * an unknown `dist: gamma` still answers true, so the caller decodes it and reports the error instead of
 * silently treating the node as ordinary nested data.
 */
export const isDistribution = (u: unknown): boolean =>
  typeof u === "object" && u !== null && !Array.isArray(u) && Object.hasOwn(u, "dist")

const decode = Schema.decodeUnknownResult(Distribution, { errors: "all" })

/** Decodes one node; the failure is the schema's message (field path + expected form). */
export const decodeDistribution = (u: unknown): Result.Result<Distribution, string> =>
  Result.mapError(decode(u), (e) => e.message)

/**
 * Beta shape parameters for either form (method of moments for mean/sd), or undefined for a point mass
 * (sd = 0, or mean exactly 0 or 1), whose value is then `pointValue`.
 */
export const betaShape = (d: typeof Beta.Type): { readonly alpha: number; readonly beta: number } | undefined => {
  if (d.alpha !== undefined && d.beta !== undefined) return { alpha: d.alpha, beta: d.beta }
  const mean = d.mean ?? 0
  const sd = d.sd ?? 0
  if (sd === 0 || mean <= 0 || mean >= 1) return undefined
  const nu = (mean * (1 - mean)) / (sd * sd) - 1
  return { alpha: mean * nu, beta: (1 - mean) * nu }
}

/**
 * The value a deterministic (single, no-uncertainty) run uses:
 * - uniform: (min + max) / 2 — its mean;
 * - normal: mean (validation keeps it inside the clamp bounds);
 * - triangular: (min + mode + max) / 3 — its mean, not its mode;
 * - lognormal: median — not its mean exp(σ²/2)·median, so the deterministic run is the "typical" outcome
 *   and the same number the author wrote;
 * - beta: its mean (alpha / (alpha + beta) for the shape form).
 * A zero-variance distribution returns exactly its fixed value (no float round-off from the formulas above).
 */
export const pointValue = (d: Distribution): number => {
  switch (d.dist) {
    case "uniform":
      return d.min === d.max ? d.min : d.min + (d.max - d.min) / 2
    case "normal":
      return d.mean
    case "triangular":
      return d.min === d.max ? d.min : (d.min + d.mode + d.max) / 3
    case "lognormal":
      return d.median
    case "beta":
      return d.alpha !== undefined && d.beta !== undefined ? d.alpha / (d.alpha + d.beta) : (d.mean ?? 0)
  }
}
