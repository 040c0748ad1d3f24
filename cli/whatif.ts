// `econ whatif FILE [--out whatif.html]`: the scenario as one static page with sliders, recomputed in the browser by
// the same engine (bundled from this repository's source), offline, from the file system.
import { rename, writeFile } from "node:fs/promises"
import { dirname, join, resolve, basename } from "node:path"
import * as Effect from "effect/Effect"
import { Command, Flag } from "effect/cli"
import { printLine, UsageError } from "./common.ts"
import { scenarioArgument, useScenario } from "./scenarioCommon.ts"
import type { LoadedScenario } from "../scenarios/scenario/load.ts"

const outFile = Flag.String("out").pipe(
  Flag.withDescription("Where to write the page (default: whatif.html in the current directory)"),
  Flag.withDefault("whatif.html")
)

/** The page's HTML. esbuild is loaded only by the commands that write the page; a failed bundle is a bug (exit 70). */
export const renderWhatIf = (loaded: LoadedScenario): Effect.Effect<string> =>
  Effect.promise(async () => {
    const { whatIfHtml } = await import("../scenarios/whatif/build.ts")
    const margin = loaded.state.scenario.report?.margin_target_pct
    return whatIfHtml(loaded, margin === undefined ? {} : { marginTargetPct: margin })
  })

export const whatifCommand = Command.make(
  "whatif",
  { file: scenarioArgument(), out: outFile },
  Effect.fn(function*({ file, out }) {
    const loaded = yield* useScenario(file)
    const html = yield* renderWhatIf(loaded)
    const target = resolve(out)
    yield* Effect.tryPromise({
      try: async () => {
        // written beside the target and renamed: a reader never sees half a page
        const tmp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}`)
        await writeFile(tmp, html)
        await rename(tmp, target)
      },
      catch: (e) => new UsageError({ message: `--out: could not write ${target}: ${e instanceof Error ? e.message : String(e)}` })
    })
    yield* printLine(`wrote ${target} (${Math.round(html.length / 1024)} KB); open it in a browser, no server needed`)
  })
).pipe(
  Command.withDescription(
    "Write a what-if page for a scenario: sliders for prices, costs, sign-ups, mix, churn, conversion and fixed costs, recomputed live in the browser"
  )
)
