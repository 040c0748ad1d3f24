// The price sheet schema: the plan's sheet decodes, survives decode → encode → decode, and bad fields are named.
import { fc, test } from "@fast-check/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Result from "effect/Result"
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import YAML from "yaml"
import { decodeSheet, encodeSheet, MAX_DECIMALS, type Sheet } from "./sheet.ts"

const raw = (): any => YAML.parse(readFileSync(new URL("./price-sheet.yaml", import.meta.url), "utf8"))
const decoded = (input: unknown): Sheet => Result.getOrThrow(decodeSheet(input))

describe("price sheet", () => {
  it("decodes the plan's sheet with every tier", () => {
    const s = decoded(raw())
    expect(s.tiers.map((t) => t.id)).toEqual(["free", "starter", "pro", "business", "enterprise"])
    expect(BigDecimal.format(s.unit_prices.redis_per_mb_month)).toBe("0.015")
  })
  it("round-trips: decode → encode → decode gives the same sheet", () => {
    const once = decoded(raw())
    const encoded = encodeSheet(once)
    const twice = decoded(JSON.parse(JSON.stringify(encoded)))
    expect(encodeSheet(twice)).toEqual(encoded)
  })
  test.prop([fc.array(fc.tuple(fc.nat({ max: 10 ** 6 }), fc.integer({ min: 0, max: 6 })), { minLength: 7, maxLength: 7 })])(
    "round-trips any decimal unit prices exactly",
    (prices) => {
      const r = raw()
      const keys = Object.keys(r.unit_prices).filter((k) => k !== "jettythunder_api_block_requests")
      keys.forEach((k, i) => {
        const [v, scale] = prices[i % prices.length]!
        r.unit_prices[k] = BigDecimal.format(BigDecimal.make(BigInt(v), scale))
      })
      const once = decoded(r)
      const twice = decoded(JSON.parse(JSON.stringify(encodeSheet(once))))
      for (const k of keys) {
        const a = (once.unit_prices as any)[k] as BigDecimal.BigDecimal
        const b = (twice.unit_prices as any)[k] as BigDecimal.BigDecimal
        expect(BigDecimal.equals(a, b)).toBe(true)
      }
    }
  )
  it("names each bad field with its path", () => {
    const r = raw()
    r.unit_prices.lyve_per_gb_month = "-0.05"
    r.tiers[2].limits.cache_requests = 1.5
    const e = decodeSheet(r)
    expect(Result.isFailure(e)).toBe(true)
    const message = Result.isFailure(e) ? e.failure.message : ""
    expect(message).toMatch(/lyve_per_gb_month/)
    expect(message).toMatch(/cache_requests/)
  })
  it("refuses a value with more than MAX_DECIMALS decimals, whose exact products would grow without need", () => {
    const r = raw()
    r.unit_prices.lyve_per_gb_month = "0." + "3".repeat(MAX_DECIMALS)
    expect(Result.isSuccess(decodeSheet(r))).toBe(true)
    r.unit_prices.lyve_per_gb_month = "0." + "3".repeat(100_000)
    const e = decodeSheet(r)
    expect(Result.isFailure(e) && e.failure.message).toMatch(/Expected at most 15 decimals \(got 100,000\)\n\s+at \["unit_prices"\]\["lyve_per_gb_month"\]/)
  })
  it("says which tier is missing", () => {
    const r = raw()
    r.tiers = r.tiers.filter((t: any) => t.id !== "enterprise")
    const e = decodeSheet(r)
    expect(Result.isFailure(e) && e.failure.message).toMatch(/missing: enterprise/)
  })
})
