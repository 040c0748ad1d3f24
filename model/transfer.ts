// Internal transfer pricing, AgentCache → JettyThunder: the plan's billing record recomputed exactly for any usage, the
// plan's "Accounting Model" split summed over many users, and exact allocation of shared bills (largest remainder).
import * as BigDecimal from "effect/BigDecimal"
import { requireNonNegative } from "./invalidInput.ts"
import { allocate, divideRounded, type Money, MONEY_ROUNDING, percent, roundMoney, sumMoney, ZERO } from "./money.ts"
import { type Sheet, type TierId, tierOf } from "./sheet.ts"
import { limitsOf, tierCostLines, type TierLineName } from "./tiers.ts"
import { priceOfBytes } from "./units.ts"

/** One user's JettyThunder use in one month. */
export interface TransferUsage {
  /** Average bytes stored over the month: byte-months for a one-month record. */
  readonly storageBytes: bigint
  /** Bytes served in the month. */
  readonly bandwidthBytes: bigint
  /** JettyThunder API requests in the month. */
  readonly requests: bigint
}

/**
 * How API requests are priced against `jettythunder_api_per_block` per `jettythunder_api_block_requests`.
 * - "prorated" (default): requests × block price ÷ block size, rounded once to the cent. Transfer prices between two
 *   platforms we own should be additive: pricing users one by one then summing agrees with pricing the pool (to the
 *   cent per user), and a user making 1 request is not booked a whole block. At the plan's 10,000 requests both agree.
 * - "whole-blocks": partial blocks round up, for a JettyThunder that bills whole blocks.
 */
export type ApiPricing = "prorated" | "whole-blocks"

/** The plan's `internal_cost`: what AgentCache owes JettyThunder for one user's month. */
export interface InternalCost {
  readonly storage: Money
  readonly bandwidth: Money
  readonly apiCalls: Money
  readonly total: Money
}

/** AgentCache's own costs for the same user: the tier's non-JettyThunder lines at allowance (as the plan prices them). */
export interface AgentCacheCost {
  readonly redis: Money
  readonly textCache: Money
  /** Cloudflare Workers. */
  readonly cloudflare: Money
  /** JettySpeed overhead: in AgentCache's tier tables, absent from the billing record, so AgentCache carries it. */
  readonly jettyspeed: Money
  readonly total: Money
}

/** Everything the user costs us: AgentCache's lines plus the transfer price; the margin the plan's record leaves out. */
export interface FullCost {
  readonly agentcache: AgentCacheCost
  readonly jettythunder: InternalCost
  readonly total: Money
  readonly margin: Money
  /** margin / price × 100, one decimal half-even; undefined for a zero price. */
  readonly marginPct: BigDecimal.BigDecimal | undefined
}

export type AllowanceDimension = "storage" | "bandwidth"

export interface TransferRecord {
  readonly sourcePlatform: "agentcache"
  readonly userId?: string
  readonly tier: TierId
  readonly allocation: TransferUsage
  readonly apiPricing: ApiPricing
  readonly internalCost: InternalCost
  readonly chargedToUser: Money
  /** The plan's margin: charged − internal cost. It ignores AgentCache's own costs; `fullCost.margin` does not. */
  readonly margin: Money
  readonly fullCost: FullCost
  /** Dimensions where the usage exceeds the tier's allowance (priced all the same: this is a record, not a gate). */
  readonly overAllowance: ReadonlyArray<AllowanceDimension>
}

const perGb = (bytes: bigint, price: BigDecimal.BigDecimal): Money => roundMoney(priceOfBytes(bytes, price))

