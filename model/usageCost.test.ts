// Per-user cost at a usage share: at full allowance it is the plan's tier table; shares scale the allowance lines only.
import { fc, test } from "@fast-check/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Result from "effect/Result"
import { describe, expect, it } from "vitest"
import { DEFAULT_SHEET_PATH, loadSheet } from "../io/sheetFile.ts"
import { formatMoney, roundMoney } from "./money.ts"
import { blendedCompressionRatio } from "./savings.ts"
import { TIER_IDS, tierOf } from "./sheet.ts"
import { tierCostLines } from "./tiers.ts"
import { FULL_USAGE, keptFraction, NO_SAVINGS, usageCostLines } from "./usageCost.ts"

const sheet = Result.getOrThrow(loadSheet(DEFAULT_SHEET_PATH))
const d = (s: string) => BigDecimal.fromStringUnsafe(s)

describe("usageCostLines", () => {
  it("at full usage and no savings, each line rounded is the tier table's (hot storage = Lyve storage)", () => {
    for (const id of TIER_IDS) {
      const tier = tierOf(sheet, id)
      const lines = usageCostLines(sheet, tier, FULL_USAGE, NO_SAVINGS)
      for (const l of tierCostLines(sheet, tier)) {
        const name = l.name === "lyve_storage" ? "hot_storage" : l.name
        expect(formatMoney(roundMoney(lines[name]))).toBe(formatMoney(l.amount))
      }
      expect(BigDecimal.isZero(lines.cold_storage)).toBe(true)
    }
  })

  it("Pro's bandwidth at its 50 GB allowance is the transfer record's $2.50", () => {
    expect(formatMoney(usageCostLines(sheet, tierOf(sheet, "pro"), FULL_USAGE).bandwidth)).toBe("2.50")
  })

  test.prop([fc.integer({ min: 0, max: 1_000_000 })])("a usage share scales the allowance lines linearly, not the flat ones", (ppm) => {
    const share = BigDecimal.make(BigInt(ppm), 6)
    const tier = tierOf(sheet, "business")
    const full = usageCostLines(sheet, tier, FULL_USAGE)
    const part = usageCostLines(sheet, tier, { requests: share, redis: share, storage: share, bandwidth: share })
    for (const l of ["redis", "hot_storage", "bandwidth", "text_cache"] as const) {
      expect(BigDecimal.equals(part[l], BigDecimal.multiply(full[l], share))).toBe(true)
    }
    for (const l of ["workers", "jettythunder_api", "jettyspeed"] as const) expect(BigDecimal.equals(part[l], full[l])).toBe(true)
  })

  it("dedup then compression keep (1 − duplicates) × the blended ratio; tiering moves the cold share at the cold price", () => {
    const kept = keptFraction(sheet, { duplicateRatio: d("0.4"), mix: sheet.media.default_mix })
    expect(BigDecimal.equals(kept, BigDecimal.multiply(d("0.6"), blendedCompressionRatio(sheet)!))).toBe(true)
    const lines = usageCostLines(sheet, tierOf(sheet, "pro"), FULL_USAGE, { kept, cold: d("0.5") })
    // 20 GB × 0.6 × 0.55 = 6.6 GB stored: 3.3 GB hot at $0.05, 3.3 GB cold at $0.004
    expect(BigDecimal.format(BigDecimal.normalize(lines.hot_storage))).toBe("0.165")
    expect(BigDecimal.format(BigDecimal.normalize(lines.cold_storage))).toBe("0.0132")
  })

  it("moves nothing to cold storage when it is not cheaper (as tieringSavings)", () => {
    const dear = { ...sheet, unit_prices: { ...sheet.unit_prices, cold_per_gb_month: d("0.06") } }
    const lines = usageCostLines(dear, tierOf(dear, "pro"), FULL_USAGE, { kept: d("1"), cold: d("0.5") })
    expect(BigDecimal.isZero(lines.cold_storage)).toBe(true)
    expect(formatMoney(lines.hot_storage)).toBe("1.00")
  })
})
