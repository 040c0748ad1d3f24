// Chart goldens: every chart of the fixture report rendered to SVG and compared with __golden__/<name>.svg.
import { execFileSync, spawnSync } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { reportCharts, renderCharts } from "./charts.ts"
import { monteCarloFanChart } from "./charts/monteCarloFan.ts"
import { sortedBars } from "./charts/tornado.ts"
import { fixture, planFixture } from "./fixture.ts"
import { goldenSvg } from "./golden.ts"
import { ReportInputError } from "../engine/summaryContract.ts"
import { renderPlotSvg } from "./svg.ts"

const charts = renderCharts(reportCharts(fixture.summary, { baseline: planFixture.summary, marginTargetPct: 70 }))
const hasRsvg = spawnSync("rsvg-convert", ["--version"]).status === 0

describe("charts", () => {
  it("renders every chart the fixture supports", () => {
    expect(charts.map((c) => c.name)).toEqual([
      "revenue-costs",
      "break-even",
      "cost-stack",
      "margin",
      "mc-cumulative-net-profit",
      "mc-net-profit",
      "break-even-probability",
      "tornado",
      "two-way",
      "compare-lines",
      "compare-diff"
    ])
  })

  for (const c of charts)
    it(`${c.name}.svg matches its golden file`, async () => {
      expect(c.svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="880" height="440" viewBox="0 0 880 440"')).toBe(true)
      // no Plot <figure> wrapper or HTML legend: the file must be a plain SVG image
      expect(c.svg).not.toMatch(/<figure|<div|<h2/)
      await expect(goldenSvg(c.svg)).toMatchFileSnapshot(`__golden__/${c.name}.svg`)
    })

  // not skipped when the tool is missing: a skipped check reads like a passed one (.ci/run installs librsvg2-bin)
  it("every chart is valid SVG that rsvg-convert turns into a PNG", () => {
    if (!hasRsvg) expect.fail("rsvg-convert is not installed: apt-get install librsvg2-bin (bash .ci/run does)")
    const dir = mkdtempSync(join(tmpdir(), "econ-charts-"))
    for (const c of charts) {
      writeFileSync(join(dir, `${c.name}.svg`), c.svg)
      const png = execFileSync("rsvg-convert", [join(dir, `${c.name}.svg`)])
      expect(png.subarray(1, 4).toString()).toBe("PNG")
    }
  })

  it("a bare Plot renders standalone with xmlns and the requested size", () => {
    const svg = renderPlotSvg({ marks: [] }, { width: 300, height: 200 })
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" /)
    expect(svg).toContain('width="300"')
    expect(svg).toContain('height="200"')
  })

  it("orders tornado bars by swing, largest first", () => {
    const bars = sortedBars(fixture.summary.sensitivity!)
    expect(bars.map((b) => b.input)).toEqual([
      "growth.pro.monthly_rate",
      "tiers.pro.price",
      "churn.monthly",
      "costs.redis.usd_per_mb",
      "fixed.development",
      "conversion.free_to_starter",
      "storage.dedup_savings"
    ])
  })

  it("labels tornado inputs for people, keeps each path, and prints values in their units", () => {
    const svg = charts.find((c) => c.name === "tornado")!.svg
    for (const text of ["Pro price", "Growth: Pro monthly rate", "Fixed: development", ">$39<", ">$59<", ">8%<", ">18%<", ">$14k<", ">$0.01<", ">30%<"])
      expect(svg).toContain(text)
    // the path stays: small print under the label and a <title> on it
    expect(svg).toContain("<title>tiers.pro.price</title>")
    expect(svg).toMatch(/font-size="9.5"[^]*>costs\.redis\.usd_per_mb</)
    expect(svg).not.toMatch(/>(14000\.00|0\.08|39\.00)</)
  })

  it("puts the break-even probability captions right of their markers, clear of the y axis", () => {
    const svg = charts.find((c) => c.name === "break-even-probability")!.svg
    const captions = [...svg.matchAll(/<g transform="translate\((-?[\d.]+),[^"]*"[^>]*text-anchor="(\w+)"[^>]*>(?:(?!<\/g>).)*?by (?:Aug 2027|Jan 2028)/g)]
    expect(captions).toHaveLength(2)
    for (const c of captions) {
      expect(Number(c[1])).toBeGreaterThan(0)
      expect(c[2]).toBe("start")
    }
  })

  it("names the missing figure and the available ones for a fan chart", () => {
    expect(() => monteCarloFanChart(fixture.summary, { figure: "jettythunder_pool" })).toThrow(ReportInputError)
    expect(() => monteCarloFanChart(fixture.summary, { figure: "jettythunder_pool" })).toThrow(/cumulative_net_profit, net_profit, revenue/)
  })

  it("escapes scenario names in titles", () => {
    const odd = { ...fixture.summary, scenario: `R&D <"draft">` }
    const [compare] = renderCharts(reportCharts(odd, { baseline: planFixture.summary }).filter((c) => c.name === "compare-lines"))
    expect(compare!.svg).toContain("R&amp;D &lt;&quot;draft&quot;&gt;")
    expect(compare!.svg).not.toContain(`R&D <"draft">`)
  })
})