/** The API line for `requests` under `pricing`; rounded once to the cent with the money rounding (half-even). */
export const apiCallsCost = (sheet: Sheet, requests: bigint, pricing: ApiPricing = "prorated"): Money => {
  requireNonNegative("requests", requests)
  const block = BigInt(sheet.unit_prices.jettythunder_api_block_requests)
  const price = sheet.unit_prices.jettythunder_api_per_block
  if (pricing === "whole-blocks") {
    const blocks = (requests + block - 1n) / block
    return roundMoney(BigDecimal.multiply(BigDecimal.fromBigInt(blocks), price))
  }
  return divideRounded(
    BigDecimal.multiply(BigDecimal.fromBigInt(requests), price),
    BigDecimal.fromBigInt(block),
    MONEY_ROUNDING.scale,
    MONEY_ROUNDING.mode
  )
}

/** The plan's `internal_cost` block for any usage: each line rounded to the cent, total = their sum. */
export const internalCost = (sheet: Sheet, usage: TransferUsage, pricing: ApiPricing = "prorated"): InternalCost => {
  const p = sheet.unit_prices
  const storage = perGb(requireNonNegative("storageBytes", usage.storageBytes), p.lyve_per_gb_month)
  const bandwidth = perGb(requireNonNegative("bandwidthBytes", usage.bandwidthBytes), p.bandwidth_per_gb)
  const apiCalls = apiCallsCost(sheet, usage.requests, pricing)
  return { storage, bandwidth, apiCalls, total: sumMoney([storage, bandwidth, apiCalls]) }
}

/** AgentCache's side of a tier: its cost lines other than the two JettyThunder bills for (storage, API). */
export const agentcacheCost = (sheet: Sheet, tierId: TierId): AgentCacheCost => {
  const lines = new Map<TierLineName, Money>(tierCostLines(sheet, tierOf(sheet, tierId)).map((l) => [l.name, l.amount]))
  const get = (n: TierLineName) => lines.get(n) ?? ZERO
  const redis = get("redis")
  const textCache = get("text_cache")
  const cloudflare = get("workers")
  const jettyspeed = get("jettyspeed")
  return { redis, textCache, cloudflare, jettyspeed, total: sumMoney([redis, textCache, cloudflare, jettyspeed]) }
}

export interface TransferOptions {
  readonly userId?: string
  readonly apiPricing?: ApiPricing
}

/** The plan's internal billing record for one user's month, every amount recomputed, plus the full cost it leaves out. */
export const transferRecord = (
  sheet: Sheet,
  tierId: TierId,
  usage: TransferUsage,
  options: TransferOptions = {}
): TransferRecord => {
  const tier = tierOf(sheet, tierId)
  const apiPricing = options.apiPricing ?? "prorated"
  const jt = internalCost(sheet, usage, apiPricing)
  const ac = agentcacheCost(sheet, tierId)
  const chargedToUser = roundMoney(tier.price)
  const total = BigDecimal.sum(ac.total, jt.total)
  const fullMargin = BigDecimal.subtract(chargedToUser, total)
  const limits = limitsOf(tier)
  const overAllowance: Array<AllowanceDimension> = []
  if (limits.storageBytes !== null && usage.storageBytes > limits.storageBytes) overAllowance.push("storage")
  if (limits.bandwidthBytes !== null && usage.bandwidthBytes > limits.bandwidthBytes) overAllowance.push("bandwidth")
  return {
    sourcePlatform: "agentcache",
    ...(options.userId === undefined ? {} : { userId: options.userId }),
    tier: tierId,
    allocation: usage,
    apiPricing,
    internalCost: jt,
    chargedToUser,
    margin: BigDecimal.subtract(chargedToUser, jt.total),
    fullCost: {
      agentcache: ac,
      jettythunder: jt,
      total,
      margin: fullMargin,
      marginPct: percent(fullMargin, chargedToUser)
    },
    overAllowance
  }
}

/** The plan's "Accounting Model" over many users: AgentCache's own costs vs the JettyThunder revenue pool. */
export interface AccountingSplit {
  readonly users: number
  readonly revenue: Money
  readonly agentcache: AgentCacheCost
  /** What AgentCache pays JettyThunder: the sum of every record's internal cost. */
  readonly jettythunderPool: InternalCost
  readonly totalCost: Money
  readonly margin: Money
  readonly marginPct: BigDecimal.BigDecimal | undefined
}

