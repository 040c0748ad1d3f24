// econ compare: like with like on the months both cover, a warning when horizons or starts differ, and a report whose
// every chart shows both scenarios.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { runEcon } from "./econ.ts"

const dir = mkdtempSync(join(tmpdir(), "econ-compare-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("econ compare", () => {
  it("the README's example is like with like: same months, no warning, money in the one format", async () => {
    const r = await runEcon("compare", "scenarios/plan-pro-1000.yaml", "scenarios/plan-pro-1000-optimized.yaml")
    expect([r.code, r.stderr]).toEqual([0, ""])
    expect(r.stdout).toContain("Compared over the 12 months both cover, Jan 2026 – Dec 2026.")
    expect(r.stdout).toMatch(/Dec 2026 .* -\$852\.16 .* \$852\.16 .* 1\.7 pts/)
    expect(r.stdout).toContain("Cumulative net profit at Dec 2026: A $221,964.00, B $232,189.92.")
  })

  it("12 months against 24: compares the 12 common months (no empty 2027 rows), says so on stderr", async () => {
    const r = await runEcon("compare", "scenarios/plan-pro-1000.yaml", "scenarios/optimizations.yaml", "--json")
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/^warning: A covers Jan 2026 – Dec 2026 \(12 months\) and B Jan 2026 – Dec 2027 \(24 months\): only the months both cover are compared\n$/)
    const body = JSON.parse(r.stdout)
    expect(body.months).toEqual({ from: "2026-01", to: "2026-12", count: 12 })
    expect(new Set(body.differences.map((d: { month: string }) => d.month)).size).toBe(12)
    expect(body.differences.every((d: { month: string; difference: string | null }) => d.month < "2027" && d.difference !== null)).toBe(true)
    const text = await runEcon("compare", "scenarios/plan-pro-1000.yaml", "scenarios/optimizations.yaml")
    expect(text.stdout).not.toMatch(/2027/)
    expect(text.stdout).toMatch(/Cumulative net profit at Dec 2026: A \$221,964\.00, B /)
  })

  it("--out: every chart shows A and B", async () => {
    const out = join(dir, "report")
    const r = await runEcon("compare", "scenarios/plan-pro-1000.yaml", "scenarios/plan-pro-1000-optimized.yaml", "--out", out)
    expect(r.code).toBe(0)
    const svgs = readdirSync(out).filter((f) => f.endsWith(".svg"))
    expect(svgs.sort()).toEqual(["compare-cumulative-net-profit.svg", "compare-diff.svg", "compare-gross-margin-pct.svg", "compare-net-profit.svg", "compare-revenue.svg"])
    for (const f of svgs) {
      const svg = readFileSync(join(out, f), "utf8")
      expect(svg, f).toContain("Plan — 1,000 Pro users, storage optimized")
      expect(svg, f).toMatch(/A(:| =) Plan — 1,000 Pro users/)
    }
  })
})
