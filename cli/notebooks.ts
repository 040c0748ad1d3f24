// `econ notebooks [--out DIR] [--runs N]`: every literate report (tier economics, the plan audited, growth scenarios,
// pricing review, optimization savings, live usage) rendered to HTML with an index page.
import { resolve } from "node:path"
import * as Effect from "effect/Effect"
import { Command, Flag } from "effect/cli"
import { printLine, sheetFlag, UsageError, useSheet } from "./common.ts"

export const notebooksCommand = Command.make(
  "notebooks",
  {
    out: Flag.String("out").pipe(Flag.withDescription("Folder to write (default reports/notebooks)"), Flag.withDefault("reports/notebooks")),
    runs: Flag.Int("runs").pipe(Flag.withDescription("Monte Carlo runs of the growth notebook (default 2000)"), Flag.withDefault(2000)),
    sheet: sheetFlag
  },
  Effect.fn(function*({ out, runs, sheet }) {
    if (runs < 0) return yield* new UsageError({ message: `--runs: expected a whole number ≥ 0, got ${runs}` })
    const s = yield* useSheet(sheet)
    const { writeNotebooks } = yield* Effect.promise(() => import("../notebooks/allNotebooks.ts"))
    const entries = yield* Effect.promise(() => writeNotebooks(s, out, { runs }))
    for (const e of entries) yield* printLine(`wrote ${out}/${e.name}/index.html`)
    yield* printLine(`wrote ${resolve(out, "index.html")}`)
  })
).pipe(Command.withDescription("Render every notebook (tiers, audit, growth, pricing review, savings, live usage) to HTML with an index page"))
