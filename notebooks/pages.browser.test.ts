// Every notebook page, their index and a scenario's report.html, opened in headless Chromium from the file system:
// no console error, every chart drawn (an SVG with a real size), every index link leads to a page.
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import type { BrowserContext } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { loadSheet } from "../io/sheetFile.ts"
import { loadScenario, runScenario, writeReport } from "../scenarios/index.ts"
import { launchBrowser } from "../scenarios/whatif/testBrowser.ts"
import { writeNotebooks } from "./allNotebooks.ts"

const dir = mkdtempSync(join(tmpdir(), "pages-"))
let context: BrowserContext
const pages: Array<{ readonly name: string; readonly file: string; readonly charts: boolean }> = []

beforeAll(async () => {
  const sheet = Result.getOrThrow(loadSheet())
  const entries = await writeNotebooks(sheet, join(dir, "notebooks"), { runs: 100 })
  for (const e of entries) pages.push({ name: e.name, file: join(dir, "notebooks", e.name, "index.html"), charts: !/audit|live-usage/.test(e.name) })
  const loaded = Result.getOrThrow(loadScenario(fileURLToPath(new URL("../scenarios/mixed-growth-36m.yaml", import.meta.url))))
  const run = await runScenario(loaded, { runs: 100, seed: 1, workers: 1 })
  await Effect.runPromise(writeReport(join(dir, "report"), { summary: run.summary, rows: run.rows, checks: run.checks, notes: run.notes }))
  pages.push({ name: "report", file: join(dir, "report", "report.html"), charts: true })
  context = await launchBrowser()
})

afterAll(async () => {
  await context?.close()
})

describe("pages in Chromium", () => {
  it("renders every notebook and the report with its charts and no console error", async () => {
    expect(pages.map((p) => p.name)).toContain("06-live-usage")
    const page = await context.newPage()
    const problems: Array<string> = []
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${page.url()}: ${m.text()}`)
    })
    page.on("pageerror", (e) => problems.push(`${page.url()}: ${e.message}`))
    for (const p of pages) {
      await page.goto(pathToFileURL(p.file).href)
      const sizes = await page.evaluate(() =>
        [...document.querySelectorAll("figure > svg")].map((s) => {
          const r = s.getBoundingClientRect()
          return r.width * r.height
        })
      )
      if (p.charts) expect(sizes.length, p.name).toBeGreaterThan(0)
      for (const area of sizes) expect(area, p.name).toBeGreaterThan(10_000)
      // prose is rendered Markdown: no raw list markers, table pipes or ** left on the page
      expect(await page.evaluate(() => /(^|\n)\s*(- |\| |\*\*)/.test(document.body.innerText)), p.name).toBe(false)
    }
    await page.goto(pathToFileURL(join(dir, "notebooks", "index.html")).href)
    const links = await page.locator("a").evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href))
    expect(links).toHaveLength(6)
    for (const link of links) {
      const response = await page.goto(link)
      expect(response?.ok(), link).toBe(true)
    }
    expect(problems).toEqual([])
  })
})
