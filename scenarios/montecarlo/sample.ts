// Inverse CDFs (quantile functions) for every Distribution: a draw is quantile(u) with u uniform in (0, 1), so the
// same machinery serves independent sampling and the Gaussian copula (which hands each marginal a correlated u).
import type { Rng } from "./prng.ts"
import { betaShape, pointValue, type Distribution } from "./distribution.ts"

/** A compiled inverse CDF: u in the open interval (0, 1) → a value of the distribution. */
export type Quantile = (u: number) => number

/**
 * Standard normal quantile Φ⁻¹(p), Wichura's AS 241 (PPND16): relative error about 1e-16 over (0, 1),
 * no refinement step needed (Acklam's is 1e-9 and would need one).
 */
export const inverseNormal = (p: number): number => {
  const q = p - 0.5
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q
    return (
      (q *
        (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r +
          45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r +
          133.14166789178437745) * r + 3.387132872796366608)) /
      (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r +
        21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r +
        42.313330701600911252) * r + 1)
    )
  }
  let r = q < 0 ? p : 1 - p
  if (r <= 0) return q < 0 ? -Infinity : Infinity
  r = Math.sqrt(-Math.log(r))
  let x: number
  if (r <= 5) {
    r -= 1.6
    x =
      (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
        1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r +
        4.6303378461565452959) * r + 1.42343711074968357734) /
      (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
        0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r +
        2.05319162663775882187) * r + 1)
  } else {
    r -= 5
    x =
      (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
        0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r +
        5.4637849111641143699) * r + 6.6579046435011037772) /
      (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
        7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r +
        0.59983220655588793769) * r + 1)
  }
  return q < 0 ? -x : x
}

/**
 * Standard normal CDF Φ(z), Hart's double-precision rational approximation as given by West (2005),
 * absolute error below 1e-14: ample for turning copula normals into uniforms.
 */
export const normalCdf = (z: number): number => {
  const a = Math.abs(z)
  let c: number
  if (a > 37) {
    c = 0
  } else {
    const e = Math.exp((-a * a) / 2)
    if (a < 7.07106781186547) {
      let n = 3.52624965998911e-2 * a + 0.700383064443688
      n = n * a + 6.37396220353165
      n = n * a + 33.912866078383
      n = n * a + 112.079291497871
      n = n * a + 221.213596169931
      n = n * a + 220.206867912376
      let d = 8.83883476483184e-2 * a + 1.75566716318264
      d = d * a + 16.064177579207
      d = d * a + 86.7807322029461
      d = d * a + 296.564248779674
      d = d * a + 637.333633378831
      d = d * a + 793.826512519948
      d = d * a + 440.413735824752
      c = (e * n) / d
    } else {
      c = e / (a + 1 / (a + 2 / (a + 3 / (a + 4 / (a + 0.65))))) / 2.506628274631
    }
  }
  return z > 0 ? 1 - c : c
}

// Lanczos approximation (g = 7, n = 9): ln Γ(x) for x > 0 to about 1e-15 relative.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7
] as const

export const logGamma = (x: number): number => {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x)
  const y = x - 1
  let s = LANCZOS[0]
  for (let i = 1; i < 9; i++) s += (LANCZOS[i] as number) / (y + i)
  const t = y + 7.5
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(s)
}

const TINY = 1e-300
const EPS = 1e-15
// Enough for shapes in the tens of thousands (a beta with mean 0.02, sd 0.001 has beta ≈ 19 000); the continued
// fraction needs O(sqrt(max(a, b))) terms.
const MAX_CF_TERMS = 10_000

/** Continued fraction for I_x(a, b) (modified Lentz), valid where x < (a + 1) / (a + b + 2). */
const betaContinuedFraction = (x: number, a: number, b: number): number => {
  const qab = a + b
  const qap = a + 1
  const qam = a - 1
  let c = 1
  let d = 1 - (qab * x) / qap
  if (Math.abs(d) < TINY) d = TINY
  d = 1 / d
  let h = d
  for (let m = 1; m <= MAX_CF_TERMS; m++) {
    const m2 = 2 * m
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2))
    d = 1 + aa * d
    if (Math.abs(d) < TINY) d = TINY
    c = 1 + aa / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    h *= d * c
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2))
    d = 1 + aa * d
    if (Math.abs(d) < TINY) d = TINY
    c = 1 + aa / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    const del = d * c
    h *= del
    if (Math.abs(del - 1) < EPS) break
  }
  return h
}

/** Regularised incomplete beta I_x(a, b) = P(X <= x) for X ~ Beta(a, b); `logBeta` = ln B(a, b) if precomputed. */
export const incompleteBeta = (x: number, a: number, b: number, logBeta = logGamma(a) + logGamma(b) - logGamma(a + b)): number => {
  if (x <= 0) return 0
  if (x >= 1) return 1
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - logBeta)
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(x, a, b)) / a
    : 1 - (front * betaContinuedFraction(1 - x, b, a)) / b
}

