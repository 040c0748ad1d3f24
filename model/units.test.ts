// Byte units: decimal MB/GB, exact conversions, and the parse/format round trip.
import { fc, test } from "@fast-check/vitest"
import * as BigDecimal from "effect/BigDecimal"
import { describe, expect, it } from "vitest"
import { bytesToGb, bytesToMb, formatBytes, gbToBytes, mbToBytes, parseBytes, priceOfBytes } from "./units.ts"

const UNITS = [1n, 1_000n, 1_000_000n, 1_000_000_000n, 1_000_000_000_000n] as const

/** Bytes that formatBytes shows without loss: at most 3 decimals in the unit it picks. */
const representable = fc.oneof(
  fc.bigInt({ min: 0n, max: 999n }),
  ...UNITS.slice(1, 4).map((u) => fc.bigInt({ min: 1_000n, max: 999_999n }).map((k) => (k * u) / 1_000n)),
  fc.bigInt({ min: 1_000n, max: 10n ** 9n }).map((k) => k * 1_000_000_000n) // ≥ 1 TB, in whole GB steps
)

describe("units", () => {
  it("uses decimal units, never GiB", () => {
    expect(gbToBytes(BigDecimal.fromStringUnsafe("20"))).toBe(20_000_000_000n)
    expect(mbToBytes(BigDecimal.fromStringUnsafe("0.5"))).toBe(500_000n)
    expect(parseBytes("2.5 GB")).toBe(2_500_000_000n)
    expect(parseBytes("10MB")).toBe(10_000_000n)
    expect(parseBytes("1tb")).toBe(10n ** 12n)
    expect(formatBytes(1_500_000n)).toBe("1.5 MB")
    expect(formatBytes(0n)).toBe("0 B")
  })
  it("refuses fractional bytes and malformed text", () => {
    expect(parseBytes("1.5B")).toBeUndefined()
    expect(parseBytes("-5MB")).toBeUndefined()
    expect(parseBytes("5 GiB")).toBeUndefined()
    expect(parseBytes("")).toBeUndefined()
  })
  it("truncates a sub-byte limit rather than granting a partial byte", () => {
    expect(gbToBytes(BigDecimal.fromStringUnsafe("0.0000000015"))).toBe(1n)
  })
  test.prop([representable])("parseBytes(formatBytes(b)) = b for representable b", (b) => {
    expect(parseBytes(formatBytes(b))).toBe(b)
  })
  test.prop([fc.bigInt({ min: 0n, max: 10n ** 18n })])("formatBytes only ever rounds toward zero, by less than 0.001 unit", (b) => {
    const back = parseBytes(formatBytes(b))!
    const unit = [...UNITS].reverse().find((u) => b >= u) ?? 1n
    expect(back <= b).toBe(true)
    expect((b - back) * 1000n < unit).toBe(true)
  })
  test.prop([fc.bigInt({ min: 0n, max: 10n ** 18n })])("bytes → MB → bytes and bytes → GB → bytes are exact", (b) => {
    expect(mbToBytes(bytesToMb(b))).toBe(b)
    expect(gbToBytes(bytesToGb(b))).toBe(b)
  })
})

describe("price of bytes", () => {
  it("the plan's transfer record: 50 GB at $0.05/GB is $2.50; 100 MB at $0.015/MB is $1.50", () => {
    expect(BigDecimal.format(BigDecimal.normalize(priceOfBytes(50_000_000_000n, BigDecimal.fromStringUnsafe("0.05"))))).toBe("2.5")
    expect(BigDecimal.format(BigDecimal.normalize(priceOfBytes(100_000_000n, BigDecimal.fromStringUnsafe("0.015"), "MB")))).toBe("1.5")
  })
  it("is exact below a cent: one byte at $0.05/GB is $0.00000000005", () => {
    expect(BigDecimal.format(BigDecimal.normalize(priceOfBytes(1n, BigDecimal.fromStringUnsafe("0.05"))))).toBe("0.00000000005")
  })
})
