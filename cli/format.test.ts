// One number format in every command's table: money with "$" and thousands separators, percentages with one decimal
// and "%" (more only where a figure is compared with a target it misses), friendly input names; JSON stays exact.
import { describe, expect, it } from "vitest"
import { runEcon } from "./econ.ts"

// an amount at cents not written as money: "12500.00" or "1,234.50" without a "$" in front (percentages excepted)
const BARE_AMOUNT = /(?<![$\d,.])-?\d{1,3}(,\d{3})*\.\d{2}(?![\d%])|(?<![$\d,.])-?\d{4,}\.\d{2}(?![\d%])/

describe("CLI tables", () => {
  it.each([
    ["tiers"],
    ["transfer", "--tier", "pro", "--storage-gb", "20", "--bandwidth-gb", "50", "--requests", "10000"],
    ["breakeven", "--tier", "pro", "--with-support"],
    ["breakeven", "--mix", "starter=2,pro=5", "--users", "120"],
    ["audit"],
    ["run", "scenarios/plan-pro-1000.yaml"],
    ["sensitivity", "scenarios/mixed-growth-36m.yaml", "--limit", "4", "--two-way", "sheet.tiers.pro.price,users.signups.per_month.growth"],
    ["compare", "scenarios/plan-pro-1000.yaml", "scenarios/plan-pro-1000-optimized.yaml"],
    ["goalseek", "scenarios/plan-pro-1000.yaml", "--vary", "sheet.tiers.pro.price", "--target", "gross_margin_pct>=70", "--month", "12"]
  ])("econ %s: every amount in dollars", async (...args) => {
    const r = await runEcon(...args)
    // the audit's explanations quote the plan's own arithmetic and code ("1.50 + 0.10", "\"1.50\" + 0.004"): tables only
    const text = args[0] === "audit" ? r.stdout.split("\n\n")[0]! : r.stdout
    expect(text.length).toBeGreaterThan(0)
    expect(text.match(BARE_AMOUNT)?.[0] ?? "none").toBe("none")
    expect(r.stdout).toMatch(/\$\d/)
  })

  it("friendly input names in the tornado and goal seek, as in the HTML report", async () => {
    const t = await runEcon("sensitivity", "scenarios/mixed-growth-36m.yaml", "--limit", "3")
    expect(t.stdout).toContain("Sign-up growth per month")
    expect(t.stdout).not.toContain("users.signups.per_month.growth")
    const g = await runEcon("goalseek", "scenarios/plan-pro-1000.yaml", "--vary", "sheet.tiers.pro.price", "--target", "gross_margin_pct>=70", "--month", "12")
    expect(g.stdout).toMatch(/^Pro price ≥ \$60\.01 reaches Gross margin ≥ 70%: 70\.000% in Dec 2026/)
  })

  it("a margin compared with its target is never rounded onto it: 766 users miss 30% at 29.96%", async () => {
    const r = await runEcon("breakeven", "--tier", "pro", "--target-margin", "30", "--with-support", "--with-bandwidth")
    expect(r.stdout).toMatch(/net margin\s+30\.01%\s+29\.96%/)
    const j = JSON.parse((await runEcon("breakeven", "--tier", "pro", "--target-margin", "30", "--with-support", "--with-bandwidth", "--json")).stdout)
    expect([j.users, j.before.net, j.before.revenue]).toEqual([767, "11246.00", "37534.00"]) // JSON keeps exact decimal strings
  })
})
