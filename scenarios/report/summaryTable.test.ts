// The terminal summary table: golden, alignment, month selection.
import { describe, expect, it } from "vitest"
import { fixture } from "./fixture.ts"
import { formatSummaryTable, selectedMonths } from "./summaryTable.ts"

describe("formatSummaryTable", () => {
  it("matches its golden file", async () => {
    await expect(formatSummaryTable(fixture.summary)).toMatchFileSnapshot("__golden__/summary-table.txt")
  })

  it("right-aligns every money column: each row has the same width", () => {
    const table = formatSummaryTable(fixture.summary, { every: 12 }).split("\n")
    const body = table.slice(2, table.indexOf("", 2))
    expect(new Set(body.map((l) => l.length)).size).toBe(1)
    expect(body.map((l) => l.slice(0, 8))).toEqual(["Month   ", "────────", "Jan 2026", "Dec 2026", "Dec 2027", "Dec 2028"])
    expect(table.join("\n")).toContain("193,418.00")
  })

  it("picks the first, every n-th and the last month", () => {
    expect(selectedMonths(36, 12)).toEqual([0, 11, 23, 35])
    expect(selectedMonths(10, 3)).toEqual([0, 2, 5, 8, 9])
    expect(selectedMonths(1, 3)).toEqual([0])
  })

  it("says so when there is no break-even", () => {
    const early = { ...fixture.summary, months: fixture.summary.months.slice(0, 6), break_even_month: null }
    const { monte_carlo: _, ...noMc } = early
    const text = formatSummaryTable(noMc)
    expect(text).toContain("Break-even: not within the horizon")
    expect(text).not.toContain("Monte Carlo")
  })
})
