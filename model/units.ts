// Byte units, decimal as the plan's own arithmetic uses them: 1 MB = 10^6 bytes, 1 GB = 10^9 bytes (never GiB).
import * as BigDecimal from "effect/BigDecimal"

export const BYTES_PER_MB = 1_000_000n
export const BYTES_PER_GB = 1_000_000_000n

/** Whole bytes in `amount` MB. Fractional bytes are truncated: a limit never grants a partial byte. */
export const mbToBytes = (mb: BigDecimal.BigDecimal): bigint => decimalTimesInt(mb, BYTES_PER_MB)

/** Whole bytes in `amount` GB. */
export const gbToBytes = (gb: BigDecimal.BigDecimal): bigint => decimalTimesInt(gb, BYTES_PER_GB)

/** Exact MB in `bytes` (a decimal with up to 6 places). */
export const bytesToMb = (bytes: bigint): BigDecimal.BigDecimal => BigDecimal.make(bytes, 6)

/** Exact GB in `bytes` (a decimal with up to 9 places). */
export const bytesToGb = (bytes: bigint): BigDecimal.BigDecimal => BigDecimal.make(bytes, 9)

const decimalTimesInt = (d: BigDecimal.BigDecimal, factor: bigint): bigint => {
  const n = BigDecimal.multiply(d, BigDecimal.fromBigInt(factor))
  return BigDecimal.scale(BigDecimal.truncate(n, 0), 0).value
}

/** Format a decimal quantity (MB, GB) for people: trailing zeros dropped, at most `places` decimals, rounded toward zero. */
export const formatQuantity = (d: BigDecimal.BigDecimal, places = 3): string =>
  BigDecimal.format(BigDecimal.normalize(BigDecimal.truncate(d, places)))

const UNIT_FACTORS: Record<string, bigint> = { b: 1n, kb: 1_000n, mb: BYTES_PER_MB, gb: BYTES_PER_GB, tb: 1_000n * BYTES_PER_GB }

/** Parse "512", "10MB", "2.5 GB", "1TB" (decimal units, case-insensitive) into whole bytes; undefined when malformed. */
export const parseBytes = (text: string): bigint | undefined => {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?b)?\s*$/i.exec(text)
  if (!m) return undefined
  const factor = UNIT_FACTORS[(m[2] ?? "b").toLowerCase()]
  if (factor === undefined) return undefined
  const amount = BigDecimal.fromStringUnsafe(m[1]!)
  const bytes = BigDecimal.multiply(amount, BigDecimal.fromBigInt(factor))
  // "1.5B" is not a whole number of bytes: refuse rather than guess
  const whole = BigDecimal.truncate(bytes, 0)
  if (!BigDecimal.equals(whole, bytes)) return undefined
  return BigDecimal.scale(whole, 0).value
}

/** Format whole bytes with the largest decimal unit that keeps at most 3 decimals: 1500000 → "1.5 MB". */
export const formatBytes = (bytes: bigint): string => {
  const abs = bytes < 0n ? -bytes : bytes
  const [unit, factor] = abs >= 1_000n * BYTES_PER_GB ? ["TB", 1_000n * BYTES_PER_GB] as const
    : abs >= BYTES_PER_GB ? ["GB", BYTES_PER_GB] as const
    : abs >= BYTES_PER_MB ? ["MB", BYTES_PER_MB] as const
    : abs >= 1_000n ? ["KB", 1_000n] as const
    : ["B", 1n] as const
  const scale = factor.toString().length - 1
  return `${formatQuantity(BigDecimal.make(bytes, scale))} ${unit}`
}

/**
 * The exact price of `bytes` at a unit price per GB (storage, bandwidth) or per MB (Redis), unrounded: callers that
 * book it round once with `roundMoney`. The one place bytes meet the sheet's unit prices.
 */
export const priceOfBytes = (bytes: bigint, unitPrice: BigDecimal.BigDecimal, per: "GB" | "MB" = "GB"): BigDecimal.BigDecimal =>
  BigDecimal.multiply(per === "GB" ? bytesToGb(bytes) : bytesToMb(bytes), unitPrice)
