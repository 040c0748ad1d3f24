// Transfer pricing: the plan's billing record recomputed, its laws for any usage, the accounting split over many users,
// and exact allocation of a shared invoice.
import { fc, test } from "@fast-check/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Result from "effect/Result"
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import YAML from "yaml"
import { cents, formatMoney, money, sumMoney, toCents } from "./money.ts"
import { decodeSheet, TIER_IDS } from "./sheet.ts"
import { tierEconomics } from "./tiers.ts"
import {
  accountingSplit,
  allocateByStorage,
  apiCallsCost,
  reconcileStorageInvoice,
  transferRecord,
  type TransferUsage
} from "./transfer.ts"

const sheet = Result.getOrThrow(decodeSheet(YAML.parse(readFileSync(new URL("./price-sheet.yaml", import.meta.url), "utf8"))))
const GB = 1_000_000_000n
const eq = (a: BigDecimal.BigDecimal, b: BigDecimal.BigDecimal) => expect(BigDecimal.equals(a, b)).toBe(true)

const usage: fc.Arbitrary<TransferUsage> = fc.record({
  storageBytes: fc.bigInt({ min: 0n, max: 2_000n * GB }),
  bandwidthBytes: fc.bigInt({ min: 0n, max: 5_000n * GB }),
  requests: fc.bigInt({ min: 0n, max: 10_000_000n })
})
const tier = fc.constantFrom(...TIER_IDS)

/** value / divisor rounded half-even, written again here (not the model's) so the tests below compare two computations. */
const halfEven = (value: bigint, divisor: bigint): bigint => {
  const q = value / divisor
  const twice = 2n * (value - q * divisor)
  return twice > divisor || (twice === divisor && q % 2n === 1n) ? q + 1n : q
}
/** A sheet price as an integer count of 10^-9 dollars. */
const nanoDollars = (d: BigDecimal.BigDecimal): bigint => d.value * 10n ** BigInt(9 - d.scale)
const NANO_PER_CENT = 10_000_000n

/** The transfer record in integer cents from the plan's rules: bytes × $/GB, requests × $/block (pro rata or whole). */
const referenceCents = (t: (typeof TIER_IDS)[number], u: TransferUsage, pricing: "prorated" | "whole-blocks") => {
  const p = sheet.unit_prices
  const storage = halfEven(u.storageBytes * nanoDollars(p.lyve_per_gb_month), GB * NANO_PER_CENT)
  const bandwidth = halfEven(u.bandwidthBytes * nanoDollars(p.bandwidth_per_gb), GB * NANO_PER_CENT)
  const block = BigInt(p.jettythunder_api_block_requests)
  const apiCalls = pricing === "whole-blocks"
    ? ((u.requests + block - 1n) / block) * nanoDollars(p.jettythunder_api_per_block) / NANO_PER_CENT
    : halfEven(u.requests * nanoDollars(p.jettythunder_api_per_block), block * NANO_PER_CENT)
  const total = storage + bandwidth + apiCalls
  const price = toCents(tierEconomics(sheet, t).price)
  // AgentCache's own lines: the tier's cost lines other than the two JettyThunder bills for (storage, API)
  const own = tierEconomics(sheet, t).lines.filter((l) => l.name !== "lyve_storage" && l.name !== "jettythunder_api")
    .reduce((a, l) => a + toCents(l.amount), 0n)
  return { storage, bandwidth, apiCalls, total, margin: price - total, fullMargin: price - total - own }
}

describe("transferRecord", () => {
  it("recomputes the plan's Pro record: 1.00 + 2.50 + 0.50 = 4.00, margin 45.00, full cost 13.00", () => {
    const r = transferRecord(sheet, "pro", { storageBytes: 20n * GB, bandwidthBytes: 50n * GB, requests: 10_000n }, { userId: "ac_user_123" })
    expect(r.userId).toBe("ac_user_123")
    expect([r.internalCost.storage, r.internalCost.bandwidth, r.internalCost.apiCalls, r.internalCost.total].map(formatMoney))
      .toEqual(["1.00", "2.50", "0.50", "4.00"])
    expect(formatMoney(r.chargedToUser)).toBe("49.00")
    expect(formatMoney(r.margin)).toBe("45.00")
    expect(formatMoney(r.fullCost.total)).toBe("13.00")
    expect(formatMoney(r.fullCost.margin)).toBe("36.00")
    expect(r.overAllowance).toEqual([])
  })
  it("prices partial API blocks pro rata by default, or as whole blocks when asked", () => {
    expect(formatMoney(apiCallsCost(sheet, 1n))).toBe("0.00")
    expect(formatMoney(apiCallsCost(sheet, 1n, "whole-blocks"))).toBe("0.50")
    expect(formatMoney(apiCallsCost(sheet, 10_001n))).toBe("0.50")
    expect(formatMoney(apiCallsCost(sheet, 10_001n, "whole-blocks"))).toBe("1.00")
    expect(formatMoney(apiCallsCost(sheet, 15_000n))).toBe("0.75")
    expect(formatMoney(apiCallsCost(sheet, 0n, "whole-blocks"))).toBe("0.00")
  })
  it("flags usage over the tier's allowance but still prices it", () => {
    const r = transferRecord(sheet, "starter", { storageBytes: 3n * GB, bandwidthBytes: 6n * GB, requests: 0n })
    expect(r.overAllowance).toEqual(["storage", "bandwidth"])
    expect(formatMoney(r.internalCost.storage)).toBe("0.15")
  })
  it("refuses negative usage, naming the field", () => {
    expect(() => transferRecord(sheet, "pro", { storageBytes: -1n, bandwidthBytes: 0n, requests: 0n })).toThrow(/storageBytes/)
  })
  test.prop([tier, usage, fc.constantFrom("prorated" as const, "whole-blocks" as const)])(
    "every amount agrees with a second computation in integer cents (half-even by hand)",
    (t, u, pricing) => {
      const r = transferRecord(sheet, t, u, { apiPricing: pricing })
      const expected = referenceCents(t, u, pricing)
      expect(toCents(r.internalCost.storage)).toBe(expected.storage)
      expect(toCents(r.internalCost.bandwidth)).toBe(expected.bandwidth)
      expect(toCents(r.internalCost.apiCalls)).toBe(expected.apiCalls)
      expect(toCents(r.internalCost.total)).toBe(expected.total)
      expect(toCents(r.margin)).toBe(expected.margin)
      expect(toCents(r.fullCost.margin)).toBe(expected.fullMargin)
    }
  )
  test.prop([fc.array(fc.bigInt({ min: 0n, max: 1_000_000n }), { minLength: 1, maxLength: 30 })])(
    "pro-rated API pricing is additive: per-user costs sum to the pooled cost within half a cent per user",
    (reqs) => {
      const each = toCents(sumMoney(reqs.map((q) => apiCallsCost(sheet, q))))
      const pooled = toCents(apiCallsCost(sheet, reqs.reduce((a, b) => a + b, 0n)))
      const diff = each > pooled ? each - pooled : pooled - each
      // each line is within ½ cent of exact, so n lines are within n/2 cents, plus ½ for the pooled line
      expect(diff * 2n <= BigInt(reqs.length) + 1n).toBe(true)
    }
  )
})

