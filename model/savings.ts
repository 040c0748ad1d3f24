// Storage savings the plan promises, priced exactly: deduplication, compression (per media type, blended by a mix),
// intelligent tiering (hot vs cold), and all three in sequence. Every saving lies between 0 and the cost it saves on.
//
// Fractional bytes: bytes that REMAIN (unique after dedup, size after compression) round UP and bytes MOVED to cold
// storage round DOWN, so a saving is never overstated by a partial byte. Money: each saving is the exact saving rounded
// once (roundMoney), and "after" = "before" − saving, so every table adds up to the cent.
import * as BigDecimal from "effect/BigDecimal"
import { InvalidInput, requireNonNegative } from "./invalidInput.ts"
import { allocate, allocateUnits, divideRounded, type Money, percent, roundMoney } from "./money.ts"
import { MEDIA_TYPES, type MediaType, type Sheet } from "./sheet.ts"
import { coldIsCheaper } from "./tiering.ts"
import { priceOfBytes } from "./units.ts"

export type ByMedia<A> = Readonly<Record<MediaType, A>>

/** What a measure does to stored bytes and to their monthly cost. */
export interface Saving {
  readonly bytesBefore: bigint
  readonly bytesAfter: bigint
  readonly bytesSaved: bigint
  /** Monthly storage cost of `bytesBefore` at the hot (Lyve) price. */
  readonly costBefore: Money
  readonly costAfter: Money
  /** 0 ≤ saved ≤ costBefore; costAfter = costBefore − saved. */
  readonly saved: Money
  /** saved / costBefore × 100, one decimal half-even; undefined when nothing was stored. */
  readonly savedPct: BigDecimal.BigDecimal | undefined
}

const ONE = BigDecimal.fromBigInt(1n)

/** Monthly storage cost of `bytes` at the sheet's hot (Lyve) price, rounded to the cent. */
export const storageCost = (sheet: Sheet, bytes: bigint): Money => roundMoney(priceOfBytes(bytes, sheet.unit_prices.lyve_per_gb_month))

const ceilTimes = (bytes: bigint, f: BigDecimal.BigDecimal): bigint =>
  BigDecimal.scale(BigDecimal.ceil(BigDecimal.multiply(BigDecimal.fromBigInt(bytes), f), 0), 0).value

const floorTimes = (bytes: bigint, f: BigDecimal.BigDecimal): bigint =>
  BigDecimal.scale(BigDecimal.floor(BigDecimal.multiply(BigDecimal.fromBigInt(bytes), f), 0), 0).value

const requireFraction = (field: string, f: BigDecimal.BigDecimal): BigDecimal.BigDecimal => {
  if (BigDecimal.isNegative(f) || BigDecimal.isGreaterThan(f, ONE)) {
    throw new InvalidInput({ field, message: `${field}: expected a fraction between 0 and 1, got ${BigDecimal.format(f)}` })
  }
  return f
}

/** A saving from an exact cost difference: rounded once, so it stays within [0, costBefore] (rounding is monotone). */
const savingOf = (
  bytesBefore: bigint,
  bytesAfter: bigint,
  exactBefore: BigDecimal.BigDecimal,
  exactSaved: BigDecimal.BigDecimal
): Saving => {
  const costBefore = roundMoney(exactBefore)
  const saved = roundMoney(exactSaved)
  return {
    bytesBefore,
    bytesAfter,
    bytesSaved: bytesBefore - bytesAfter,
    costBefore,
    costAfter: BigDecimal.subtract(costBefore, saved),
    saved,
    savedPct: percent(saved, costBefore)
  }
}

/** Unique bytes kept when `duplicateRatio` of the logical bytes are copies of bytes already stored (rounded up). */
export const uniqueBytes = (logicalBytes: bigint, duplicateRatio: BigDecimal.BigDecimal): bigint =>
  ceilTimes(requireNonNegative("logicalBytes", logicalBytes), BigDecimal.subtract(ONE, requireFraction("duplicateRatio", duplicateRatio)))

/** Deduplication: store each identical asset once. The saving is the duplicates' bytes × the hot price. */
export const dedupSavings = (sheet: Sheet, logicalBytes: bigint, duplicateRatio: BigDecimal.BigDecimal): Saving => {
  const after = uniqueBytes(logicalBytes, duplicateRatio)
  const p = sheet.unit_prices.lyve_per_gb_month
  return savingOf(logicalBytes, after, priceOfBytes(logicalBytes, p), priceOfBytes(logicalBytes - after, p))
}

