// report.html: one self-contained page (inline CSS, charts as inline SVG, no scripts, fonts or links to fetch) that
// can be mailed, archived or printed. Every amount in its tables is the engine's exact decimal, to the cent.
import * as BigDecimal from "effect/BigDecimal"
import { formatUsd } from "../../model/money.ts"
import { reportCharts, renderCharts, type RenderedChart, type ReportChartsOptions } from "./charts.ts"
import { compareTable } from "./csv.ts"
import { breakEvenMonths, costLineLabel, costLines, figureLabel, moneyOf, netMarginPct, tiers, totalUsers, variableCosts } from "./figures.ts"
import { count, escapeXml as esc, monthLabel, NA, pctOf } from "./format.ts"
import { headline, type MonthHeadline } from "./headline.ts"
import { selectedMonths } from "./summaryTable.ts"
import type { Check, MonthFigures, ScenarioSummary } from "../engine/summaryContract.ts"
import { FONT_FAMILY } from "./theme.ts"

export interface ReportHtmlInput extends ReportChartsOptions {
  readonly summary: ScenarioSummary
  /** pre-rendered charts (writeReport renders once for the .svg files and the page); default: render here */
  readonly charts?: ReadonlyArray<RenderedChart>
  /** caller's notes, e.g. where this scenario differs from the plan; shown as a list */
  readonly notes?: ReadonlyArray<string>
  readonly checks?: ReadonlyArray<Check>
  /** page title; default "Scenario report" */
  readonly title?: string
  /** shown under the title, e.g. an ISO timestamp or commit; omitted by default so output is reproducible */
  readonly generated?: string
}

const CSS = `
:root { --ink:#0f172a; --text:#334155; --muted:#64748b; --line:#e2e8f0; --soft:#f8fafc; --pos:#15803d; --neg:#b91c1c; --accent:#2563eb; }
* { box-sizing: border-box; }
body { margin: 0; background: #f1f5f9; color: var(--text); font: 14px/1.45 ${FONT_FAMILY}; -webkit-font-smoothing: antialiased; }
main { max-width: 1260px; margin: 0 auto; padding: 32px 28px 56px; }
header { margin-bottom: 24px; }
.eyebrow { margin: 0; text-transform: uppercase; letter-spacing: .08em; font-size: 12px; font-weight: 700; color: var(--accent); }
h1 { margin: 4px 0 2px; font-size: 30px; color: var(--ink); letter-spacing: -.01em; }
h2 { margin: 0 0 12px; font-size: 19px; color: var(--ink); }
h3 { margin: 0 0 6px; font-size: 13px; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: .05em; }
.period { margin: 0; color: var(--muted); }
section { background: white; border: 1px solid var(--line); border-radius: 10px; padding: 20px 22px; margin: 0 0 20px; }
.kpis { display: grid; grid-template-columns: repeat(3, 1fr); gap: 14px; background: none; border: 0; padding: 0; }
.card { background: white; border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
.card .big { font-size: 22px; font-weight: 700; color: var(--ink); font-variant-numeric: tabular-nums; }
.card .sub { color: var(--muted); font-size: 13px; }
.card dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 12px; margin: 4px 0 0; }
.card dt { color: var(--muted); }
.card dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; font-weight: 600; color: var(--ink); }
.card.good { border-left: 4px solid var(--pos); }
.card.bad { border-left: 4px solid var(--neg); }
.card.warn { border-left: 4px solid #d97706; }
.neg { color: var(--neg); }
.pos { color: var(--pos); }
ul.notes { margin: 0; padding-left: 20px; }
ul.notes li { margin: 4px 0; }
.charts { display: grid; grid-template-columns: 1fr; gap: 20px; background: none; border: 0; padding: 0; }
figure { margin: 0; background: white; border: 1px solid var(--line); border-radius: 10px; padding: 8px; }
figure svg { display: block; width: 100%; height: auto; margin: 0 auto; }
@media (max-width: 900px) { .kpis { grid-template-columns: 1fr; } }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { text-align: right; color: var(--muted); font-weight: 600; background: var(--soft); position: sticky; top: 0; }
th:first-child, td:first-child { text-align: left; }
td { text-align: right; }
tr.year td { background: var(--soft); color: var(--ink); font-weight: 700; text-align: left; }
tr.mark td { background: #f5f3ff; }
tr.relapse td { background: #fef2f2; }
td.text { text-align: left; white-space: normal; }
.badge { display: inline-block; min-width: 52px; text-align: center; padding: 1px 8px; border-radius: 999px; font-weight: 700; font-size: 12px; }
.badge.pass { background: #dcfce7; color: var(--pos); }
.badge.fail { background: #fee2e2; color: var(--neg); }
footer { color: var(--muted); font-size: 12px; margin-top: 28px; }
@media print { body { background: white; } section, figure, .card { break-inside: avoid; border-color: #cbd5e1; } th { position: static; } }
`