describe("accountingSplit", () => {
  const records = fc.array(fc.tuple(tier, usage), { maxLength: 12 }).map((us) => us.map(([t, u]) => transferRecord(sheet, t, u)))
  const centsOf = (s: ReturnType<typeof accountingSplit>) =>
    [s.revenue, s.agentcache.total, s.jettythunderPool.storage, s.jettythunderPool.bandwidth, s.jettythunderPool.apiCalls, s.totalCost, s.margin]
      .map(toCents)
  test.prop([records, records])("is additive: splitting the users in two groups and adding the halves changes nothing", (a, b) => {
    const whole = centsOf(accountingSplit([...a, ...b]))
    const halves = centsOf(accountingSplit(a)).map((x, i) => x + centsOf(accountingSplit(b))[i]!)
    expect(whole).toEqual(halves)
    expect(accountingSplit([...a, ...b]).users).toBe(a.length + b.length)
  })
  test.prop([fc.array(fc.tuple(tier, usage), { minLength: 1, maxLength: 12 })])(
    "the pool is what JettyThunder bills (the second computation's lines) and the margin is revenue less all costs",
    (users) => {
      const s = accountingSplit(users.map(([t, u]) => transferRecord(sheet, t, u)))
      const ref = users.map(([t, u]) => referenceCents(t, u, "prorated"))
      expect(toCents(s.jettythunderPool.total)).toBe(ref.reduce((a, r) => a + r.total, 0n))
      expect(toCents(s.margin)).toBe(ref.reduce((a, r) => a + r.fullMargin, 0n))
    }
  )
  it("1,000 Pro users at the plan's record: pool 4,000.00, AgentCache 9,000.00, margin 36,000.00", () => {
    const one = transferRecord(sheet, "pro", { storageBytes: 20n * GB, bandwidthBytes: 50n * GB, requests: 10_000n })
    const s = accountingSplit(Array.from({ length: 1000 }, () => one))
    expect(formatMoney(s.jettythunderPool.total)).toBe("4000.00")
    expect(formatMoney(s.agentcache.total)).toBe("9000.00")
    expect(formatMoney(s.margin)).toBe("36000.00")
  })
})

describe("allocateByStorage", () => {
  const holders = fc.array(fc.bigInt({ min: 0n, max: 10n ** 14n }), { minLength: 1, maxLength: 40 })
  test.prop([fc.bigInt({ min: 0n, max: 10n ** 9n }), holders])(
    "shares sum exactly to the invoice; each within one cent of its exact byte-month proportion",
    (invoiceCents, weights) => {
      const shares = allocateByStorage(cents(invoiceCents), weights.map((w, i) => ({ key: i, byteMonths: w })))
      const got = shares.map((s) => toCents(s.amount))
      expect(got.reduce((a, b) => a + b, 0n)).toBe(invoiceCents)
      const W = weights.reduce((a, b) => a + b, 0n)
      if (W > 0n) {
        got.forEach((g, i) => {
          const d = g * W - invoiceCents * weights[i]!
          expect((d < 0n ? -d : d) < W).toBe(true)
        })
      }
    }
  )
  it("reconciles a real invoice with the transfer price", () => {
    const recs = [10n, 20n, 30n].map((g) => transferRecord(sheet, "business", { storageBytes: g * GB, bandwidthBytes: 0n, requests: 0n }))
    const r = reconcileStorageInvoice(money("3.01"), recs)
    expect(r.shares.map((s) => formatMoney(s.amount))).toEqual(["0.50", "1.00", "1.51"])
    expect(formatMoney(r.transferPriced)).toBe("3.00")
    expect(formatMoney(r.variance)).toBe("0.01")
    eq(r.variance, sumMoney(r.shares.map((s) => s.variance)))
  })
})
