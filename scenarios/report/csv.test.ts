// projection.csv and the A/B comparison: goldens, RFC 4180 quoting, stable columns, and exact differences (laws).
import { fc, test } from "@fast-check/vitest"
import * as BigDecimal from "effect/BigDecimal"
import { describe, expect, it } from "vitest"
import { compareCsv, compareTable, csvField, projectionColumns, projectionCsv, toCsv } from "./csv.ts"
import { fixture, planFixture } from "./fixture.ts"
import { ReportInputError, type ProjectionRow } from "../engine/summaryContract.ts"

// decimal strings as the engine writes them: up to 12 integer digits, 0–4 decimals, either sign
const decimal = fc
  .tuple(fc.bigInt({ min: -(10n ** 16n), max: 10n ** 16n }), fc.integer({ min: 0, max: 4 }))
  .map(([v, scale]) => BigDecimal.format(BigDecimal.make(v, scale)).replace(/e.*$/, ""))
  .filter((s) => /^-?\d+(\.\d+)?$/.test(s))

describe("projection.csv", () => {
  it("matches its golden file", async () => {
    await expect(projectionCsv(fixture.rows)).toMatchFileSnapshot("__golden__/projection.csv")
  })

  it("has a header, one row per month and tier, and CRLF line ends", () => {
    const csv = projectionCsv(fixture.rows)
    const lines = csv.split("\r\n")
    expect(lines[0]).toBe("month,tier,users,revenue,redis,hot_storage,cold_storage,bandwidth,workers,jettythunder_api,jettyspeed,text_cache,support,gross_profit")
    expect(lines).toHaveLength(1 + 36 * 5 + 1) // header, rows, and the empty string after the final CRLF
    expect(csv.endsWith("\r\n")).toBe(true)
    expect(csv.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/)
  })

  test.prop([fc.shuffledSubarray(["users", "revenue", "redis", "support", "gross_profit", "zeta", "alpha"], { minLength: 7, maxLength: 7 })])(
    "column order does not depend on the key order of the rows",
    (keys) => {
      const row = Object.fromEntries([["tier", "pro"], ["month", "2026-01"], ...keys.map((k) => [k, "1.00"])]) as ProjectionRow
      expect(projectionColumns([row])).toEqual(["month", "tier", "users", "revenue", "redis", "support", "gross_profit", "alpha", "zeta"])
    }
  )

  it("quotes per RFC 4180 and defuses spreadsheet formulas, but leaves negative amounts alone", () => {
    expect(csvField('say "hi", bye')).toBe('"say ""hi"", bye"')
    expect(csvField("two\r\nlines")).toBe('"two\r\nlines"')
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)")
    expect(csvField("-12.50")).toBe("-12.50")
    expect(csvField(null)).toBe("")
    expect(csvField(12n)).toBe("12")
    expect(toCsv(["a", "b"], [["x,y", 1]])).toBe('a,b\r\n"x,y",1\r\n')
  })

  it("keeps the engine's tier order within a month and sorts months", () => {
    const rows = [...fixture.rows].reverse()
    const csv = projectionCsv(rows)
    const firstMonth = csv.split("\r\n").slice(1, 6).map((l) => l.split(",").slice(0, 2).join(" "))
    expect(firstMonth).toEqual(["2026-01 enterprise", "2026-01 business", "2026-01 pro", "2026-01 starter", "2026-01 free"])
  })

  it("rejects a float money cell, naming the row and column", () => {
    const bad = [{ ...fixture.rows[0]!, revenue: 12.5 }]
    expect(() => projectionCsv(bad)).toThrow(ReportInputError)
    expect(() => projectionCsv(bad)).toThrow(/rows\[0\]\.revenue = 12\.5/)
  })
})

describe("compareTable", () => {
  it("matches its golden file at the horizon and per month", async () => {
    await expect(compareCsv(planFixture.summary, fixture.summary)).toMatchFileSnapshot("__golden__/compare-horizon.csv")
    await expect(compareCsv(planFixture.summary, fixture.summary, { at: "month", figures: ["revenue", "net_profit", "gross_margin_pct"] })).toMatchFileSnapshot(
      "__golden__/compare-monthly.csv"
    )
  })

  it("puts break-even first, with the difference in months", () => {
    const [first] = compareTable(planFixture.summary, fixture.summary)
    expect(first).toEqual({ figure: "break_even_month", month: "2028-12", a: "2027-05", b: "2027-08", diff: "3", diff_pct: null })
  })

  test.prop([decimal, decimal])("B − A is exact: A + (B − A) = B to the last digit", (a, b) => {
    const month = { ...fixture.summary.months[0]!, revenue: a }
    const other = { ...fixture.summary.months[0]!, revenue: b }
    const [row] = compareTable({ ...fixture.summary, months: [month] }, { ...fixture.summary, months: [other] }, { figures: ["revenue"] }).slice(1)
    expect(row!.diff).not.toBeNull()
    expect(BigDecimal.equals(BigDecimal.sum(BigDecimal.fromStringUnsafe(a), BigDecimal.fromStringUnsafe(row!.diff!)), BigDecimal.fromStringUnsafe(b))).toBe(true)
  })

  it("sums that floats get wrong come out exact", () => {
    const m = fixture.summary.months[0]!
    const a = { ...fixture.summary, months: [{ ...m, revenue: "0.10" }] }
    const b = { ...fixture.summary, months: [{ ...m, revenue: "0.30" }] }
    expect(compareTable(a, b, { figures: ["revenue"] })[1]!.diff).toBe("0.20") // 0.3 − 0.1 = 0.19999999999999998 in floats
  })

  it("leaves a month one scenario lacks empty instead of guessing", () => {
    const shorter = { ...fixture.summary, months: fixture.summary.months.slice(0, 24) }
    const rows = compareTable(shorter, fixture.summary, { at: "month", figures: ["revenue"] })
    expect(rows).toHaveLength(36)
    expect(rows.at(-1)).toMatchObject({ month: "2028-12", a: null, b: "193418.00", diff: null })
    expect(compareTable(shorter, fixture.summary, { figures: ["revenue"] })[1]!.month).toBe("2027-12")
  })

  it("fails with the field when the scenarios share no month", () => {
    const later = { ...fixture.summary, months: fixture.summary.months.map((m) => ({ ...m, month: `2031-${m.month.slice(5)}` })).slice(0, 12) }
    expect(() => compareTable(fixture.summary, later)).toThrow(/share no month/)
  })
})
