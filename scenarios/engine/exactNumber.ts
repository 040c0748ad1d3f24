// Exact integer arithmetic in float64 numbers for the compiled fast path: every value here is an integer below 2^53,
// where addition, subtraction and multiplication of integers whose result stays below 2^53 are exact. Callers check
// the bounds named in each function and fall back to the exact (bigint / BigDecimal) engine beyond them.
import * as BigDecimal from "effect/BigDecimal"
import { roundHalfEven } from "../../model/money.ts"
import type { Domain } from "../scenario/inputs.ts"

export const MAX_EXACT = Number.MAX_SAFE_INTEGER
export const MICRO = 1_000_000

/**
 * num / den rounded half-even, for integers |num| ≤ 2^53 and 0 < den ≤ 2^53. The float quotient may be off by one
 * near an integer; the exact remainder (|num − q·den| stays below 2^53) corrects it.
 */
export const divHalfEven = (num: number, den: number): number => {
  const a = num < 0 ? -num : num
  let q = Math.floor(a / den)
  let r = a - q * den
  if (r < 0) {
    q -= 1
    r += den
  } else if (r >= den) {
    q += 1
    r -= den
  }
  const twice = 2 * r
  if (twice > den || (twice === den && q % 2 === 1)) q += 1
  // 0 − q, not −q: a negative quotient that rounds to zero is the exact engine's 0 (BigDecimal has no −0), so a margin
  // of −0.02% books as 0.0, as it does there
  return num < 0 ? 0 - q : q
}

/**
 * An exact decimal as the nearest float64 within two roundings (Number(bigint) and one division or multiplication by
 * an exact power of ten), i.e. within 2⁻⁵² relative; NaN when the power of ten is not exact (|scale| > 22).
 */
export const floatOf = (d: BigDecimal.BigDecimal | number | undefined): number => {
  if (d === undefined) return 0
  if (typeof d === "number") return d
  if (d.scale > 22 || d.scale < -22) return NaN
  const v = Number(d.value)
  return d.scale >= 0 ? v / 10 ** d.scale : v * 10 ** -d.scale
}

/** An exact decimal in millionths, when it is a whole number of them below 2^53; else NaN. */
export const microOf = (d: BigDecimal.BigDecimal | number | undefined): number => {
  if (d === undefined) return 0
  if (typeof d === "number") return Number.isSafeInteger(d * MICRO) ? d * MICRO : NaN
  const n = BigDecimal.normalize(d)
  if (n.scale > 6) return NaN
  const v = n.value * 10n ** BigInt(6 - n.scale)
  return v > BigInt(MAX_EXACT) || v < -BigInt(MAX_EXACT) ? NaN : Number(v)
}

/** A domain's bounds and rounding in millionths, for `drawMicro`. */
export interface MicroDomain {
  readonly min: number
  readonly max: number
  /** 10^(6 − decimals) when the domain keeps fewer than 6 decimals (whole numbers: 10^6), else 1 */
  readonly grid: number
}

export const microDomain = (d: Domain): MicroDomain => ({
  min: microOf(d.min),
  max: d.max === undefined ? Infinity : microOf(d.max),
  grid: d.decimals !== undefined && d.decimals < 6 ? 10 ** (6 - d.decimals) : 1
})

/**
 * `fromDraw(x, domain)` (uncertain.ts quantize, then inputs.ts toDomain) in millionths, without a BigDecimal: x at 6
 * decimals half-even, clamped to the domain, rounded half-even to its decimals. NaN when the value is beyond 2^53
 * millionths (the exact path then takes the draw).
 */
export const drawMicro = (x: number, d: MicroDomain): number => {
  const scaled = x * MICRO
  if (!(Math.abs(scaled) < 2 ** 52)) return NaN
  // + 0 turns a −0 draw into the exact engine's 0
  let v = roundHalfEven(scaled) + 0
  if (v < d.min) v = d.min
  if (v > d.max) v = d.max
  return d.grid === 1 ? v : divHalfEven(v, d.grid) * d.grid
}
