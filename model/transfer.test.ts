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
    "total = Σ lines, margin = price − total, full margin = price − full cost, every amount on the cent grid",
    (t, u, pricing) => {
      const r = transferRecord(sheet, t, u, { apiPricing: pricing })
      const c = r.internalCost
      eq(c.total, sumMoney([c.storage, c.bandwidth, c.apiCalls]))
      eq(r.margin, BigDecimal.subtract(r.chargedToUser, c.total))
      eq(r.fullCost.total, BigDecimal.sum(r.fullCost.agentcache.total, c.total))
      eq(r.fullCost.margin, BigDecimal.subtract(r.chargedToUser, r.fullCost.total))
      for (const m of [c.storage, c.bandwidth, c.apiCalls, r.fullCost.total]) toCents(m)
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
  test.prop([fc.array(fc.tuple(tier, usage), { maxLength: 25 })])(
    "AgentCache costs + the JettyThunder pool = total cost; revenue − total = margin = Σ full margins",
    (users) => {
      const records = users.map(([t, u]) => transferRecord(sheet, t, u))
      const s = accountingSplit(records)
      expect(s.users).toBe(records.length)
      eq(s.totalCost, BigDecimal.sum(s.agentcache.total, s.jettythunderPool.total))
      eq(s.margin, BigDecimal.subtract(s.revenue, s.totalCost))
      eq(s.margin, sumMoney(records.map((r) => r.fullCost.margin)))
      eq(s.jettythunderPool.total, sumMoney([s.jettythunderPool.storage, s.jettythunderPool.bandwidth, s.jettythunderPool.apiCalls]))
      eq(s.agentcache.total, sumMoney([s.agentcache.redis, s.agentcache.textCache, s.agentcache.cloudflare, s.agentcache.jettyspeed]))
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