const money = (text: string, field: string): string => {
  const v = moneyOf(text, field)
  return `<span${BigDecimal.isNegative(v) ? ' class="neg"' : ""}>${esc(formatUsd(v))}</span>`
}

const monthCard = (h: MonthHeadline): string => `
<div class="card"><h3>${esc(h.label)} · ${esc(monthLabel(h.month))}</h3><dl>
<dt>Revenue</dt><dd>${esc(h.revenue)}</dd>
<dt>Net profit</dt><dd${h.netNegative ? ' class="neg"' : ""}>${esc(h.netProfit)}</dd>
<dt>Gross margin</dt><dd>${esc(h.grossMargin)}</dd>
<dt>Net margin</dt><dd${h.netNegative ? ' class="neg"' : ""}>${esc(h.netMargin)}</dd>
</dl></div>`

const kpiSection = (summary: ScenarioSummary, checks: ReadonlyArray<Check>): string => {
  const h = headline(summary)
  const cards: Array<string> = []
  const relapse = h.relapses.length > 0
  const sustained = h.sustained === null ? "no month from which net profit stays ≥ 0 to the horizon" : `sustained (net profit ≥ 0 to the horizon) from ${esc(monthLabel(h.sustained.month))}, month ${h.sustained.index}`
  cards.push(`<div class="card ${h.breakEven === null || h.sustained === null ? "bad" : relapse ? "warn" : "good"}"><h3>Break-even</h3>
<div class="big">${esc(h.breakEven === null ? "Not within horizon" : monthLabel(h.breakEven.month))}</div>
<div class="sub">${h.breakEven !== null ? `first month with net profit ≥ 0 (month ${h.breakEven.index} of ${h.months})` : ""}</div>
${relapse ? `<div class="sub neg"><b>Net loss again in ${esc(h.relapses.join(", "))}</b></div>` : ""}
<div class="sub">${h.breakEven !== null ? `${sustained}; ` : ""}${h.payback !== null ? `payback (cumulative net profit ≥ 0) ${esc(monthLabel(h.payback.month))}, month ${h.payback.index}` : "no payback (cumulative net profit ≥ 0) within the horizon"}</div></div>`)
  if (h.trough !== null)
    cards.push(`<div class="card"><h3>Cash to raise</h3><div class="big">${esc(h.trough.amount)}</div>
<div class="sub">the deepest the running total of net profit goes (${esc(h.trough.month)}): funding needed before the scenario pays for itself</div></div>`)
  if (h.monteCarlo !== null) {
    const mc = h.monteCarlo
    const cum = mc.cumulativeAtHorizon
    cards.push(`<div class="card"><h3>Chance of sustained break-even</h3><dl>
${mc.pBreakEven.map((d) => `<dt>by ${esc(d.month)}</dt><dd>${esc(d.p)}</dd>`).join("\n")}
</dl><div class="sub">${esc(count(mc.runs))} Monte Carlo runs, seed ${esc(mc.seed)}${cum !== null ? `; cumulative net profit at ${esc(monthLabel(h.last))}: 90% of runs between ${esc(cum.p5)} and ${esc(cum.p95)}` : ""}</div></div>`)
  }
  if (h.month12 !== null) cards.push(monthCard(h.month12))
  cards.push(monthCard(h.horizon))
  if (checks.length > 0) {
    const passed = checks.filter((c) => c.pass).length
    cards.push(`<div class="card ${passed === checks.length ? "good" : "bad"}"><h3>Checks</h3>
<div class="big">${passed} / ${checks.length} pass</div><div class="sub">${checks.length - passed === 0 ? "all targets met" : `${checks.length - passed} target${checks.length - passed === 1 ? "" : "s"} missed, see below`}</div></div>`)
  }
  return `<section class="kpis" aria-label="Headline figures">${cards.join("\n")}</section>`
}

const checksSection = (checks: ReadonlyArray<Check>): string =>
  checks.length === 0
    ? ""
    : `<section id="checks"><h2>Checks</h2><div class="table-wrap"><table>
<thead><tr><th>Check</th><th>Target</th><th>Value</th><th>Result</th></tr></thead><tbody>
${checks
  .map(
    (c) =>
      `<tr><td class="text">${esc(c.name)}</td><td>${esc(c.target)}</td><td>${esc(c.value)}</td><td>${c.pass ? '<span class="badge pass">✓ Pass</span>' : '<span class="badge fail">✗ Fail</span>'}</td></tr>`
  )
  .join("\n")}
</tbody></table></div></section>`

