// The what-if page in a real browser (headless Chromium): it loads from the file system with no console error, each
// slider moves the figures to exactly what the engine computes in Node for those inputs, and the scenario it downloads
// reproduces them through `econ run --json`.
import { execFile } from "node:child_process"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { promisify } from "node:util"
import * as Result from "effect/Result"
import type { BrowserContext, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { formatUsd, money } from "../../model/money.ts"
import { projectScenario } from "../engine/runScenario.ts"
import { type SummaryJson, summaryJson } from "../engine/summaryJson.ts"
import { decodeScenario, type LoadedScenario, loadScenario } from "../scenario/load.ts"
import { whatIfHtml } from "./build.ts"
import { launchBrowser } from "./testBrowser.ts"

const SCENARIO = fileURLToPath(new URL("../mixed-growth-36m.yaml", import.meta.url))
const ECON = fileURLToPath(new URL("../../bin/econ.ts", import.meta.url))

type Figures = Readonly<Record<string, string>>

/** What the page must show for a summary: the raw engine values its figures carry in data-value. */
const expectedFigures = (s: SummaryJson): Figures => {
  const m12 = s.months[11]
  const last = s.months.at(-1)!
  return {
    break_even_month: s.break_even_month ?? "",
    break_even_sustained_month: s.break_even_sustained_month ?? "",
    // a horizon of 12 months or less has no separate month-12 card
    ...(m12 === undefined || s.months.length <= 12
      ? {}
      : {
        "month12.revenue": m12.revenue,
        "month12.net_profit": m12.net_profit,
        "month12.gross_margin_pct": m12.gross_margin_pct ?? "",
        "month12.cumulative_net_profit": m12.cumulative_net_profit
      }),
    "horizon.revenue": last.revenue,
    "horizon.net_profit": last.net_profit,
    "horizon.gross_margin_pct": last.gross_margin_pct ?? "",
    "horizon.cumulative_net_profit": last.cumulative_net_profit
  }
}

/** The engine in Node, on a scenario tree. */
const engineSummary = (loaded: LoadedScenario, tree: unknown): SummaryJson =>
  summaryJson(projectScenario(Result.getOrThrow(decodeScenario({ ...loaded.source, tree }))))

const setIn = (tree: unknown, path: ReadonlyArray<string | number>, value: unknown): unknown => {
  if (path.length === 0) return value
  const [k, ...rest] = path
  if (Array.isArray(tree)) return tree.map((v, i) => (i === k ? setIn(v, rest, value) : v))
  const o = (typeof tree === "object" && tree !== null ? tree : {}) as Record<string, unknown>
  return { ...o, [k!]: setIn(o[k!], rest, value) }
}

interface PageState {
  readonly figures: Figures
  /** the P&L table's net profit column, as shown */
  readonly netProfit: ReadonlyArray<string>
  readonly charts: number
}

const pageState = (page: Page): Promise<PageState> =>
  page.evaluate(() => {
    const figures = Object.fromEntries(
      [...document.querySelectorAll<HTMLElement>("[data-figure]")].map((e) => [e.dataset["figure"]!, e.dataset["value"]!])
    )
    const table = document.querySelector("#monthly table")!
    const col = [...table.querySelectorAll("thead th")].findIndex((th) => th.textContent === "Net profit")
    const netProfit = [...table.querySelectorAll("tbody tr:not(.year)")].map((tr) => tr.children[col]!.textContent!)
    return { figures, netProfit, charts: document.querySelectorAll("#charts figure svg").length }
  })

const expectState = (state: PageState, s: SummaryJson): void => {
  expect(state.figures).toEqual(expectedFigures(s))
  expect(state.netProfit).toEqual(s.months.map((m) => formatUsd(money(m.net_profit))))
  expect(state.charts).toBeGreaterThanOrEqual(4)
}

/** Waits for the page's recomputation after revision `after` (the page counts them in body[data-revision]). */
const settled = (page: Page, after: number): Promise<number> =>
  page
    .waitForFunction((n) => Number(document.body.dataset["revision"]) > n && document.body.dataset["pending"] === undefined, after)
    .then(() => page.evaluate(() => Number(document.body.dataset["revision"])))

describe("what-if page in Chromium", () => {
  let context: BrowserContext
  let page: Page
  let loaded: LoadedScenario
  let file: string
  const problems: Array<string> = []

  beforeAll(async () => {
    loaded = Result.getOrThrow(loadScenario(SCENARIO))
    const dir = mkdtempSync(join(tmpdir(), "whatif-"))
    file = join(dir, "whatif.html")
    writeFileSync(file, await whatIfHtml(loaded, { marginTargetPct: 70 }))
    context = await launchBrowser()
    page = await context.newPage()
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`)
    })
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`))
    await page.goto(pathToFileURL(file).href)
    await settled(page, 0)
  })

  afterAll(async () => {
    await context?.close()
  })

  it("loads from the file system with no console error and shows the scenario as `econ run` computes it", async () => {
    expect(problems).toEqual([])
    expectState(await pageState(page), engineSummary(loaded, loaded.source.tree))
  })

  it("moves every slider, and each time shows exactly what the engine computes for those inputs", async () => {
    const sliders = await page.locator("input[type=range]").all()
    expect(sliders.length).toBeGreaterThanOrEqual(30)
    let tree = loaded.source.tree
    let revision = await page.evaluate(() => Number(document.body.dataset["revision"]))
    let before = engineSummary(loaded, tree)
    const unchanged: Array<string> = []
    for (const slider of sliders) {
      const path = JSON.parse((await slider.getAttribute("data-path"))!) as Array<string | number>
      await slider.focus()
      // PageUp moves a range input by a tenth of its span: a real user's move, not a value set by script
      await page.keyboard.press("PageUp")
      revision = await settled(page, revision)
      const value = await slider.evaluate((el) => (el.closest(".control")!.querySelector("input.exact") as HTMLInputElement).value)
      tree = setIn(tree, path, Number(value))
      // a fixed input is no longer uncertain: correlations naming it go (the rest stay)
      const t = tree as { correlations?: ReadonlyArray<{ a: string; b: string }> }
      if (t.correlations !== undefined) tree = { ...t, correlations: t.correlations.filter((c) => c.a !== path.join(".") && c.b !== path.join(".")) }
      if (path[2] === "mix") {
        // Free takes what the paid tiers leave (in millionths, exactly)
        const mix = (tree as { users: { signups: { mix: Record<string, number> } } }).users.signups.mix
        const paid = ["starter", "pro", "business", "enterprise"].reduce((s, t) => s + Math.round((mix[t] ?? 0) * 1e6), 0)
        tree = setIn(tree, ["users", "signups", "mix", "free"], (1e6 - paid) / 1e6)
      }
      const after = engineSummary(loaded, tree)
      expectState(await pageState(page), after)
      if (JSON.stringify(after.months) === JSON.stringify(before.months)) unchanged.push(path.join("."))
      before = after
    }
    // every slider moves something the engine books (a line, a user count); none is decorative
    expect(unchanged).toEqual([])
    expect(problems).toEqual([])
  })

  it("downloads a scenario that `econ run --json` reproduces to the cent", async () => {
    const shown = await pageState(page)
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")])
    const saved = join(mkdtempSync(join(tmpdir(), "whatif-dl-")), download.suggestedFilename())
    await download.saveAs(saved)
    expect(readFileSync(saved, "utf8")).toMatch(/^# What-if of mixed-growth-36m\.yaml/)
    const { stdout } = await promisify(execFile)(process.execPath, [ECON, "run", saved, "--json", "--runs", "0"], { maxBuffer: 64 << 20 })
    const run = JSON.parse(stdout) as SummaryJson
    expect(expectedFigures(run)).toEqual(shown.figures)
    expect(run.months.map((m) => formatUsd(money(m.net_profit)))).toEqual(shown.netProfit)
  })

  it.each(["plan-pro-1000.yaml", "q2-2025-targets.yaml", "optimizations.yaml"])(
    "opens %s (plan lines, checks, a comparison) with no console error, as the engine computes it",
    async (name) => {
      const other = Result.getOrThrow(loadScenario(fileURLToPath(new URL(`../${name}`, import.meta.url))))
      const otherFile = join(mkdtempSync(join(tmpdir(), "whatif-")), "whatif.html")
      writeFileSync(otherFile, await whatIfHtml(other))
      const tab = await context.newPage()
      const errors: Array<string> = []
      tab.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") errors.push(m.text())
      })
      tab.on("pageerror", (e) => errors.push(e.message))
      await tab.goto(pathToFileURL(otherFile).href)
      await settled(tab, 0)
      const s = engineSummary(other, other.source.tree)
      const shown = await pageState(tab)
      expect(shown.figures).toEqual(expectedFigures(s))
      expect(shown.netProfit).toEqual(s.months.map((m) => formatUsd(money(m.net_profit))))
      expect(errors).toEqual([])
      await tab.close()
    }
  )

  it("names the problem, with no console error, when the inputs cannot run (a sign-up mix over 100 %)", async () => {
    const revision = await page.evaluate(() => Number(document.body.dataset["revision"]))
    await page.locator('input.exact[data-id="users.signups.mix.starter"]').fill("0.99")
    await settled(page, revision)
    await expect.poll(() => page.locator("#error").textContent()).toMatch(/users\.signups\.mix\.free/)
    expect(await page.evaluate(() => document.body.dataset["valid"])).toBe("false")
    expect(problems).toEqual([])
  })
})
