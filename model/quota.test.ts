// Quota laws: allowed requests never push usage past a limit, more room never turns an allow into a deny, and the
// usage percent is defined everywhere.
import { fc, test } from "@fast-check/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Result from "effect/Result"
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import YAML from "yaml"
import {
  assetStore,
  bandwidth,
  cacheRequest,
  decide,
  DIMENSIONS,
  limitOf,
  NO_USAGE,
  quotaBlock,
  type QuotaRequest,
  textCacheWrite,
  type Usage,
  usageAlerts,
  usageOf,
  usagePercent
} from "./quota.ts"
import { decodeSheet, type Sheet, TIER_IDS, type TierId, tierOf } from "./sheet.ts"
import { limitsOf } from "./tiers.ts"

const sheet = Result.getOrThrow(decodeSheet(YAML.parse(readFileSync(new URL("./price-sheet.yaml", import.meta.url), "utf8"))))

const GB = 1_000_000_000n
const tierId = fc.constantFrom(...TIER_IDS)
const request: fc.Arbitrary<QuotaRequest> = fc.oneof(
  fc.constant(cacheRequest),
  fc.bigInt({ min: 0n, max: 300_000_000n }).map(textCacheWrite),
  fc.bigInt({ min: 0n, max: 40n * GB }).map(assetStore),
  fc.bigInt({ min: 0n, max: 100n * GB }).map(bandwidth)
)
/** Usage somewhere within each limit (or up to 10^13 when unlimited). */
const usageWithin = (id: TierId): fc.Arbitrary<Usage> => {
  const l = limitsOf(tierOf(sheet, id))
  const upTo = (x: bigint | null) => fc.bigInt({ min: 0n, max: x ?? 10n ** 13n })
  return fc.record({
    requests: upTo(l.requests),
    redisBytes: upTo(l.redisBytes),
    storageBytes: upTo(l.storageBytes),
    bandwidthBytes: upTo(l.bandwidthBytes)
  })
}
const tierAndUsage = tierId.chain((id) => fc.tuple(fc.constant(id), usageWithin(id)))

/** The sheet with one tier's limits raised by the given MB/GB amounts (null = made unlimited). */
const raised = (s: Sheet, id: TierId, by: ReadonlyArray<bigint | null>): Sheet => {
  const up = (x: BigDecimal.BigDecimal | null, d: bigint | null | undefined) =>
    x === null || d === null || d === undefined ? null : BigDecimal.sum(x, BigDecimal.fromBigInt(d))
  return {
    ...s,
    tiers: s.tiers.map((t) =>
      t.id !== id ? t : {
        ...t,
        limits: {
          cache_requests: t.limits.cache_requests === null || by[0] === null ? null : t.limits.cache_requests + Number(by[0]!),
          redis_mb: up(t.limits.redis_mb, by[1]),
          storage_gb: up(t.limits.storage_gb, by[2]),
          bandwidth_gb: up(t.limits.bandwidth_gb, by[3])
        }
      }
    )
  }
}

describe("decide", () => {
  it("allows landing exactly on a limit and denies one byte more, naming the cheapest tier that fits", () => {
    const at = { ...NO_USAGE, storageBytes: 19n * GB }
    expect(decide(sheet, "pro", at, assetStore(GB))._tag).toBe("Allow")
    const d = decide(sheet, "pro", at, assetStore(GB + 1n))
    expect(d._tag).toBe("Deny")
    if (d._tag === "Deny" && d.denial.reason === "quota_exceeded") {
      expect(d.denial.dimension).toBe("storage")
      expect(d.denial.upgradeTier).toBe("business")
      expect(d.denial.message).toMatch(/Asset storage limit exceeded: used 19 GB of 20 GB/)
    }
  })
  it("denies assets on a tier without multimodal cache", () => {
    const d = decide(sheet, "free", NO_USAGE, assetStore(1n))
    expect(d._tag === "Deny" && d.denial.reason).toBe("multimodal_not_in_tier")
  })
  test.prop([tierAndUsage, fc.array(request, { maxLength: 60 })])(
    "for ANY sequence of requests, applying only the allowed ones never exceeds any limit",
    ([id, start], requests) => {
      const limits = limitsOf(tierOf(sheet, id))
      let usage = start
      for (const r of requests) {
        const d = decide(sheet, id, usage, r)
        if (d._tag === "Allow") usage = d.usageAfter
        for (const dim of DIMENSIONS) {
          const limit = limitOf(limits, dim)
          if (limit !== null) expect(usageOf(usage, dim) <= limit).toBe(true)
        }
      }
    }
  )
  test.prop([tierAndUsage, request, fc.array(fc.option(fc.bigInt({ min: 0n, max: 10_000n }), { nil: null }), { minLength: 4, maxLength: 4 })])(
    "raising a limit never turns an allow into a deny",
    ([id, usage], r, by) => {
      if (decide(sheet, id, usage, r)._tag === "Allow") {
        expect(decide(raised(sheet, id, by), id, usage, r)._tag).toBe("Allow")
      }
    }
  )
})

