// `econ run FILE [--out DIR] [--runs N] [--seed S] [--workers W] [--json]`: the main job. The exact monthly projection
// as a table (or the summary JSON), Monte Carlo bands with --runs, the scenario's checks, and the report with --out.
import { join } from "node:path"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Command, Flag } from "effect/cli"
import { runScenario, type ScenarioRun } from "../scenarios/engine/runScenario.ts"
import { progressBar } from "../scenarios/montecarlo/progressBar.ts"
import { formatSummaryTable } from "../scenarios/report/summaryTable.ts"
import { figureCell, Findings, formatTable, jsonFlag, printJson, printLine, printNote, UsageError } from "./common.ts"
import { engineTryPromise, outFlag, scenarioArgument, useScenario, writeReportDir } from "./scenarioCommon.ts"
import { renderWhatIf } from "./whatif.ts"

const runsFlag = Flag.Int("runs").pipe(
  Flag.withDescription("Monte Carlo runs (0: none); default: the scenario's monte_carlo.runs, else 0"),
  Flag.optional
)
const seedFlag = Flag.Int("seed").pipe(Flag.withDescription("Monte Carlo seed; default: the scenario's monte_carlo.seed, else 1"), Flag.optional)
const xlsxFlag = Flag.String("xlsx").pipe(
  Flag.withDescription("Write the model as a workbook of live formulas (Inputs, Monthly, Tiers, Monte Carlo) to this .xlsx file"),
  Flag.optional
)
const workersFlag = Flag.Int("workers").pipe(Flag.withDescription("Worker threads; default: all cores"), Flag.optional)

const checksTable = (run: ScenarioRun): string =>
  formatTable(
    ["check", "target", "figure", "result"],
    run.checks.map((c) => [c.name, c.target, c.value, c.pass ? "PASS" : "FAIL"])
  )

const planTable = (run: ScenarioRun): string =>
  formatTable(
    ["line", "plan", "engine", "difference"],
    (run.planLines ?? []).map((l) => {
      const unit = l.item.includes("%") ? "pct" : "usd"
      return [l.item, l.plan === null ? "—" : figureCell(unit, l.plan), figureCell(unit, l.engine), l.difference === null ? "" : figureCell(unit, l.difference)]
    }),
    new Set([1, 2, 3])
  )

const writeXlsx = (run: ScenarioRun, path: string): Effect.Effect<void, UsageError> =>
  Effect.tryPromise({
    // the workbook writer is loaded only when --xlsx asks for it (start-up: see main.ts)
    try: async () => (await import("../scenarios/xlsx/index.ts")).writeModelXlsx(run, path),
    catch: (e) => new UsageError({ message: `--xlsx ${path}: ${e instanceof Error ? e.message : String(e)}` })
  }).pipe(
    Effect.flatMap((deviations) =>
      printNote(`wrote ${path}${deviations.length === 0 ? "" : ` (${deviations.length} formula figures differ from the engine: see its Notes sheet)`}`)
    )
  )

export const runCommand = Command.make(
  "run",
  { file: scenarioArgument(), out: outFlag, runs: runsFlag, seed: seedFlag, workers: workersFlag, xlsx: xlsxFlag, json: jsonFlag },
  Effect.fn(function*({ file, out, runs, seed, workers, xlsx, json }) {
    const loaded = yield* useScenario(file)
    const mc = loaded.state.scenario.monte_carlo
    const n = Option.getOrElse(runs, () => mc?.runs ?? 0)
    const s = Option.getOrElse(seed, () => mc?.seed ?? 1)
    if (n < 0) return yield* new UsageError({ message: `--runs: expected a whole number ≥ 0, got ${n}` })
    if (s < 0) return yield* new UsageError({ message: `--seed: expected a whole number ≥ 0, got ${s}` })
    if (Option.isSome(workers) && workers.value < 1) {
      return yield* new UsageError({ message: `--workers: expected a whole number ≥ 1, got ${workers.value}` })
    }
    // said before the work starts (the bar below draws on terminals only): a long run can be stopped, and a script
    // driving econ knows the simulation has begun
    if (n > 0) yield* printNote(`Monte Carlo: ${n.toLocaleString("en-US")} runs; Ctrl-C stops it and writes nothing`)
    const run = yield* engineTryPromise((signal) =>
      runScenario(loaded, {
        signal,
        runs: n,
        seed: s,
        ...(Option.isSome(workers) ? { workers: workers.value } : {}),
        onProgress: progressBar(process.stderr, "simulating")
      })
    )
    if (Option.isSome(out)) {
      const margin = loaded.state.scenario.report?.margin_target_pct
      const whatif = yield* renderWhatIf(loaded)
      yield* writeReportDir(out.value, {
        summary: run.summary,
        rows: run.rows,
        notes: run.notes,
        checks: run.checks,
        ...(run.baseline === undefined ? {} : { baseline: run.baseline.summary }),
        ...(margin === undefined ? {} : { marginTargetPct: margin })
      }, [{ name: "whatif.html", content: whatif }])
      yield* writeXlsx(run, join(out.value, "model.xlsx"))
    }
    if (Option.isSome(xlsx)) yield* writeXlsx(run, xlsx.value)
    if (json) {
      yield* printJson(run.summary)
    } else {
      yield* printLine(formatSummaryTable(run.summary))
      if (run.planLines !== undefined) yield* printLine(`\nAgainst the plan's own projection (month 1):\n${planTable(run)}`)
      if (run.checks.length > 0) yield* printLine(`\n${checksTable(run)}`)
      for (const note of run.notes) yield* printLine(`\n• ${note}`)
    }
    const failed = run.checks.filter((c) => !c.pass).length
    if (failed > 0) return yield* new Findings({ count: failed })
  })
).pipe(
  Command.withDescription(
    "Run a scenario: exact monthly projection per tier, Monte Carlo bands with --runs, checks, and a report with --out"
  )
)
