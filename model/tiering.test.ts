// The tiering policy: idle strictly MORE than the threshold and a low hit rate goes cold; a high hit rate comes back.
import { fc, test } from "@fast-check/vitest"
import * as Result from "effect/Result"
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import YAML from "yaml"
import * as BigDecimal from "effect/BigDecimal"
import { tieringSavings } from "./savings.ts"
import { decodeSheet, tierOf } from "./sheet.ts"
import { decideTiering, tieringPolicy } from "./tiering.ts"
import { FULL_USAGE, usageCostLines } from "./usageCost.ts"

const sheet = Result.getOrThrow(decodeSheet(YAML.parse(readFileSync(new URL("./price-sheet.yaml", import.meta.url), "utf8"))))
const policy = tieringPolicy(sheet)
const DAY = 86_400_000
const NOW = Date.UTC(2026, 10, 25)

describe("decideTiering", () => {
  it("exactly 30 days idle is NOT cold; 30 days + 1 ms with hit rate 0.05 is", () => {
    expect(decideTiering(policy, { lastAccessedAt: NOW - 30 * DAY, hitRate: 0.05, storageClass: "hot" }, NOW)._tag).toBe("Stay")
    expect(decideTiering(policy, { lastAccessedAt: NOW - 30 * DAY - 1, hitRate: 0.05, storageClass: "hot" }, NOW)).toEqual({
      _tag: "MoveToCold",
      idleDays: 30
    })
  })
  it("a hit rate of exactly 0.1 stays hot; between the thresholds nothing moves", () => {
    expect(decideTiering(policy, { lastAccessedAt: 0, hitRate: 0.1, storageClass: "hot" }, NOW)._tag).toBe("Stay")
    expect(decideTiering(policy, { lastAccessedAt: 0, hitRate: 0.5, storageClass: "cold" }, NOW)._tag).toBe("Stay")
    expect(decideTiering(policy, { lastAccessedAt: 0, hitRate: 0.81, storageClass: "cold" }, NOW)._tag).toBe("MoveToHot")
  })
  it("an access time in the future counts as idle 0", () => {
    expect(decideTiering(policy, { lastAccessedAt: NOW + DAY, hitRate: 0, storageClass: "hot" }, NOW)._tag).toBe("Stay")
  })
  test.prop([fc.integer({ min: 0, max: 400 * DAY }), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom("hot" as const, "cold" as const)])(
    "moves only when its rule holds",
    (idle, hitRate, storageClass) => {
      const a = decideTiering(policy, { lastAccessedAt: NOW - idle, hitRate, storageClass }, NOW)
      if (a._tag === "MoveToCold") expect(storageClass === "hot" && idle > 30 * DAY && hitRate < 0.1).toBe(true)
      else if (a._tag === "MoveToHot") expect(storageClass === "cold" && hitRate > 0.8).toBe(true)
      else expect(a.storageClass).toBe(storageClass)
    }
  )
})

describe("the tiering price check (one rule for the projection, the savings calculator and the enforcer's job)", () => {
  const raw = YAML.parse(readFileSync(new URL("./price-sheet.yaml", import.meta.url), "utf8"))
  const dearCold = Result.getOrThrow(decodeSheet({ ...raw, unit_prices: { ...raw.unit_prices, cold_per_gb_month: "0.06", lyve_per_gb_month: "0.05" } }))
  const idle = { lastAccessedAt: 0, hitRate: 0 }

  it("moves nothing cold when cold storage is not cheaper, and brings cold bytes back", () => {
    const p = tieringPolicy(dearCold)
    expect(p.coldCheaper).toBe(false)
    expect(decideTiering(p, { ...idle, storageClass: "hot" }, NOW)._tag).toBe("Stay")
    expect(decideTiering(p, { ...idle, storageClass: "cold" }, NOW)._tag).toBe("MoveToHot")
    expect(decideTiering(policy, { ...idle, storageClass: "hot" }, NOW)._tag).toBe("MoveToCold")
  })

  it("the projection and the savings calculator agree: no cold bytes, no saving", () => {
    expect(tieringSavings(dearCold, 10n ** 9n, BigDecimal.fromStringUnsafe("0.5")).coldBytes).toBe(0n)
    const lines = usageCostLines(dearCold, tierOf(dearCold, "pro"), FULL_USAGE, { kept: BigDecimal.fromBigInt(1n), cold: BigDecimal.fromStringUnsafe("0.5") })
    expect(BigDecimal.isZero(lines.cold_storage)).toBe(true)
  })
})