const notesSection = (notes: ReadonlyArray<string>): string =>
  notes.length === 0 ? "" : `<section id="notes"><h2>Notes on the method</h2><ul class="notes">${notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul></section>`

const chartsSection = (charts: ReadonlyArray<RenderedChart>): string =>
  `<section class="charts" id="charts" aria-label="Charts">${charts
    .map((c) => `<figure id="chart-${esc(c.name)}" aria-label="${esc(c.title)}">${c.svg}</figure>`)
    .join("\n")}</section>`

const monthlySection = (summary: ScenarioSummary): string => {
  const runs = breakEvenMonths(summary)
  const be = runs.first
  const relapsed = new Set(runs.relapses.flatMap((r) => summary.months.filter((m) => m.month >= r.from && m.month <= r.to).map((m) => m.month)))
  const mark = (month: string): string =>
    month === be ? " ◆" : month === runs.sustained ? " ◆◆" : relapsed.has(month) ? " ▼" : ""
  const head = ["Month", "Users", "Revenue", "Variable costs", "Gross profit", "Gross margin", "Fixed costs", "Net profit", "Net margin", "Cumulative net", "JettyThunder pool"]
  const row = (m: MonthFigures): string => {
    const f = (k: keyof MonthFigures & string) => money(m[k] as string, `${m.month}.${k}`)
    const nm = netMarginPct(m)
    const vc = variableCosts(m)
    const cls = m.month === be || m.month === runs.sustained ? ' class="mark" title="break-even month"' : relapsed.has(m.month) ? ' class="relapse" title="net loss again after break-even"' : ""
    return `<tr${cls}><td>${esc(monthLabel(m.month))}${mark(m.month)}</td><td>${esc(count(totalUsers(m)))}</td><td>${f("revenue")}</td><td>${esc(formatUsd(vc))}</td><td>${f("gross_profit")}</td><td>${m.gross_margin_pct === null ? NA : `${esc(m.gross_margin_pct)}%`}</td><td>${f("fixed")}</td><td>${f("net_profit")}</td><td${nm !== undefined && BigDecimal.isNegative(nm) ? ' class="neg"' : ""}>${nm === undefined ? NA : esc(pctOf(nm))}</td><td>${f("cumulative_net_profit")}</td><td>${f("jettythunder_pool")}</td></tr>`
  }
  const body: Array<string> = []
  let year = ""
  for (const m of summary.months) {
    if (m.month.slice(0, 4) !== year) {
      year = m.month.slice(0, 4)
      body.push(`<tr class="year"><td colspan="${head.length}">${esc(year)}</td></tr>`)
    }
    body.push(row(m))
  }
  return `<section id="monthly"><h2>Month by month</h2><div class="table-wrap"><table>
<thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>
${body.join("\n")}
</tbody></table></div><p class="period">JettyThunder pool: what AgentCache owes JettyThunder for the month (storage hot and cold, bandwidth, API calls), as in the plan's internal billing record; it is part of the variable costs.</p>${be !== null ? `<p class="period">◆ first break-even month${runs.sustained !== null && runs.sustained !== be ? "; ◆◆ sustained break-even (net profit ≥ 0 from here to the horizon)" : ""}${relapsed.size > 0 ? "; ▼ net loss again after break-even" : ""}</p>` : ""}</section>`
}

/** Users by tier and cost lines at every 3rd month (plus first and last): the detail behind the totals. */
const breakdownSection = (summary: ScenarioSummary): string => {
  const months = selectedMonths(summary.months.length, summary.months.length <= 12 ? 1 : 3).map((i) => summary.months[i]!)
  const ts = tiers(summary)
  const lines = costLines(summary)
  const users = `<h3>Users by tier</h3><div class="table-wrap"><table><thead><tr><th>Month</th>${ts.map((t) => `<th>${esc(t)}</th>`).join("")}<th>Total</th></tr></thead><tbody>
${months.map((m) => `<tr><td>${esc(monthLabel(m.month))}</td>${ts.map((t) => `<td>${esc(count(m.users[t] ?? 0))}</td>`).join("")}<td><b>${esc(count(totalUsers(m)))}</b></td></tr>`).join("\n")}
</tbody></table></div>`
  const costs = `<h3 style="margin-top:18px">Variable costs by line</h3><div class="table-wrap"><table><thead><tr><th>Month</th>${lines.map((l) => `<th>${esc(costLineLabel(l))}</th>`).join("")}<th>Total</th></tr></thead><tbody>
${months.map((m) => `<tr><td>${esc(monthLabel(m.month))}</td>${lines.map((l) => `<td>${m.costs[l] === undefined ? "—" : money(m.costs[l], `${m.month}.costs.${l}`)}</td>`).join("")}<td><b>${esc(formatUsd(variableCosts(m)))}</b></td></tr>`).join("\n")}
</tbody></table></div>`
  return `<section id="breakdown"><h2>Breakdown</h2>${users}${costs}</section>`
}

