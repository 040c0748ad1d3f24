/// <reference lib="dom" />
// The what-if page in the browser (bundled by build.ts): sliders and exact inputs write into the scenario tree, the
// engine `econ run` uses recomputes it, and the headline figures, the report's charts and its P&L table redraw.
// No server and no network: everything it needs is in the page.
import * as Result from "effect/Result"
import { formatUsd, money } from "../../model/money.ts"
import type { ScenarioSource } from "../scenario/decode.ts"
import { monthLabel, monthsBetween } from "../report/format.ts"
import { headline, type MonthHeadline } from "../report/headline.ts"
import { reportHtml } from "../report/html.ts"
import { formatInputValue } from "../report/inputLabel.ts"
import { type Control, decimalText, positionOf, whatIfControls } from "./controls.ts"
import { evaluateWhatIf, type WhatIf } from "./evaluate.ts"
import { scenarioYaml, treeWithValues } from "./scenarioTree.ts"

export interface PageData {
  readonly source: ScenarioSource
  /** file name the download suggests */
  readonly downloadName: string
  readonly marginTargetPct?: number
}

const DECIMAL = /^-?\d+(\.\d+)?$/

const esc = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

const byId = <E extends HTMLElement>(id: string): E => {
  const el = document.getElementById(id)
  if (el === null) throw new Error(`what-if page: #${id} is missing`)
  return el as E
}

const data = JSON.parse(byId("whatif-data").textContent ?? "{}") as PageData
const initial = evaluateWhatIf(data.source)
if (Result.isFailure(initial)) throw new Error(initial.failure.message)
const groups = whatIfControls(initial.success.loaded)
const controls: ReadonlyArray<Control> = groups.flatMap((g) => g.controls)
const values = new Map<string, string>()

const valueOf = (c: Control): string => values.get(c.id) ?? c.value
const shown = (c: Control, text: string): string => formatInputValue(Number(text), c.unit)

// ---- inputs ---------------------------------------------------------------------------------------------------------

const controlHtml = (c: Control, i: number): string => `
<div class="control" data-id="${esc(c.id)}">
  <label for="in-${i}">${esc(c.label)}</label><output id="out-${i}">${esc(shown(c, c.value))}</output>
  <input type="range" id="in-${i}" data-id="${esc(c.id)}" data-path="${esc(JSON.stringify(c.path))}" min="${c.min}" max="${c.max}"
    step="${c.step}" value="${positionOf(c, c.value)}" aria-describedby="out-${i}">
  <input type="text" inputmode="decimal" class="exact" id="exact-${i}" data-id="${esc(c.id)}" value="${esc(c.value)}"
    aria-label="${esc(c.label)} (exact value)" spellcheck="false">
</div>`

const freeShare = (): string => {
  const paid = controls.filter((c) => c.mix !== undefined)
  const taken = paid.reduce((s, c) => s + Math.round(Number(valueOf(c)) * 1e6), 0)
  return formatInputValue((1e6 - taken) / 1e6, "pct")
}

const renderControls = (): void => {
  let i = 0
  byId("inputs").innerHTML = groups
    .map((g) => {
      const mix = g.controls.some((c) => c.mix !== undefined)
      const rows = g.controls.map((c) => controlHtml(c, i++)).join("")
      return `<details open><summary>${esc(g.title)}</summary>${rows}${
        mix ? `<p class="free-share">Free share of sign-ups: <b id="free-share">${esc(freeShare())}</b></p>` : ""
      }</details>`
    })
    .join("")
}

const controlById = new Map(controls.map((c) => [c.id, c]))

const onRange = (el: HTMLInputElement): void => {
  const c = controlById.get(el.dataset["id"] ?? "")
  if (c === undefined) return
  const text = decimalText(Number(el.value), c.scale)
  values.set(c.id, text)
  const row = el.closest(".control")!
  ;(row.querySelector("input.exact") as HTMLInputElement).value = text
  row.querySelector("output")!.textContent = shown(c, text)
  schedule()
}

const onExact = (el: HTMLInputElement): void => {
  const c = controlById.get(el.dataset["id"] ?? "")
  if (c === undefined) return
  const text = el.value.trim()
  const row = el.closest(".control")!
  if (!DECIMAL.test(text)) {
    el.setAttribute("aria-invalid", "true")
    return
  }
  el.removeAttribute("aria-invalid")
  values.set(c.id, text)
  ;(row.querySelector("input[type=range]") as HTMLInputElement).value = String(positionOf(c, text))
  row.querySelector("output")!.textContent = shown(c, text)
  schedule()
}

// ---- figures --------------------------------------------------------------------------------------------------------

const figure = (name: string, value: string, text: string, negative = false): string =>
  `<span data-figure="${esc(name)}" data-value="${esc(value)}"${negative ? ' class="neg"' : ""}>${esc(text)}</span>`

const monthFigure = (name: string, month: string | null, first: string): string =>
  figure(name, month ?? "", month === null ? "not within horizon" : `${monthLabel(month)} (month ${monthsBetween(first, month) + 1})`)

