// Money: exact decimals (Effect BigDecimal), US dollars. The ONE place where booked amounts are rounded is `roundMoney`.
import * as BigDecimal from "effect/BigDecimal"

export type Money = BigDecimal.BigDecimal

/**
 * Booked amounts are rounded to cents with banker's rounding (half-even): unbiased over many lines, the usual
 * default of accounting systems when finance states no other rule. Every cost line, price and invoice amount goes through here.
 */
export const MONEY_ROUNDING = { scale: 2, mode: "half-even" } as const

export const roundMoney = (amount: BigDecimal.BigDecimal): Money =>
  // same result as BigDecimal.round(amount, MONEY_ROUNDING), on the integers underneath: this sits on the engine's hot
  // path (every booked line of every month of every Monte Carlo run), where the generic round was ~45 % of the time
  amount.scale <= MONEY_ROUNDING.scale
    ? amount
    : BigDecimal.make(
      roundedQuotient(amount.value, 10n ** BigInt(amount.scale - MONEY_ROUNDING.scale), MONEY_ROUNDING.mode),
      MONEY_ROUNDING.scale
    )

export type RoundingMode = "half-even" | "floor" | "ceil"

/** num / den (den > 0) rounded to an integer with `mode`: the one place a quotient is rounded, for money and ratios. */
const roundedQuotient = (num: bigint, den: bigint, mode: RoundingMode): bigint => {
  let q = num / den // truncates toward zero
  const r = num - q * den
  if (r === 0n) return q
  const negative = r < 0n
  if (mode === "floor") return negative ? q - 1n : q
  if (mode === "ceil") return negative ? q : q + 1n
  const twice = (negative ? -r : r) * 2n
  if (twice > den || (twice === den && q % 2n !== 0n)) q += negative ? -1n : 1n
  return q
}

/**
 * A float rounded to a whole number, half-even: for statistics only (a Monte Carlo draw put on the engine's decimal
 * grid), never for money. The same rule as `roundedQuotient`, on a float the caller has scaled.
 */
export const roundHalfEven = (x: number): number => {
  const f = Math.floor(x)
  const diff = x - f
  if (diff > 0.5) return f + 1
  if (diff < 0.5) return f
  return f % 2 === 0 ? f : f + 1
}

export const ZERO: Money = BigDecimal.make(0n, 0)

export const money = (text: string): Money => BigDecimal.fromStringUnsafe(text)

export const cents = (n: bigint): Money => BigDecimal.make(n, 2)

/** Integer cents of an amount already on the cent grid (throws on a sub-cent amount: that is a rounding bug upstream). */
export const toCents = (amount: Money): bigint => {
  const scaled = BigDecimal.scale(amount, 2)
  if (!BigDecimal.equals(scaled, amount)) throw new Error(`toCents: ${BigDecimal.format(amount)} is not on the cent grid`)
  return scaled.value
}

export const sumMoney = (amounts: Iterable<Money>): Money => {
  let acc = ZERO
  for (const a of amounts) acc = BigDecimal.sum(acc, a)
  return acc
}

/** "10.50", "-3.00", "49000.00": always two decimals, no grouping. The JSON form of money. */
export const formatMoney = (amount: Money): string => formatFixed(roundMoney(amount), 2)

/** A decimal at exactly `places` decimals (no exponent, no grouping); the value must already be on that grid. */
export const formatFixed = (d: BigDecimal.BigDecimal, places: number): string => {
  const v = BigDecimal.scale(d, places).value
  const neg = v < 0n
  const digits = (neg ? -v : v).toString().padStart(places + 1, "0")
  const int = digits.slice(0, digits.length - places)
  return `${neg ? "-" : ""}${int}${places > 0 ? "." + digits.slice(digits.length - places) : ""}`
}

/**
 * Decimal text as money and figures are written in files, flags and JSON: digits with an optional sign and fraction,
 * no exponent, no grouping, no currency sign ("-3.50", "49000"). The one definition every reader checks against.
 */
export const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/
/** The same without a sign: prices, rates and quantities of the price sheet. */
export const UNSIGNED_DECIMAL_TEXT = /^\d+(\.\d+)?$/