const compareSection = (a: ScenarioSummary, b: ScenarioSummary): string => {
  const rows = compareTable(a, b)
  const cell = (v: string | null, figure: string) => {
    if (v === null) return "—"
    if (figure === "break_even_month") return esc(/^\d{4}-\d{2}$/.test(v) ? monthLabel(v) : v)
    if (figure.endsWith("_pct")) return `${esc(v)}%`
    if (figure === "users") return esc(count(BigInt(v)))
    return money(v, figure)
  }
  const diffCell = (r: (typeof rows)[number]) => {
    if (r.diff === null) return "—"
    const sign = BigDecimal.sign(BigDecimal.fromStringUnsafe(r.diff))
    // green when B is better than A: more revenue/profit/margin/users, lower costs, an earlier break-even
    const lowerIsBetter = r.figure === "break_even_month" || /^(cost\.|variable_costs$|total_costs$|fixed$)/.test(r.figure)
    const tone = sign === 0 || r.figure === "jettythunder_pool" ? "" : (sign < 0) === lowerIsBetter ? "pos" : "neg"
    const text =
      r.figure === "break_even_month"
        ? `${sign > 0 ? "+" : ""}${r.diff} month${Math.abs(Number(r.diff)) === 1 ? "" : "s"}`
        : r.figure.endsWith("_pct")
          ? `${sign > 0 ? "+" : ""}${r.diff} pts`
          : r.figure === "users"
            ? `${sign > 0 ? "+" : ""}${count(BigInt(r.diff))}`
            : `${sign > 0 ? "+" : ""}${formatUsd(BigDecimal.fromStringUnsafe(r.diff))}`
    return `<span${tone === "" ? "" : ` class="${tone}"`}>${esc(text)}</span>`
  }
  return `<section id="compare"><h2>Against ${esc(a.scenario)}</h2>
<p class="period">A = ${esc(a.scenario)}, B = ${esc(b.scenario)}, at ${esc(monthLabel(rows[0]?.month ?? ""))}. Differences are exact (B − A); green where B is better, red where worse.</p>
<div class="table-wrap"><table><thead><tr><th>Figure</th><th>A: ${esc(a.scenario)}</th><th>B: ${esc(b.scenario)}</th><th>B − A</th><th>B − A %</th></tr></thead><tbody>
${rows
  .map(
    (r) =>
      `<tr><td>${esc(r.figure === "break_even_month" ? "Break-even month" : figureLabel(r.figure))}</td><td>${cell(r.a, r.figure)}</td><td>${cell(r.b, r.figure)}</td><td>${diffCell(r)}</td><td>${r.diff_pct === null ? "" : `${esc(r.diff_pct)}%`}</td></tr>`
  )
  .join("\n")}
</tbody></table></div></section>`
}

export const reportHtml = (input: ReportHtmlInput): string => {
  const { summary } = input
  const checks = input.checks ?? []
  const charts = input.charts ?? renderCharts(reportCharts(summary, input))
  const h = headline(summary)
  const title = input.title ?? "Scenario report"
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}: ${esc(summary.scenario)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header>
<p class="eyebrow">${esc(title)}</p>
<h1>${esc(summary.scenario)}</h1>
<p class="period">${esc(monthLabel(h.first))} – ${esc(monthLabel(h.last))} · ${h.months} months · US dollars${input.generated !== undefined ? ` · generated ${esc(input.generated)}` : ""}</p>
</header>
${kpiSection(summary, checks)}
${checksSection(checks)}
${chartsSection(charts)}
${input.baseline !== undefined ? compareSection(input.baseline, summary) : ""}
${monthlySection(summary)}
${breakdownSection(summary)}
${notesSection(input.notes ?? [])}
<footer>
Amounts in the tables are exact, to the cent, as computed by the scenario engine (decimal arithmetic, banker's rounding at cents).
Charts are drawn from the same figures; their axes round for legibility. Monte Carlo figures are statistics over runs, not bookings.
Break-even is the engine's break-even month; payback is the first month cumulative net profit is zero or more.
</footer>
</main>
</body>
</html>
`
}
