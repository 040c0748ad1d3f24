// Every notebook, rendered into one folder with an index page: `econ notebooks --out DIR` and `npm run notebooks`.
import { mkdirSync, renameSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { Sheet } from "../model/index.ts"
import { tierEconomicsNotebook } from "./01-tier-economics.ts"
import { planAuditNotebook } from "./02-plan-audit.ts"
import { growthNotebook } from "./03-growth-scenarios.ts"
import { pricingReviewNotebook } from "./04-pricing-review.ts"
import { optimizationSavingsNotebook } from "./05-optimization-savings.ts"
import { type LiveUsage, liveUsageNotebook } from "./06-live-usage.ts"
import type { Notebook } from "./notebook.ts"

export interface NotebookEntry {
  readonly name: string
  readonly title: string
  readonly summary: string
}

export interface NotebookOptions {
  /** Monte Carlo runs of notebook 03 (default 2000) */
  readonly runs?: number
  /** what the enforcer metered, read by the caller (`econ notebooks --from-ledger`); none: notebook 06 says how */
  readonly live?: LiveUsage
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")

const indexHtml = (entries: ReadonlyArray<NotebookEntry>): string => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Notebooks: AgentCache storage economics</title><style>
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;max-width:860px;margin:2rem auto;padding:0 1rem;color:#1f2328;line-height:1.5}
li{margin:.8rem 0}a{color:#2563eb;font-weight:600}p{margin:.2rem 0;color:#57606a}
</style></head><body><h1>AgentCache storage economics: notebooks</h1>
<p>Literate reports recomputed from the price sheet, the scenarios and the enforcer's ledger by the same code as <code>econ</code>.</p>
<ol>${entries.map((e) => `<li><a href="${esc(e.name)}/index.html">${esc(e.title)}</a><p>${esc(e.summary)}</p></li>`).join("")}</ol>
</body></html>
`

/** Render every notebook into `out/<name>/` and write `out/index.html`; returns what was written. */
export const writeNotebooks = async (sheet: Sheet, out: string, options: NotebookOptions = {}): Promise<ReadonlyArray<NotebookEntry>> => {
  const notebooks: ReadonlyArray<readonly [string, string, () => Notebook | Promise<Notebook>]> = [
    ["01-tier-economics", "What each tier costs at full allowance, line by line, and where the margin goes", () => tierEconomicsNotebook(sheet)],
    ["02-plan-audit", "Every figure the plan states, recomputed; each one that does not hold, with why", () => planAuditNotebook(sheet)],
    ["03-growth-scenarios", "The plan's 1,000 Pro users line by line, its Q2 targets, 36 months of mixed growth with Monte Carlo bands", () => growthNotebook(options.runs === undefined ? {} : { runs: options.runs })],
    ["04-pricing-review", "Prices against cost lines and the 70 % margin target, users to carry fixed costs, the audit's findings", () => pricingReviewNotebook(sheet)],
    ["05-optimization-savings", "What deduplication, compression and tiering each save, against storing everything hot", () => optimizationSavingsNotebook(sheet)],
    ["06-live-usage", "The enforcer's monthly report, usage alerts and the plan against them, from its ledger (--from-ledger)", () => liveUsageNotebook(options.live)]
  ]
  mkdirSync(out, { recursive: true })
  const entries: Array<NotebookEntry> = []
  for (const [name, summary, make] of notebooks) {
    const nb = await make()
    nb.write(join(out, name))
    entries.push({ name, title: nb.title, summary })
  }
  const tmp = join(out, `.index.html.tmp-${process.pid}`)
  writeFileSync(tmp, indexHtml(entries))
  renameSync(tmp, join(out, "index.html"))
  return entries
}
