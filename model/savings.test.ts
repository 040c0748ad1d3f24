// Savings from dedup, compression and tiering: priced exactly, never below 0 nor above the cost saved on.
import { fc, test } from "@fast-check/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Result from "effect/Result"
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import YAML from "yaml"
import { formatMoney, formatPercent, sumMoney } from "./money.ts"
import {
  blendedCompressionRatio,
  combinedSavings,
  compressionSavings,
  dedupSavings,
  type Saving,
  splitByMedia,
  tieringSavings,
  uniqueBytes
} from "./savings.ts"
import { decodeSheet, MEDIA_TYPES } from "./sheet.ts"

const sheet = Result.getOrThrow(decodeSheet(YAML.parse(readFileSync(new URL("./price-sheet.yaml", import.meta.url), "utf8"))))
const GB = 1_000_000_000n
const d = (s: string) => BigDecimal.fromStringUnsafe(s)

const bytes = fc.bigInt({ min: 0n, max: 10n ** 15n })
const fraction = fc.integer({ min: 0, max: 10_000 }).map((n) => BigDecimal.make(BigInt(n), 4))
const byMedia = fc.record({ images: bytes, videos: bytes, audio: bytes, "3d_models": bytes })

const within = (s: Saving) => {
  expect(BigDecimal.isNegative(s.saved)).toBe(false)
  expect(BigDecimal.isLessThanOrEqualTo(s.saved, s.costBefore)).toBe(true)
  expect(BigDecimal.equals(s.costAfter, BigDecimal.subtract(s.costBefore, s.saved))).toBe(true)
  expect(s.bytesAfter <= s.bytesBefore && s.bytesAfter >= 0n).toBe(true)
}

describe("savings on round numbers", () => {
  it("dedup: 100 GB with 30 % duplicates keeps 70 GB, saving 1.50 of 5.00", () => {
    const s = dedupSavings(sheet, 100n * GB, d("0.3"))
    expect(s.bytesAfter).toBe(70n * GB)
    expect([s.costBefore, s.saved, s.costAfter].map(formatMoney)).toEqual(["5.00", "1.50", "3.50"])
    expect(formatPercent(s.savedPct!)).toBe("30.0")
  })
  it("compression: the default mix blends to 0.55 of the size, saving 45 %", () => {
    expect(BigDecimal.format(blendedCompressionRatio(sheet)!)).toBe("0.55")
    const s = compressionSavings(sheet, splitByMedia(sheet, 100n * GB))
    expect(s.bytesAfter).toBe(55n * GB)
    expect(formatMoney(s.saved)).toBe("2.25")
    expect(s.byMedia.videos).toEqual({ before: 20n * GB, after: 8n * GB })
  })
  it("tiering: half of 100 GB cold saves 50 × (0.05 − 0.004) = 2.30; cold is 92 % cheaper, not 80 %", () => {
    const s = tieringSavings(sheet, 100n * GB, d("0.5"))
    expect([s.hotBytes, s.coldBytes]).toEqual([50n * GB, 50n * GB])
    expect(formatMoney(s.saved)).toBe("2.30")
    expect(formatPercent(tieringSavings(sheet, 100n * GB, d("1")).savedPct!)).toBe("92.0")
  })
  it("fractional bytes: what remains rounds up, what moves to cold rounds down", () => {
    expect(uniqueBytes(3n, d("0.5"))).toBe(2n)
    expect(tieringSavings(sheet, 3n, d("0.5")).coldBytes).toBe(1n)
  })
  it("rejects a ratio outside [0, 1], naming it", () => {
    expect(() => dedupSavings(sheet, GB, d("1.5"))).toThrow(/duplicateRatio/)
    expect(() => tieringSavings(sheet, GB, d("-0.1"))).toThrow(/coldFraction/)
  })
  it("combined on 100 GB of the default mix, 30 % duplicates, 60 % cold", () => {
    const c = combinedSavings(sheet, { bytes: splitByMedia(sheet, 100n * GB), duplicateRatio: d("0.3"), coldFraction: d("0.6") })
    expect(c.uniqueBytes).toBe(70n * GB)
    expect(c.storedBytes).toBe(38_500_000_000n)
    expect(formatMoney(c.costBefore)).toBe("5.00")
    expect(formatMoney(c.costAfter)).toBe("0.86") // 15.4 GB hot × 0.05 + 23.1 GB cold × 0.004 = 0.7700 + 0.0924
    expect(Object.values(c.byStage).map(formatMoney)).toEqual(["1.50", "1.58", "1.06"])
  })
})

describe("savings laws", () => {
  test.prop([bytes, fraction])("dedup saves between 0 and the storage cost", (b, r) => within(dedupSavings(sheet, b, r)))
  test.prop([byMedia])("compression saves between 0 and the storage cost", (m) => within(compressionSavings(sheet, m)))
  test.prop([bytes, fraction])("tiering saves between 0 and the storage cost; hot + cold = all bytes", (b, f) => {
    const s = tieringSavings(sheet, b, f)
    within(s)
    expect(s.hotBytes + s.coldBytes).toBe(b)
  })
  test.prop([byMedia, fraction, fraction])("combined: between 0 and the cost, and the stages sum exactly to the total", (m, r, f) => {
    const c = combinedSavings(sheet, { bytes: m, duplicateRatio: r, coldFraction: f })
    expect(BigDecimal.isNegative(c.saved)).toBe(false)
    expect(BigDecimal.isLessThanOrEqualTo(c.saved, c.costBefore)).toBe(true)
    expect(BigDecimal.equals(sumMoney(Object.values(c.byStage)), c.saved)).toBe(true)
    for (const v of Object.values(c.byStage)) expect(BigDecimal.isNegative(v)).toBe(false)
    expect(c.storedBytes <= c.uniqueBytes && c.uniqueBytes <= c.logicalBytes).toBe(true)
  })
  test.prop([bytes])("the media split sums exactly to the total", (b) => {
    const parts = splitByMedia(sheet, b)
    expect(MEDIA_TYPES.reduce((a, m) => a + parts[m], 0n)).toBe(b)
  })
})
