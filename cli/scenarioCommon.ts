// Plumbing shared by the scenario commands (run, sensitivity, goalseek, compare): loading a scenario as a usage error,
// parsing months and percentages, writing a report directory.
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import { Argument, Flag } from "effect/cli"
import { EngineRangeError } from "../scenarios/engine/flows.ts"
import { monthIndexOf } from "../scenarios/engine/outputs.ts"
import type { Projection } from "../scenarios/engine/project.ts"
import { ReportInputError } from "../scenarios/engine/summaryContract.ts"
import type { ReportFile, ReportInput } from "../scenarios/report/write.ts"
import { type LoadedScenario, loadScenario } from "../scenarios/scenario/load.ts"
import { printNote, UsageError } from "./common.ts"

export const scenarioArgument = (name = "file") =>
  Argument.String(name).pipe(Argument.withDescription("Scenario file (YAML), e.g. scenarios/mixed-growth-36m.yaml"))

export const outFlag = Flag.String("out").pipe(
  Flag.withDescription("Write the report (projection.csv, summary.json, report.html, one .svg per chart) to this directory"),
  Flag.optional
)

export const monthFlag = Flag.String("month").pipe(
  Flag.withDescription("Month evaluated: 1-based index (12) or YYYY-MM; default: the last month"),
  Flag.optional
)

export const useScenario = (file: string): Effect.Effect<LoadedScenario, UsageError> => {
  const r = loadScenario(file)
  return Result.isSuccess(r) ? Effect.succeed(r.success) : Effect.fail(new UsageError({ message: r.failure.message }))
}

/** Runs engine work whose only expected failure is a population beyond the exact range: that is the user's input. */
export const engineTry = <A>(f: () => A): Effect.Effect<A, UsageError> =>
  Effect.try({
    try: f,
    catch: (e) => {
      if (e instanceof EngineRangeError) return new UsageError({ message: e.message })
      throw e
    }
  })

/** `f` gets a signal that is aborted when the command is interrupted (Ctrl-C), to stop long work such as Monte Carlo. */
export const engineTryPromise = <A>(f: (signal: AbortSignal) => Promise<A>): Effect.Effect<A, UsageError> =>
  Effect.tryPromise({
    try: f,
    catch: (e) => {
      if (e instanceof EngineRangeError) return new UsageError({ message: e.message })
      const message = e instanceof Error ? e.message : String(e)
      // a range error inside a worker arrives as MonteCarloError carrying its message
      if (/beyond the engine's exact range/.test(message)) return new UsageError({ message })
      throw e
    }
  })

export const monthIndex = (p: Pick<Projection, "input">, month: Option.Option<string>): Effect.Effect<number, UsageError> => {
  if (Option.isNone(month)) return Effect.succeed(p.input.monthKeys.length - 1)
  const i = monthIndexOf(p, month.value)
  const keys = p.input.monthKeys
  return i === undefined
    ? Effect.fail(new UsageError({ message: `--month: expected 1…${keys.length} or a month ${keys[0]} … ${keys.at(-1)}, got "${month.value}"` }))
    : Effect.succeed(i)
}

export { decimalFlag } from "./common.ts"

/** The report directory, plus `extra` files written with it in the same atomic swap (e.g. whatif.html). */
export const writeReportDir = (dir: string, input: ReportInput, extra: ReadonlyArray<ReportFile> = []): Effect.Effect<void, UsageError> =>
  // the report renderer (charts: Plot and a server-side DOM) is loaded only by a command that writes a report
  Effect.promise(() => import("../scenarios/report/write.ts")).pipe(
    Effect.flatMap(({ renderReportFiles, writeFilesAtomically }) =>
      Effect.try({
        try: () => renderReportFiles(input),
        catch: (e) => {
          // bad input is the caller's to fix; anything else thrown while rendering is a bug (a defect, exit 70)
          if (e instanceof ReportInputError) return new UsageError({ message: e.message })
          throw e
        }
      }).pipe(Effect.flatMap((files) => writeFilesAtomically(dir, [...files, ...extra])))
    ),
    Effect.mapError((e) => new UsageError({ message: e.message })),
    Effect.flatMap((w) => printNote(`wrote ${w.files.length} files to ${w.dir}`))
  )