const monthCard = (key: string, h: MonthHeadline, m: WhatIf["summary"]["months"][number]): string => `
<div class="card"><h3>${esc(h.label)} · ${esc(monthLabel(h.month))}</h3><dl>
<dt>Revenue</dt><dd>${figure(`${key}.revenue`, m.revenue, h.revenue)}</dd>
<dt>Net profit</dt><dd>${figure(`${key}.net_profit`, m.net_profit, h.netProfit, h.netNegative)}</dd>
<dt>Gross margin</dt><dd>${figure(`${key}.gross_margin_pct`, m.gross_margin_pct ?? "", h.grossMargin)}</dd>
<dt>Cumulative</dt><dd>${figure(`${key}.cumulative_net_profit`, m.cumulative_net_profit, formatUsd(money(m.cumulative_net_profit)), m.cumulative_net_profit.startsWith("-"))}</dd>
</dl></div>`

const figuresHtml = (w: WhatIf): string => {
  const s = w.summary
  const h = headline(s)
  const first = s.months[0]!.month
  const last = s.months.at(-1)!
  const cards = [
    `<div class="card ${s.break_even_month === null ? "bad" : "good"}"><h3>Break-even</h3>
<div class="big">${monthFigure("break_even_month", s.break_even_month, first)}</div>
<div class="sub">first month whose net profit is ≥ 0</div>
${h.relapses.length > 0 ? `<div class="sub neg"><b>Net loss again in ${esc(h.relapses.join(", "))}</b></div>` : ""}</div>`,
    `<div class="card ${s.break_even_sustained_month === null ? "bad" : "good"}"><h3>Sustained break-even</h3>
<div class="big">${monthFigure("break_even_sustained_month", s.break_even_sustained_month, first)}</div>
<div class="sub">from then on net profit stays ≥ 0 to ${esc(monthLabel(last.month))}</div></div>`
  ]
  const m12 = s.months[11]
  if (h.month12 !== null && m12 !== undefined) cards.push(monthCard("month12", h.month12, m12))
  cards.push(monthCard("horizon", h.horizon, last))
  return cards.join("\n")
}

let reportCss = false

/** The report's sections (charts, checks, P&L table, breakdown) as `econ run --out` writes them, minus its header cards. */
const renderReport = (w: WhatIf): void => {
  const html = reportHtml({
    summary: w.summary,
    checks: w.checks,
    title: "What-if",
    ...(data.marginTargetPct === undefined ? {} : { marginTargetPct: data.marginTargetPct })
  })
  const doc = new DOMParser().parseFromString(html, "text/html")
  if (!reportCss) {
    const style = document.createElement("style")
    style.textContent = doc.querySelector("style")?.textContent ?? ""
    document.head.prepend(style)
    reportCss = true
  }
  const main = doc.querySelector("main")!
  main.querySelector("header")?.remove()
  main.querySelector("section.kpis")?.remove()
  byId("report").innerHTML = main.innerHTML
}

let revision = 0
let frame: number | undefined

const update = (): void => {
  frame = undefined
  const started = performance.now()
  const tree = treeWithValues(data.source.tree, controls, values)
  const result = evaluateWhatIf({ ...data.source, tree })
  const error = byId("error")
  const free = document.getElementById("free-share")
  if (free !== null) free.textContent = freeShare()
  if (Result.isFailure(result)) {
    error.innerHTML = `<b>These inputs cannot be run:</b><ul>${result.failure.issues.map((i) => `<li>${esc(i)}</li>`).join("")}</ul>`
    error.hidden = false
    document.body.dataset["valid"] = "false"
  } else {
    error.hidden = true
    document.body.dataset["valid"] = "true"
    byId("figures").innerHTML = figuresHtml(result.success)
    renderReport(result.success)
  }
  const changed = controls.filter((c) => values.has(c.id) && valueOf(c) !== c.value).length
  byId("changed").textContent = changed === 0 ? "the scenario as written" : `${changed} input${changed === 1 ? "" : "s"} changed`
  byId("timing").textContent = `recomputed in ${Math.round(performance.now() - started)} ms`
  revision += 1
  document.body.dataset["revision"] = String(revision)
  delete document.body.dataset["pending"]
}

/** Coalesces a burst of slider events into one recomputation per frame. */
const schedule = (): void => {
  document.body.dataset["pending"] = "true"
  if (frame === undefined) frame = requestAnimationFrame(update)
}

// ---- download and reset ---------------------------------------------------------------------------------------------

const download = (): void => {
  const tree = treeWithValues(data.source.tree, controls, values)
  const moved = controls.filter((c) => values.has(c.id) && valueOf(c) !== c.value)
  const header = [
    `What-if of ${data.source.file}, saved from whatif.html. Run it: npx econ run <this file>`,
    ...moved.map((c) => `  ${c.label}: ${c.value} → ${valueOf(c)}`)
  ].join("\n ")
  const blob = new Blob([scenarioYaml(tree, header)], { type: "application/yaml" })
  const a = document.createElement("a")
  a.href = URL.createObjectURL(blob)
  a.download = data.downloadName
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000)
}

const reset = (): void => {
  values.clear()
  renderControls()
  schedule()
}

renderControls()
const inputs = byId("inputs")
inputs.addEventListener("input", (e) => {
  const el = e.target as HTMLInputElement
  if (el.type === "range") onRange(el)
  else if (el.classList.contains("exact")) onExact(el)
})
byId("download").addEventListener("click", download)
byId("reset").addEventListener("click", reset)
update()
