// Runs every notebook against the shipped price sheet and writes reports/notebooks/<name>/index.html (+ .md, .svg).
import * as Result from "effect/Result"
import { loadSheet } from "../io/sheetFile.ts"
import { tierEconomicsNotebook } from "./01-tier-economics.ts"
import { planAuditNotebook } from "./02-plan-audit.ts"
import { growthNotebook } from "./03-growth-scenarios.ts"

const sheet = loadSheet()
if (Result.isFailure(sheet)) {
  process.stderr.write(`notebooks: ${sheet.failure.message}\n`)
  process.exit(2)
}
const out = process.argv[2] ?? "reports/notebooks"
const notebooks = [
  ["01-tier-economics", tierEconomicsNotebook(sheet.success)],
  ["02-plan-audit", planAuditNotebook(sheet.success)],
  ["03-growth-scenarios", await growthNotebook()]
] as const
for (const [name, nb] of notebooks) {
  nb.write(`${out}/${name}`)
  process.stdout.write(`wrote ${out}/${name}/index.html\n`)
}