/** The default mix when none is given: the sheet's `media.default_mix`. */
export const defaultMediaMix = (sheet: Sheet): ByMedia<BigDecimal.BigDecimal> => sheet.media.default_mix

/** Mix fractions as integer weights on their common decimal scale (exact: 0.5/0.2 → 5/2). */
const mixWeights = (mix: ByMedia<BigDecimal.BigDecimal>): ReadonlyArray<bigint> => {
  const fs = MEDIA_TYPES.map((m) => mix[m])
  fs.forEach((f, i) => {
    if (BigDecimal.isNegative(f)) {
      throw new InvalidInput({ field: `mix.${MEDIA_TYPES[i]}`, message: `mix.${MEDIA_TYPES[i]}: expected a share ≥ 0` })
    }
  })
  const scale = Math.max(0, ...fs.map((f) => f.scale))
  return fs.map((f) => BigDecimal.scale(f, scale).value)
}

/** Split `totalBytes` across media types by `mix` (any non-negative shares; largest remainder, so bytes sum exactly). */
export const splitByMedia = (
  sheet: Sheet,
  totalBytes: bigint,
  mix: ByMedia<BigDecimal.BigDecimal> = defaultMediaMix(sheet)
): ByMedia<bigint> => {
  const parts = allocateUnits(requireNonNegative("totalBytes", totalBytes), mixWeights(mix))
  return Object.fromEntries(MEDIA_TYPES.map((m, i) => [m, parts[i]!])) as Record<MediaType, bigint>
}

/**
 * Size after compression as a share of size before, blended by `mix` (shares normalised to sum 1). Exact when the
 * shares' total divides a power of ten (fractions summing to 1 do); otherwise rounded half-even at 12 decimals.
 */
export const blendedCompressionRatio = (
  sheet: Sheet,
  mix: ByMedia<BigDecimal.BigDecimal> = defaultMediaMix(sheet)
): BigDecimal.BigDecimal | undefined => {
  const weights = mixWeights(mix)
  const total = weights.reduce((a, b) => a + b, 0n)
  if (total === 0n) return undefined
  let acc = BigDecimal.fromBigInt(0n)
  MEDIA_TYPES.forEach((m, i) => {
    acc = BigDecimal.sum(acc, BigDecimal.multiply(sheet.media.compression_ratios[m], BigDecimal.fromBigInt(weights[i]!)))
  })
  return BigDecimal.normalize(divideRounded(acc, BigDecimal.fromBigInt(total), acc.scale + 12, "half-even"))
}

/** Bytes after compressing each media type at the sheet's ratio (each rounded up). */
export const compressedBytes = (sheet: Sheet, bytes: ByMedia<bigint>): ByMedia<bigint> =>
  Object.fromEntries(
    MEDIA_TYPES.map((m) => [m, ceilTimes(requireNonNegative(`bytes.${m}`, bytes[m]), sheet.media.compression_ratios[m])])
  ) as Record<MediaType, bigint>

const total = (bytes: ByMedia<bigint>): bigint => MEDIA_TYPES.reduce((a, m) => a + bytes[m], 0n)

export interface CompressionSaving extends Saving {
  readonly byMedia: ByMedia<{ readonly before: bigint; readonly after: bigint }>
}

/** Compression before storage, per media type at the sheet's ratios. */
export const compressionSavings = (sheet: Sheet, bytes: ByMedia<bigint>): CompressionSaving => {
  const after = compressedBytes(sheet, bytes)
  const before = total(bytes)
  const afterTotal = total(after)
  const p = sheet.unit_prices.lyve_per_gb_month
  return {
    ...savingOf(before, afterTotal, priceOfBytes(before, p), priceOfBytes(before - afterTotal, p)),
    byMedia: Object.fromEntries(MEDIA_TYPES.map((m) => [m, { before: bytes[m], after: after[m] }])) as Record<
      MediaType,
      { before: bigint; after: bigint }
    >
  }
}

export interface TieringSaving extends Saving {
  readonly hotBytes: bigint
  readonly coldBytes: bigint
  /** Cost of keeping everything hot (= costBefore) and of the tiered layout (= costAfter). */
  readonly hotPricePerGb: BigDecimal.BigDecimal
  readonly coldPricePerGb: BigDecimal.BigDecimal
}