/** Is `text` (trimmed) a decimal in the form of `DECIMAL_TEXT`? */
export const isDecimalText = (text: string): boolean => DECIMAL_TEXT.test(text.trim())

/** Parse a decimal string or finite number as money; undefined when malformed. */
export const parseMoney = (input: string | number): Money | undefined => {
  const text = typeof input === "number" ? (Number.isFinite(input) ? String(input) : "") : input.trim()
  if (!DECIMAL_TEXT.test(text)) return undefined
  return BigDecimal.fromStringUnsafe(text)
}

/** "$49,000.00" for tables people read. */
export const formatUsd = (amount: Money): string => {
  const s = formatMoney(amount)
  const neg = s.startsWith("-")
  const [int, frac] = (neg ? s.slice(1) : s).split(".")
  return `${neg ? "-" : ""}$${int!.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${frac}`
}

/**
 * Percentages are shown with one decimal. Margins round half-even like money; usage percents round down (floor) so a
 * quota never reads fuller than it is: 89.99% shows as 89.9, never as a 90.0 that has not triggered the 90% alert.
 */
export type PercentRounding = "half-even" | "floor"

/** ratio × 100 at one decimal; undefined when the denominator is zero. */
export const percent = (
  numerator: BigDecimal.BigDecimal,
  denominator: BigDecimal.BigDecimal,
  mode: PercentRounding = "half-even"
): BigDecimal.BigDecimal | undefined =>
  BigDecimal.isZero(denominator)
    ? undefined
    : divideRounded(BigDecimal.multiply(numerator, BigDecimal.fromBigInt(100n)), denominator, 1, mode)

/**
 * Exact a / b rounded once to `scale` decimals with `mode` (b ≠ 0). BigDecimal's own division truncates at a fixed
 * precision first, which would round twice; this works on the integers underneath.
 */
export const divideRounded = (
  a: BigDecimal.BigDecimal,
  b: BigDecimal.BigDecimal,
  scale: number,
  mode: RoundingMode
): BigDecimal.BigDecimal => {
  if (BigDecimal.isZero(b)) throw new RangeError("divideRounded: division by zero")
  // a/b = (av·10^-as)/(bv·10^-bs); the result at `scale` is av·10^(bs-as+scale) / bv
  const shift = b.scale - a.scale + scale
  let num = a.value
  let den = b.value
  if (shift >= 0) num *= 10n ** BigInt(shift)
  else den *= 10n ** BigInt(-shift)
  if (den < 0n) {
    num = -num
    den = -den
  }
  return BigDecimal.make(roundedQuotient(num, den, mode), scale)
}

export const formatPercent = (p: BigDecimal.BigDecimal): string => formatFixed(p, 1)

/**
 * Split `total` (on the cent grid) into shares proportional to `weights`, by largest remainder (Hamilton):
 * every share is a whole number of cents and the shares always sum exactly to the total. Ties in remainder go to the
 * earlier index, so the result is deterministic. All-zero weights split evenly.
 */
export const allocate = (total: Money, weights: ReadonlyArray<bigint>): Array<Money> =>
  allocateUnits(toCents(total), weights).map(cents)

/** Largest-remainder split of an integer quantity (cents, users, bytes). Parts sum exactly to `total`. */
export const allocateUnits = (total: bigint, weights: ReadonlyArray<bigint>): Array<bigint> => {
  const n = weights.length
  if (n === 0) {
    if (total !== 0n) throw new Error("allocateUnits: cannot allocate a non-zero total to no parts")
    return []
  }
  if (weights.some((w) => w < 0n)) throw new Error("allocateUnits: weights must be non-negative")
  let sumW = weights.reduce((a, b) => a + b, 0n)
  const ws = sumW === 0n ? weights.map(() => 1n) : weights
  if (sumW === 0n) sumW = BigInt(n)
  const neg = total < 0n
  const t = neg ? -total : total
  const shares = ws.map((w) => (t * w) / sumW)
  const remainders = ws.map((w, i) => ({ i, r: (t * w) % sumW }))
  let left = t - shares.reduce((a, b) => a + b, 0n)
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1))
  for (const { i } of remainders) {
    if (left === 0n) break
    shares[i] = shares[i]! + 1n
    left -= 1n
  }
  return neg ? shares.map((s) => -s) : shares
}
