// What one user of a tier costs per month when they use only part of each allowance: the exact, unrounded amount per
// cost line. A projection multiplies these by its users and books each line once (roundMoney) per month.
import * as BigDecimal from "effect/BigDecimal"
import type { Money } from "./money.ts"
import { blendedCompressionRatio } from "./savings.ts"
import type { MediaType, Sheet, Tier } from "./sheet.ts"
import { costedRequests } from "./tiers.ts"
import { coldIsCheaper } from "./tiering.ts"

/** Share of each allowance actually used, each in [0, 1]; 1 everywhere is the plan's "full allowance" reading. */
export interface UsageFractions {
  readonly requests: BigDecimal.BigDecimal
  readonly redis: BigDecimal.BigDecimal
  readonly storage: BigDecimal.BigDecimal
  readonly bandwidth: BigDecimal.BigDecimal
}

/** How logical asset bytes become billed bytes: what survives dedup and compression, and what tiering moves to cold. */
export interface StoragePlacement {
  /** physically stored bytes per logical byte, in [0, 1] (1 = no dedup, no compression) */
  readonly kept: BigDecimal.BigDecimal
  /** share of stored bytes held in cold storage, in [0, 1] (0 = tiering off) */
  readonly cold: BigDecimal.BigDecimal
}

export type UsageLineName =
  | "redis"
  | "hot_storage"
  | "cold_storage"
  | "bandwidth"
  | "workers"
  | "jettythunder_api"
  | "jettyspeed"
  | "text_cache"

/** The usage-driven lines in the order reports list them (support, a scenario input, follows them). */
export const USAGE_LINES: ReadonlyArray<UsageLineName> = [
  "redis",
  "hot_storage",
  "cold_storage",
  "bandwidth",
  "workers",
  "jettythunder_api",
  "jettyspeed",
  "text_cache"
]

/**
 * The lines JettyThunder bills AgentCache for: storage, bandwidth and API calls, as in `transfer.ts`'s internal cost;
 * cold storage is JettyThunder's too (tiering moves bytes within it). JettySpeed stays AgentCache's, as there.
 */
export const JETTYTHUNDER_LINES: ReadonlyArray<UsageLineName> = ["hot_storage", "cold_storage", "bandwidth", "jettythunder_api"]

const ZERO = BigDecimal.fromBigInt(0n)
const ONE = BigDecimal.fromBigInt(1n)
// the text-cache price is per 100k requests: multiplying by 10^-5 is exact where a division need not be
const PER_REQUEST = BigDecimal.make(1n, 5)

export const FULL_USAGE: UsageFractions = { requests: ONE, redis: ONE, storage: ONE, bandwidth: ONE }
export const NO_SAVINGS: StoragePlacement = { kept: ONE, cold: ZERO }

/**
 * Stored bytes per logical byte after dedup then compression, as `combinedSavings` orders them (the content hash is
 * taken of the original asset): (1 − duplicate ratio) × the mix's blended compression ratio. Either step may be off
 * (undefined). Averages over many users, so no byte rounding here: the cost lines are rounded once per month instead.
 */
export const keptFraction = (
  sheet: Sheet,
  options: {
    readonly duplicateRatio?: BigDecimal.BigDecimal | undefined
    readonly mix?: Readonly<Record<MediaType, BigDecimal.BigDecimal>> | undefined
  }
): BigDecimal.BigDecimal => {
  const afterDedup = options.duplicateRatio === undefined ? ONE : BigDecimal.subtract(ONE, options.duplicateRatio)
  if (options.mix === undefined) return afterDedup
  // an all-zero mix stores nothing to compress: keep the bytes as they are
  return BigDecimal.multiply(afterDedup, blendedCompressionRatio(sheet, options.mix) ?? ONE)
}

/**
 * Per-user monthly cost of each line, exact. Allowance-priced lines scale with the used share of the allowance; the
 * flat per-user lines (Workers, JettyThunder API, JettySpeed) are the sheet's, whatever the usage, as in the plan's
 * tier tables. At FULL_USAGE and NO_SAVINGS, rounding each line gives `tierCostLines` (hot_storage is its lyve_storage);
 * bandwidth, usage-priced transfer that the plan's tier tables leave out, is the one line they lack.
 */
export const usageCostLines = (
  sheet: Sheet,
  tier: Tier,
  usage: UsageFractions,
  placement: StoragePlacement = NO_SAVINGS
): Readonly<Record<UsageLineName, Money>> => {
  const p = sheet.unit_prices
  const stored = BigDecimal.multiply(
    BigDecimal.multiply(tier.limits.storage_gb ?? ZERO, usage.storage),
    placement.kept
  )
  // bytes move to cold storage only when it is cheaper (the one tiering price rule)
  const coldShare = coldIsCheaper(p) ? placement.cold : ZERO
  const cold = BigDecimal.multiply(stored, coldShare)
  const hot = BigDecimal.subtract(stored, cold)
  return {
    redis: BigDecimal.multiply(BigDecimal.multiply(tier.limits.redis_mb ?? ZERO, usage.redis), p.redis_per_mb_month),
    hot_storage: BigDecimal.multiply(hot, p.lyve_per_gb_month),
    cold_storage: BigDecimal.multiply(cold, p.cold_per_gb_month),
    bandwidth: BigDecimal.multiply(BigDecimal.multiply(tier.limits.bandwidth_gb ?? ZERO, usage.bandwidth), p.bandwidth_per_gb),
    workers: tier.flat_lines.workers,
    jettythunder_api: tier.flat_lines.jettythunder_api,
    jettyspeed: tier.flat_lines.jettyspeed,
    text_cache: BigDecimal.multiply(
      BigDecimal.multiply(BigDecimal.fromBigInt(BigInt(costedRequests(tier))), usage.requests),
      BigDecimal.multiply(p.text_cache_per_100k_requests, PER_REQUEST)
    )
  }
}