/** Sum of booked (already rounded) amounts, so the split adds up to the records line by line, to the cent. */
export const accountingSplit = (records: ReadonlyArray<TransferRecord>): AccountingSplit => {
  const sum = (f: (r: TransferRecord) => Money) => sumMoney(records.map(f))
  const agentcache: AgentCacheCost = {
    redis: sum((r) => r.fullCost.agentcache.redis),
    textCache: sum((r) => r.fullCost.agentcache.textCache),
    cloudflare: sum((r) => r.fullCost.agentcache.cloudflare),
    jettyspeed: sum((r) => r.fullCost.agentcache.jettyspeed),
    total: sum((r) => r.fullCost.agentcache.total)
  }
  const jettythunderPool: InternalCost = {
    storage: sum((r) => r.internalCost.storage),
    bandwidth: sum((r) => r.internalCost.bandwidth),
    apiCalls: sum((r) => r.internalCost.apiCalls),
    total: sum((r) => r.internalCost.total)
  }
  const revenue = sum((r) => r.chargedToUser)
  const totalCost = BigDecimal.sum(agentcache.total, jettythunderPool.total)
  const margin = BigDecimal.subtract(revenue, totalCost)
  return { users: records.length, revenue, agentcache, jettythunderPool, totalCost, margin, marginPct: percent(margin, revenue) }
}

export interface Holding<K> {
  readonly key: K
  /**
   * Storage held, as bytes × time in one integer unit for all holders: byte-months (a one-month record's average
   * bytes), or byte-hours for finer periods. Only the ratios matter.
   */
  readonly byteMonths: bigint
}

export interface Allocated<K> extends Holding<K> {
  readonly amount: Money
}

/**
 * Split a shared bill (a month's actual Lyve invoice, a support contract) over holders in proportion to their storage,
 * by largest remainder: whole cents, parts sum exactly to the bill, each within a cent of its exact share.
 * `amount` must be on the cent grid (an invoice is). Holders with no storage get nothing unless nobody has any, when the
 * bill is split evenly (someone still has to carry it).
 */
export const allocateByStorage = <K>(amount: Money, holders: ReadonlyArray<Holding<K>>): ReadonlyArray<Allocated<K>> => {
  holders.forEach((h, i) => requireNonNegative(`holders[${i}].byteMonths`, h.byteMonths))
  const shares = allocate(amount, holders.map((h) => h.byteMonths))
  return holders.map((h, i) => ({ ...h, amount: shares[i]! }))
}

export interface InvoiceReconciliation<K> {
  readonly invoice: Money
  /** Storage as transfer-priced in the records (the pool's storage line). */
  readonly transferPriced: Money
  /** invoice − transfer-priced: positive when the list price under-recovers the real bill. */
  readonly variance: Money
  readonly shares: ReadonlyArray<Allocated<K> & { readonly transferPriced: Money; readonly variance: Money }>
}

/** Allocate an actual storage invoice to the month's records by their byte-months and compare with the transfer price. */
export const reconcileStorageInvoice = (
  invoice: Money,
  records: ReadonlyArray<TransferRecord>
): InvoiceReconciliation<number> => {
  const shares = allocateByStorage(invoice, records.map((r, i) => ({ key: i, byteMonths: r.allocation.storageBytes })))
  const transferPriced = sumMoney(records.map((r) => r.internalCost.storage))
  return {
    invoice,
    transferPriced,
    variance: BigDecimal.subtract(invoice, transferPriced),
    shares: shares.map((s) => {
      const tp = records[s.key]!.internalCost.storage
      return { ...s, transferPriced: tp, variance: BigDecimal.subtract(s.amount, tp) }
    })
  }
}
