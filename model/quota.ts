// Quota rules: allow or deny a request given a tier, current usage and the request's demand. Pure; the enforcer
// calls exactly these functions and makes them atomic (see enforcer/), the scenarios use the same limits.
import * as BigDecimal from "effect/BigDecimal"
import { percent, formatPercent } from "./money.ts"
import { type Sheet, type Tier, type TierId, tierOf } from "./sheet.ts"
import { type Limits, limitsOf, tiersByPrice } from "./tiers.ts"
import { bytesToGb, bytesToMb, formatBytes, formatQuantity } from "./units.ts"

/** The quota dimensions, in the order they are checked: the one list the enforcer, its API and the scenarios use. */
export const DIMENSIONS = ["requests", "redis", "storage", "bandwidth"] as const
export type Dimension = (typeof DIMENSIONS)[number]

/** Usage in one billing period (requests, bandwidth) or at a point in time (redis, storage): exact counts and bytes. */
export interface Usage {
  readonly requests: bigint
  readonly redisBytes: bigint
  readonly storageBytes: bigint
  readonly bandwidthBytes: bigint
}

export const NO_USAGE: Usage = { requests: 0n, redisBytes: 0n, storageBytes: 0n, bandwidthBytes: 0n }

export type QuotaRequest =
  | { readonly kind: "cache_request" }
  | { readonly kind: "text_cache_write"; readonly bytes: bigint }
  | { readonly kind: "asset_store"; readonly bytes: bigint }
  | { readonly kind: "bandwidth"; readonly bytes: bigint }

export const cacheRequest: QuotaRequest = { kind: "cache_request" }
export const textCacheWrite = (bytes: bigint): QuotaRequest => ({ kind: "text_cache_write", bytes })
export const assetStore = (bytes: bigint): QuotaRequest => ({ kind: "asset_store", bytes })
export const bandwidth = (bytes: bigint): QuotaRequest => ({ kind: "bandwidth", bytes })

/** What a request adds to usage. A text-cache write is also a cache request; asset bytes count as storage only. */
export const demandOf = (request: QuotaRequest): Usage => {
  switch (request.kind) {
    case "cache_request":
      return { ...NO_USAGE, requests: 1n }
    case "text_cache_write":
      return { ...NO_USAGE, requests: 1n, redisBytes: request.bytes }
    case "asset_store":
      return { ...NO_USAGE, storageBytes: request.bytes }
    case "bandwidth":
      return { ...NO_USAGE, bandwidthBytes: request.bytes }
  }
}

export const usageOf = (u: Usage, d: Dimension): bigint =>
  d === "requests" ? u.requests : d === "redis" ? u.redisBytes : d === "storage" ? u.storageBytes : u.bandwidthBytes

export const limitOf = (l: Limits, d: Dimension): bigint | null =>
  d === "requests" ? l.requests : d === "redis" ? l.redisBytes : d === "storage" ? l.storageBytes : l.bandwidthBytes

export const addUsage = (a: Usage, b: Usage): Usage => ({
  requests: a.requests + b.requests,
  redisBytes: a.redisBytes + b.redisBytes,
  storageBytes: a.storageBytes + b.storageBytes,
  bandwidthBytes: a.bandwidthBytes + b.bandwidthBytes
})

/** The one fit rule: landing exactly on the limit is allowed, one unit more is not; null is unlimited. */
export const fits = (used: bigint, requested: bigint, limit: bigint | null): boolean =>
  limit === null || used + requested <= limit

export interface QuotaExceeded {
  readonly reason: "quota_exceeded"
  readonly tier: TierId
  readonly dimension: Dimension
  readonly used: bigint
  readonly requested: bigint
  readonly limit: bigint
  /** Cheapest tier whose limit on this dimension would hold used + requested; null if none does. */
  readonly upgradeTier: TierId | null
  readonly message: string
}

export interface MultimodalNotInTier {
  readonly reason: "multimodal_not_in_tier"
  readonly tier: TierId
  readonly upgradeTier: TierId | null
  readonly message: string
}

export type Denial = QuotaExceeded | MultimodalNotInTier

export type Decision =
  | { readonly _tag: "Allow"; readonly usageAfter: Usage }
  | { readonly _tag: "Deny"; readonly denial: Denial }

const needsMultimodal = (r: QuotaRequest) => r.kind === "asset_store" || r.kind === "bandwidth"

const DIMENSION_LABEL: Record<Dimension, string> = {
  requests: "Cache requests",
  redis: "Redis storage",
  storage: "Asset storage",
  bandwidth: "Bandwidth"
}

export const formatAmount = (d: Dimension, n: bigint): string =>
  d === "requests" ? n.toLocaleString("en-US") : formatBytes(n)

/** Cheapest tier (by price) that would allow `need` on `dimension` (and multimodal when asked). */
export const cheapestTierFitting = (
  sheet: Sheet,
  need: Partial<Record<Dimension, bigint>>,
  multimodal = false
): TierId | null => {
  for (const t of tiersByPrice(sheet)) {
    if (multimodal && !t.multimodal) continue
    const limits = limitsOf(t)
    if (Object.entries(need).every(([d, n]) => fits(0n, n as bigint, limitOf(limits, d as Dimension)))) return t.id
  }
  return null
}

/**
 * Allow or deny. Dimensions are checked in a fixed order (requests, redis, storage, bandwidth) and the first one that
 * does not fit is reported, with the cheapest tier that would hold the usage after the request.
 */
