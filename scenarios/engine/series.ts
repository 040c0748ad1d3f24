// Inputs that move over the horizon: usage shares that ramp up, sign-ups that ramp or compound. Exact decimals, held
// at 6 decimals (a millionth of a share, a micro-user) where a ramp or a compounding step does not land on one.
import * as BigDecimal from "effect/BigDecimal"
import { divideRounded } from "../../model/index.ts"
import type { FractionSeries, Series } from "../scenario/schema.ts"

const ONE = BigDecimal.fromBigInt(1n)
const MICRO = 6
const MILLION = 1_000_000n

/** Month index (0 = the first month) from which a ramp stays at its end value; 0 for a constant. */
export const rampLength = (s: FractionSeries | Series): number =>
  BigDecimal.isBigDecimal(s) ? 0 : "months" in s ? s.months : 0

/** from + (to − from) · min(i, months) / months, at 6 decimals half-even when the step does not divide evenly. */
const rampValue = (from: BigDecimal.BigDecimal, to: BigDecimal.BigDecimal, months: number, i: number): BigDecimal.BigDecimal => {
  const k = Math.min(i, months)
  if (k === 0) return from
  if (k === months) return to
  const step = BigDecimal.multiply(BigDecimal.subtract(to, from), BigDecimal.fromBigInt(BigInt(k)))
  return BigDecimal.sum(from, divideRounded(step, BigDecimal.fromBigInt(BigInt(months)), MICRO, "half-even"))
}

/** A share (usage of an allowance) in month index `i`. */
export const fractionAt = (s: FractionSeries, i: number): BigDecimal.BigDecimal =>
  BigDecimal.isBigDecimal(s) ? s : rampValue(s.from, s.to, s.months, i)

const toMicro = (d: BigDecimal.BigDecimal): bigint => divideRounded(d, ONE, MICRO, "half-even").value

/**
 * Expected sign-ups of each month in micro-users (10^-6 user), `months` long. Compounding growth is applied month by
 * month at micro-user precision (half-even each step), so it needs no powers of huge numbers and stays exact-by-rule.
 */
export const seriesMicro = (s: Series, months: number): ReadonlyArray<bigint> => {
  const out: Array<bigint> = []
  if (BigDecimal.isBigDecimal(s)) {
    const v = toMicro(s)
    for (let i = 0; i < months; i++) out.push(v)
  } else if ("months" in s) {
    for (let i = 0; i < months; i++) out.push(toMicro(rampValue(s.from, s.to, s.months, i)))
  } else {
    const factor = MILLION + divideRounded(s.growth, ONE, MICRO, "half-even").value
    let v = toMicro(s.start)
    for (let i = 0; i < months; i++) {
      out.push(v)
      // v · (1 + g) at micro-user precision: v·factor is in units of 10^-12 users
      v = divideRounded(BigDecimal.make(v * factor, 12), ONE, MICRO, "half-even").value
    }
  }
  return out
}
