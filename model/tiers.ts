// A tier's limits in exact units and its monthly cost lines at full allowance: cost, margin and margin %.
import * as BigDecimal from "effect/BigDecimal"
import { formatMoney, formatPercent, type Money, percent, roundMoney, sumMoney } from "./money.ts"
import { type Sheet, type Tier, TIER_IDS, type TierId, tierOf } from "./sheet.ts"
import { gbToBytes, mbToBytes } from "./units.ts"

/** Limits in bytes and counts; `null` means unlimited. */
export interface Limits {
  readonly requests: bigint | null
  readonly redisBytes: bigint | null
  readonly storageBytes: bigint | null
  readonly bandwidthBytes: bigint | null
}

export const limitsOf = (tier: Tier): Limits => ({
  requests: tier.limits.cache_requests === null ? null : BigInt(tier.limits.cache_requests),
  redisBytes: tier.limits.redis_mb === null ? null : mbToBytes(tier.limits.redis_mb),
  storageBytes: tier.limits.storage_gb === null ? null : gbToBytes(tier.limits.storage_gb),
  bandwidthBytes: tier.limits.bandwidth_gb === null ? null : gbToBytes(tier.limits.bandwidth_gb)
})

export type TierLineName = "redis" | "lyve_storage" | "text_cache" | "workers" | "jettythunder_api" | "jettyspeed"

export interface CostLine<Name extends string = string> {
  readonly name: Name
  readonly amount: Money
}

export interface TierEconomics {
  readonly tier: Tier
  readonly price: Money
  readonly lines: ReadonlyArray<CostLine<TierLineName>>
  readonly cost: Money
  readonly margin: Money
  /** margin / price × 100 at one decimal; undefined for a zero price (Free). */
  readonly marginPct: BigDecimal.BigDecimal | undefined
  readonly limits: Limits
}

const dec = (n: number | bigint) => BigDecimal.fromBigInt(BigInt(n))
const HUNDRED_K = dec(100_000)

/** Requests the text-cache line is priced at: the allowance, or the sheet's assumption when unlimited. */
export const costedRequests = (tier: Tier): number => tier.limits.cache_requests ?? tier.costed_requests ?? 0

/**
 * The plan's per-tier cost lines at full allowance, each rounded to the cent (`roundMoney`); cost is their sum, so a
 * table always adds up. Bandwidth is usage-priced (transfer pricing), not an allowance line, as in the plan's tables.
 */
export const tierCostLines = (sheet: Sheet, tier: Tier): ReadonlyArray<CostLine<TierLineName>> => {
  const p = sheet.unit_prices
  const zero = dec(0)
  return [
    { name: "redis", amount: roundMoney(BigDecimal.multiply(tier.limits.redis_mb ?? zero, p.redis_per_mb_month)) },
    { name: "lyve_storage", amount: roundMoney(BigDecimal.multiply(tier.limits.storage_gb ?? zero, p.lyve_per_gb_month)) },
    {
      name: "text_cache",
      amount: roundMoney(
        BigDecimal.multiply(BigDecimal.divideUnsafe(dec(costedRequests(tier)), HUNDRED_K), p.text_cache_per_100k_requests)
      )
    },
    { name: "workers", amount: roundMoney(tier.flat_lines.workers) },
    { name: "jettythunder_api", amount: roundMoney(tier.flat_lines.jettythunder_api) },
    { name: "jettyspeed", amount: roundMoney(tier.flat_lines.jettyspeed) }
  ]
}

export const tierEconomics = (sheet: Sheet, id: TierId): TierEconomics => {
  const tier = tierOf(sheet, id)
  const lines = tierCostLines(sheet, tier)
  const price = roundMoney(tier.price)
  const cost = sumMoney(lines.map((l) => l.amount))
  const margin = BigDecimal.subtract(price, cost)
  return { tier, price, lines, cost, margin, marginPct: percent(margin, price), limits: limitsOf(tier) }
}

export const allTierEconomics = (sheet: Sheet): ReadonlyArray<TierEconomics> =>
  sheet.tiers.map((t) => tierEconomics(sheet, t.id))

/** Tiers from cheapest to dearest (ties keep sheet order): the order upgrades are offered in. */
export const tiersByPrice = (sheet: Sheet): ReadonlyArray<Tier> =>
  [...sheet.tiers].sort((a, b) => BigDecimal.Order(a.price, b.price))

/** Tiers whose users pay: all but Free. The plan's "paying users" are the users on these, whatever they were billed. */
export const PAYING_TIERS = ["starter", "pro", "business", "enterprise"] as const satisfies ReadonlyArray<TierId>
export type PayingTierId = (typeof PAYING_TIERS)[number]

export const isPayingTier = (id: TierId): id is PayingTierId => id !== "free"

/** Paying users in a head count by tier, indexed like `TIER_IDS`. */
export const payingUsersOf = (usersByTier: ArrayLike<number>): number => {
  let n = 0
  for (let k = 0; k < TIER_IDS.length; k++) if (isPayingTier(TIER_IDS[k]!)) n += usersByTier[k] ?? 0
  return n
}

export type CacheKind = "text" | "asset"

/** The longest TTL a tier allows for a cache entry of `kind`, in seconds (0: the tier has no such cache). */
export const ttlCeiling = (tier: Tier, kind: CacheKind): number =>
  kind === "text" ? tier.ttl.text_max_seconds : tier.ttl.asset_max_seconds

/** Why `seconds` is not a TTL the tier allows for `kind` (1 s up to its ceiling); undefined when it is. */
export const ttlProblem = (tier: Tier, kind: CacheKind, seconds: number): string | undefined => {
  const max = ttlCeiling(tier, kind)
  return seconds >= 1 && seconds <= max
    ? undefined
    : `ttl must be between 1 and ${max} seconds on the ${tier.name} tier, got ${seconds}`
}

/** How a tier table writes money and names cost lines: the CLI's "10.50" and ids, or a page's "$10.50" and labels. */
export interface TierTableFormat {
  readonly money: (amount: Money) => string
  readonly line: (name: string) => string
}

/** The tier table people read (CLI, notebook 01): price, each cost line, cost, margin and margin %, money as "10.50". */
export const tierTable = (all: ReadonlyArray<TierEconomics>, format: TierTableFormat = { money: formatMoney, line: (n) => n }): {
  readonly header: ReadonlyArray<string>
  readonly rows: ReadonlyArray<ReadonlyArray<string>>
} => ({
  header: ["tier", "price", ...(all[0]?.lines.map((l) => format.line(l.name)) ?? []), "cost", "margin", "margin %"],
  rows: all.map((e) => [
    e.tier.name + (e.tier.price_is_minimum ? " (from)" : ""),
    format.money(e.price),
    ...e.lines.map((l) => format.money(l.amount)),
    format.money(e.cost),
    format.money(e.margin),
    e.marginPct === undefined ? "n/a" : formatPercent(e.marginPct)
  ])
})