export const decide = (sheet: Sheet, tierId: TierId, usage: Usage, request: QuotaRequest): Decision => {
  const tier = tierOf(sheet, tierId)
  if (needsMultimodal(request) && !tier.multimodal) {
    const upgradeTier = cheapestTierFitting(sheet, {}, true)
    return {
      _tag: "Deny",
      denial: {
        reason: "multimodal_not_in_tier",
        tier: tierId,
        upgradeTier,
        message: `The ${tier.name} tier has no multimodal (asset) cache${upgradeTier ? `; upgrade to ${tierOf(sheet, upgradeTier).name}` : ""}.`
      }
    }
  }
  const limits = limitsOf(tier)
  const demand = demandOf(request)
  for (const d of DIMENSIONS) {
    const requested = usageOf(demand, d)
    if (requested === 0n) continue
    const used = usageOf(usage, d)
    const limit = limitOf(limits, d)
    if (!fits(used, requested, limit)) {
      const upgradeTier = cheapestTierFitting(sheet, { [d]: used + requested }, needsMultimodal(request))
      return {
        _tag: "Deny",
        denial: {
          reason: "quota_exceeded",
          tier: tierId,
          dimension: d,
          used,
          requested,
          limit: limit!,
          upgradeTier,
          message: `${DIMENSION_LABEL[d]} limit exceeded: used ${formatAmount(d, used)} of ${formatAmount(d, limit!)}, ` +
            `this request needs ${formatAmount(d, requested)} more` +
            (upgradeTier ? `; the ${tierOf(sheet, upgradeTier).name} tier would fit.` : ".")
        }
      }
    }
  }
  return { _tag: "Allow", usageAfter: addUsage(usage, demand) }
}

/**
 * Usage as a percent of the limit, one decimal, rounded down. Defined everywhere: an unlimited limit reads 0,
 * a zero limit reads 0 when unused and 100 when anything is used (the plan's SQL divided by zero here).
 */
export const usagePercent = (used: bigint, limit: bigint | null): BigDecimal.BigDecimal => {
  if (limit === null) return BigDecimal.fromBigInt(0n)
  if (limit === 0n) return BigDecimal.fromBigInt(used > 0n ? 100n : 0n)
  return percent(BigDecimal.fromBigInt(used), BigDecimal.fromBigInt(limit), "floor")!
}

export interface UsageAlert {
  readonly tier: TierId
  readonly dimension: Dimension
  readonly used: bigint
  readonly limit: bigint
  readonly percent: BigDecimal.BigDecimal
  readonly message: string
}

/**
 * At or above the threshold, compared exactly (used × 100 ≥ limit × threshold). Unlimited dimensions never alert; a
 * zero limit alerts as soon as anything is used (a user downgraded to Free still holding assets reads 100 %).
 */
export const atOrAboveThreshold = (used: bigint, limit: bigint | null, thresholdPct: number): boolean =>
  limit !== null && (limit === 0n ? used > 0n : used * 100n >= limit * BigInt(thresholdPct))

/** The ≥ 90 % alerts for one user, with the percent that triggered each in its message. */
export const usageAlerts = (sheet: Sheet, tierId: TierId, usage: Usage): ReadonlyArray<UsageAlert> => {
  const limits = limitsOf(tierOf(sheet, tierId))
  const threshold = sheet.alerts.usage_threshold_pct
  const alerts: Array<UsageAlert> = []
  for (const d of DIMENSIONS) {
    const used = usageOf(usage, d)
    const limit = limitOf(limits, d)
    if (!atOrAboveThreshold(used, limit, threshold)) continue
    const pct = usagePercent(used, limit)
    alerts.push({
      tier: tierId,
      dimension: d,
      used,
      limit: limit!,
      percent: pct,
      message: `${DIMENSION_LABEL[d]} at ${formatPercent(pct)}% (${formatAmount(d, used)} of ${formatAmount(d, limit!)}). ` +
        `Upgrade to avoid service interruption.`
    })
  }
  return alerts
}

export type { Limits, Tier }

/** Bytes still free under a limit after what is used and held; null when unlimited, never below zero. */
export const availableBytes = (limit: bigint | null, used: bigint, held: bigint): bigint | null =>
  limit === null ? null : (limit - used - held > 0n ? limit - used - held : 0n)

/** A JSON number for a byte count: exact up to 2^53 bytes (9 PB), far above any tier. */
export const exactJsonNumber = (n: bigint): number => {
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < -BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${n} exceeds 2^53`)
  return Number(n)
}

export type QuotaUnit = "mb" | "gb"

/** One byte dimension of a quota in the plan's shape (`limit_mb`/`limit_gb` …, exact decimals) plus exact bytes. */
export type QuotaBlock<U extends QuotaUnit> =
  & { readonly [K in `limit_${U}` | `available_${U}`]: string | null }
  & { readonly [K in `used_${U}`]: string }
  & {
    readonly percent_used: string
    readonly limit_bytes: number | null
    readonly used_bytes: number
    readonly reserved_bytes: number
    readonly available_bytes: number | null
  }

/** The quota block of one byte dimension in MB (Redis) or GB (storage, bandwidth); null limit is unlimited. */
export const quotaBlock = <U extends QuotaUnit>(unit: U, used: bigint, held: bigint, limit: bigint | null): QuotaBlock<U> => {
  const [inUnit, places] = unit === "mb" ? [bytesToMb, 6] as const : [bytesToGb, 9] as const
  const show = (bytes: bigint) => formatQuantity(inUnit(bytes), places)
  const free = availableBytes(limit, used, held)
  return {
    [`limit_${unit}`]: limit === null ? null : show(limit),
    [`used_${unit}`]: show(used),
    [`available_${unit}`]: free === null ? null : show(free),
    percent_used: formatPercent(usagePercent(used, limit)),
    limit_bytes: limit === null ? null : exactJsonNumber(limit),
    used_bytes: exactJsonNumber(used),
    reserved_bytes: exactJsonNumber(held),
    available_bytes: free === null ? null : exactJsonNumber(free)
  } as QuotaBlock<U>
}