// Grid of exact quantiles a beta draw starts from: the interpolated guess is close, so Newton/Halley needs one or
// two incomplete-beta evaluations per draw instead of a dozen.
const BETA_GRID = 256

/**
 * Inverse of I_x(a, b) in u, to ~1e-12 relative in x: safeguarded Halley iteration inside a bracket that always
 * contains the root (bisection when a step would leave it).
 */
export const betaQuantile = (a: number, b: number): Quantile => {
  const logBeta = logGamma(a) + logGamma(b) - logGamma(a + b)
  const cdf = (x: number): number => incompleteBeta(x, a, b, logBeta)
  const solve = (u: number, lo: number, hi: number, guess: number): number => {
    let x = guess > lo && guess < hi ? guess : (lo + hi) / 2
    for (let i = 0; i < 100; i++) {
      const f = cdf(x) - u
      if (f === 0) return x
      if (f < 0) lo = x
      else hi = x
      const logPdf = (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logBeta
      const pdf = Math.exp(logPdf)
      let next: number
      if (pdf > 0 && Number.isFinite(pdf)) {
        const newton = f / pdf
        // Halley's correction: f'' / f' = (a - 1) / x - (b - 1) / (1 - x)
        const curve = (a - 1) / x - (b - 1) / (1 - x)
        const denom = 1 - 0.5 * newton * curve
        const step = denom > 0.5 && denom < 2 ? newton / denom : newton
        next = x - step
      } else {
        next = (lo + hi) / 2
      }
      if (!(next > lo && next < hi)) next = (lo + hi) / 2
      // relative to the distance from the nearer end: near 1, a U-shaped beta's CDF is steep in 1 − x
      if (Math.abs(next - x) <= 1e-13 * Math.max(Math.min(x, 1 - x), 1e-300) || hi - lo <= 2e-16 * hi) return next
      x = next
    }
    return x
  }
  // Tails: I_x ≈ x^a / (a B(a, b)) near 0 and 1 − (1 − x)^b / (b B(a, b)) near 1.
  const lowTail = (u: number): number => Math.exp((Math.log(u * a) + logBeta) / a)
  const highTail = (u: number): number => 1 - Math.exp((Math.log((1 - u) * b) + logBeta) / b)
  // built on the first draw: a sampler made only to validate a scenario's correlations (load.ts) never pays for it
  let grid: Float64Array | undefined
  const buildGrid = (): Float64Array => {
    const g = new Float64Array(BETA_GRID + 1)
    g[BETA_GRID] = 1
    for (let k = 1; k < BETA_GRID; k++) {
      const u = k / BETA_GRID
      g[k] = solve(u, g[k - 1] as number, 1, u < 0.5 ? lowTail(u) : highTail(u))
    }
    return g
  }
  return (u: number): number => {
    grid ??= buildGrid()
    const pos = u * BETA_GRID
    const k = Math.min(Math.floor(pos), BETA_GRID - 1)
    const lo = grid[k] as number
    const hi = grid[k + 1] as number
    let guess: number
    if (k === 0) guess = Math.min(lowTail(u), hi)
    else if (k === BETA_GRID - 1) guess = Math.max(highTail(u), lo)
    else guess = lo + (hi - lo) * (pos - k)
    return solve(u, lo, hi, guess)
  }
}

/**
 * The compiled inverse CDF of a distribution. Constants are computed once here, so calling the result allocates
 * nothing. A zero-variance distribution compiles to a constant: exactly `pointValue(d)`, whatever u.
 */
export const quantileFunction = (d: Distribution): Quantile => {
  const fixed = pointValue(d)
  switch (d.dist) {
    case "uniform": {
      if (d.min === d.max) return () => fixed
      const { min } = d
      const width = d.max - d.min
      return (u) => min + u * width
    }
    case "normal": {
      if (d.sd === 0) return () => fixed
      const { mean, sd } = d
      const lo = d.min ?? -Infinity
      const hi = d.max ?? Infinity
      return (u) => {
        const x = mean + sd * inverseNormal(u)
        return x < lo ? lo : x > hi ? hi : x
      }
    }
    case "triangular": {
      if (d.min === d.max) return () => fixed
      const { min, mode, max } = d
      const width = max - min
      const split = (mode - min) / width
      const left = width * (mode - min)
      const right = width * (max - mode)
      return (u) => (u < split ? min + Math.sqrt(u * left) : max - Math.sqrt((1 - u) * right))
    }
    case "lognormal": {
      if (d.sigma === 0) return () => fixed
      const { median, sigma } = d
      // median · e^(σz), not e^(ln median + σz): the same law, and exactly the median at z = 0
      return (u) => median * Math.exp(sigma * inverseNormal(u))
    }
    case "beta": {
      const shape = betaShape(d)
      if (shape === undefined) return () => fixed
      return betaQuantile(shape.alpha, shape.beta)
    }
  }
}

/** One draw of `d` (compiles every call: for loops, compile once with `quantileFunction`). */
export const sampleOnce = (d: Distribution, rng: Rng): number => quantileFunction(d)(rng.uniform())