/**
 * Intelligent tiering: `coldFraction` of the bytes sit in cold storage (rounded down), the rest hot. Bytes do not
 * shrink (bytesAfter = bytesBefore); only their price does. If cold were not cheaper, nothing would be moved.
 */
export const tieringSavings = (sheet: Sheet, bytes: bigint, coldFraction: BigDecimal.BigDecimal): TieringSaving => {
  requireNonNegative("bytes", bytes)
  requireFraction("coldFraction", coldFraction)
  const hot = sheet.unit_prices.lyve_per_gb_month
  const cold = sheet.unit_prices.cold_per_gb_month
  const cheaper = coldIsCheaper(sheet.unit_prices)
  const coldBytes = cheaper ? floorTimes(bytes, coldFraction) : 0n
  const exactSaved = priceOfBytes(coldBytes, BigDecimal.subtract(hot, cold))
  return {
    ...savingOf(bytes, bytes, priceOfBytes(bytes, hot), cheaper ? exactSaved : BigDecimal.fromBigInt(0n)),
    hotBytes: bytes - coldBytes,
    coldBytes,
    hotPricePerGb: hot,
    coldPricePerGb: cold
  }
}

export interface CombinedInput {
  /** Logical bytes per media type, before dedup. */
  readonly bytes: ByMedia<bigint>
  readonly duplicateRatio: BigDecimal.BigDecimal
  readonly coldFraction: BigDecimal.BigDecimal
}

export interface CombinedSaving {
  readonly logicalBytes: bigint
  readonly uniqueBytes: bigint
  readonly storedBytes: bigint
  readonly hotBytes: bigint
  readonly coldBytes: bigint
  readonly costBefore: Money
  readonly costAfter: Money
  readonly saved: Money
  readonly savedPct: BigDecimal.BigDecimal | undefined
  /** The total saving split by stage (largest remainder on the exact stage savings): the three sum exactly to `saved`. */
  readonly byStage: { readonly dedup: Money; readonly compression: Money; readonly tiering: Money }
}

/**
 * Dedup, then compression of the unique bytes, then tiering of the stored bytes. The total is the exact difference
 * rounded once; the per-stage figures are that total allocated, so they may differ by a cent from each measure priced
 * alone (`dedupSavings` etc. round separately).
 */
export const combinedSavings = (sheet: Sheet, input: CombinedInput): CombinedSaving => {
  const hot = sheet.unit_prices.lyve_per_gb_month
  const cold = sheet.unit_prices.cold_per_gb_month
  const logical = total(input.bytes)
  const unique = Object.fromEntries(MEDIA_TYPES.map((m) => [m, uniqueBytes(input.bytes[m], input.duplicateRatio)])) as Record<
    MediaType,
    bigint
  >
  const uniqueTotal = total(unique)
  const storedTotal = total(compressedBytes(sheet, unique))
  const tier = tieringSavings(sheet, storedTotal, input.coldFraction)
  const exactDedup = priceOfBytes(logical - uniqueTotal, hot)
  const exactCompression = priceOfBytes(uniqueTotal - storedTotal, hot)
  const exactTiering = priceOfBytes(tier.coldBytes, BigDecimal.subtract(hot, cold))
  const stages = tier.coldBytes === 0n ? [exactDedup, exactCompression, BigDecimal.fromBigInt(0n)] : [exactDedup, exactCompression, exactTiering]
  const exactSaved = stages.reduce((a, b) => BigDecimal.sum(a, b))
  const s = savingOf(logical, storedTotal, priceOfBytes(logical, hot), exactSaved)
  const scale = Math.max(0, ...stages.map((x) => x.scale))
  const split = allocate(s.saved, stages.map((x) => BigDecimal.scale(x, scale).value))
  return {
    logicalBytes: logical,
    uniqueBytes: uniqueTotal,
    storedBytes: storedTotal,
    hotBytes: tier.hotBytes,
    coldBytes: tier.coldBytes,
    costBefore: s.costBefore,
    costAfter: s.costAfter,
    saved: s.saved,
    savedPct: s.savedPct,
    byStage: { dedup: split[0]!, compression: split[1]!, tiering: split[2]! }
  }
}
