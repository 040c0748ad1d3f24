// report.html: golden of the tables and KPIs, self-containment, escaping of caller text.
import * as Result from "effect/Result"
import { describe, expect, it } from "vitest"
import { projectScenario } from "../engine/runScenario.ts"
import { summaryJson } from "../engine/summaryJson.ts"
import { loadScenario } from "../scenario/load.ts"
import { fixture, planFixture } from "./fixture.ts"
import { reportHtml } from "./html.ts"

const checks = [
  { name: "Gross margin at month 12 ≥ 60%", target: "≥ 60%", value: "60.61%", pass: true },
  { name: "Break-even by month 18", target: "≤ Jun 2027", value: "Aug 2027", pass: false }
]
const notes = ["Pro growth is 13%/month, the plan's 15% assumed launch marketing.", `Tier names like <script>alert("x")</script> are escaped.`]

describe("report.html", () => {
  it("matches its golden file (tables and KPIs; charts are covered by their own goldens)", async () => {
    const html = reportHtml({ summary: fixture.summary, baseline: planFixture.summary, charts: [], notes, checks })
    await expect(html).toMatchFileSnapshot("__golden__/report-no-charts.html")
  })

  const full = reportHtml({ summary: fixture.summary, baseline: planFixture.summary, notes, checks })

  it("is self-contained: no scripts, links, external images, fonts or imports", () => {
    expect(full).not.toMatch(/<script|<link|<img|<iframe|@import|@font-face|url\((?!#)|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i)
  })

  it("inlines every chart as SVG", () => {
    expect(full.match(/<figure id="chart-/g)).toHaveLength(11)
    expect(full.match(/<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="880"/g)).toHaveLength(11)
  })

  it("shows the headline figures, checks and notes, escaping caller text", () => {
    expect(full).toContain("<h1>base-2026</h1>")
    expect(full).toContain("Aug 2027")
    expect(full).toContain("$142,853.05") // cash to raise: minus the lowest cumulative net profit
    expect(full).toContain("$193,418.00") // horizon revenue, exact
    expect(full).toContain("1 / 2 pass")
    expect(full).toContain('<span class="badge fail">✗ Fail</span>')
    expect(full).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;")
    expect(full).not.toContain('<script>alert("x")')
  })

  it("has one table row per month, marking the break-even month", () => {
    const monthly = full.slice(full.indexOf('id="monthly"'), full.indexOf('id="breakdown"'))
    expect(monthly.match(/<tr(?! class="year")[^>]*><td>[A-Z][a-z]{2} \d{4}/g)).toHaveLength(36)
    expect(monthly).toContain('<tr class="mark" title="break-even month"><td>Aug 2027 ◆</td>')
  })
})

describe("report.html for a finance reader", () => {
  const mixed = summaryJson(projectScenario(Result.getOrThrow(loadScenario(new URL("../mixed-growth-36m.yaml", import.meta.url).pathname))))
  const page = reportHtml({ summary: mixed, notes: ["Money is exact: rounded half-even to the cent."], marginTargetPct: 70 })
  const card = (title: string) => page.slice(page.indexOf(`<h3>${title}</h3>`), page.indexOf("</div></div>", page.indexOf(`<h3>${title}</h3>`)))

  it("the break-even card flags the relapse and the sustained month", () => {
    expect(card("Break-even")).toContain("May 2026")
    expect(card("Break-even")).toContain("Net loss again in Jul–Aug 2026")
    expect(card("Break-even")).toContain("sustained (net profit ≥ 0 to the horizon) from Sep 2026, month 9")
  })

  it("cash to raise is an amount to raise, not a negative number", () => {
    expect(card("Cash to raise")).toContain('<div class="big">$20,653.17</div>')
  })

  it("developer notes come last, after the tables; the JettyThunder pool is explained; charts take the card's width", () => {
    expect(page.indexOf('id="notes"')).toBeGreaterThan(page.indexOf('id="breakdown"'))
    expect(page.indexOf('id="notes"')).toBeGreaterThan(page.indexOf('id="charts"'))
    expect(page).toContain("JettyThunder pool: what AgentCache owes JettyThunder")
    expect(page).not.toContain(">JT pool<")
    expect(page).toContain("figure svg { display: block; width: 100%; height: auto;")
    expect(page).toContain("Target: gross margin ≥ 70%")
  })

  it("the relapse months are marked in the monthly table", () => {
    expect(page).toContain('<tr class="relapse" title="net loss again after break-even"><td>Jul 2026 ▼</td>')
    expect(page).toContain('<td>Sep 2026 ◆◆</td>')
  })
})