describe("usagePercent", () => {
  it("is defined for zero and unlimited limits (the plan's SQL divided by zero)", () => {
    expect(BigDecimal.format(usagePercent(0n, 0n))).toBe("0")
    expect(BigDecimal.format(usagePercent(5n, 0n))).toBe("100")
    expect(BigDecimal.format(usagePercent(10n ** 15n, null))).toBe("0")
    expect(BigDecimal.format(usagePercent(8999n, 10000n))).toBe("89.9")
  })
  test.prop([fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.option(fc.bigInt({ min: 0n, max: 10n ** 15n }), { nil: null })])(
    "is in [0, 100] whenever used ≤ limit, and never reads above the exact ratio",
    (a, b) => {
      const [used, limit] = b !== null && a > b ? [b, a] : [a, b]
      const p = usagePercent(used, limit)
      expect(BigDecimal.isNegative(p)).toBe(false)
      expect(BigDecimal.isLessThanOrEqualTo(p, BigDecimal.fromBigInt(100n))).toBe(true)
      if (limit !== null && limit > 0n) {
        // floor: p·limit ≤ used·100
        expect(BigDecimal.isLessThanOrEqualTo(BigDecimal.multiply(p, BigDecimal.fromBigInt(limit)), BigDecimal.fromBigInt(used * 100n))).toBe(true)
      }
    }
  )
})

describe("usageAlerts", () => {
  it("fires at exactly 90 % and not a byte below, with the percent in the message", () => {
    const at = { ...NO_USAGE, storageBytes: 18n * GB }
    expect(usageAlerts(sheet, "pro", at)).toHaveLength(1)
    expect(usageAlerts(sheet, "pro", at)[0]!.message).toMatch(/Asset storage at 90\.0%/)
    expect(usageAlerts(sheet, "pro", { ...at, storageBytes: 18n * GB - 1n })).toHaveLength(0)
  })
  it("alerts on a zero limit as soon as anything is used (Free holding assets after a downgrade), never on unlimited", () => {
    expect(usageAlerts(sheet, "free", NO_USAGE)).toHaveLength(0)
    const alerts = usageAlerts(sheet, "free", { ...NO_USAGE, storageBytes: 1n })
    expect(alerts.map((a) => [a.dimension, a.message.match(/at ([\d.]+)%/)?.[1]])).toEqual([["storage", "100.0"]])
    expect(usageAlerts(sheet, "enterprise", { ...NO_USAGE, requests: 10n ** 12n })).toHaveLength(0)
  })
})

describe("quota block (the plan's MB/GB shape of one byte dimension)", () => {
  it("Pro Redis: 500 MB limit, 123.456789 MB used, 1 MB held → 375.543211 MB free, 24.6 % (floor)", () => {
    expect(quotaBlock("mb", 123_456_789n, 1_000_000n, 500_000_000n)).toEqual({
      limit_mb: "500",
      used_mb: "123.456789",
      available_mb: "375.543211",
      percent_used: "24.6",
      limit_bytes: 500_000_000,
      used_bytes: 123_456_789,
      reserved_bytes: 1_000_000,
      available_bytes: 375_543_211
    })
  })
  it("GB, over the limit and unlimited: free never goes below zero; null limits stay null", () => {
    expect(quotaBlock("gb", 3n * GB, 0n, 2n * GB)).toMatchObject({ limit_gb: "2", used_gb: "3", available_gb: "0", available_bytes: 0 })
    expect(quotaBlock("gb", 1n, 0n, null)).toMatchObject({ limit_gb: null, used_gb: "0.000000001", available_gb: null, limit_bytes: null })
  })
  test.prop([fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.bigInt({ min: 0n, max: 10n ** 15n })])(
    "used + held + available = limit whenever the limit is not exceeded",
    (used, held, limit) => {
      const b = quotaBlock("gb", used, held, limit)
      if (used + held <= limit) expect(BigInt(b.used_bytes) + BigInt(b.reserved_bytes) + BigInt(b.available_bytes!)).toBe(limit)
      else expect(b.available_bytes).toBe(0)
    }
  )
})
