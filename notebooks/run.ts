// `npm run notebooks [DIR]`: every notebook against the shipped price sheet, into reports/notebooks/ with an index.
import * as Result from "effect/Result"
import { loadSheet } from "../io/sheetFile.ts"
import { writeNotebooks } from "./allNotebooks.ts"

const sheet = loadSheet()
if (Result.isFailure(sheet)) {
  process.stderr.write(`notebooks: ${sheet.failure.message}\n`)
  process.exit(2)
}
const out = process.argv[2] ?? "reports/notebooks"
for (const e of await writeNotebooks(sheet.success, out)) process.stdout.write(`wrote ${out}/${e.name}/index.html\n`)
process.stdout.write(`wrote ${out}/index.html\n`)
