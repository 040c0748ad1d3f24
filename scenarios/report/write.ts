// Writes a report directory (projection.csv, summary.json, report.html, one .svg per chart) all at once: everything
// is rendered in memory, written to a temp dir beside the target, then renamed into place; a failure leaves nothing.
import { randomUUID } from "node:crypto"
import { chmod, mkdir, mkdtemp, readdir, rename, rm, writeFile } from "node:fs/promises"
import { basename, dirname, join, resolve } from "node:path"
import { Effect, Result, Schema } from "effect"
import { reportCharts, renderCharts, type ReportChartsOptions } from "./charts.ts"
import { compareCsv, projectionCsv } from "./csv.ts"
import { reportHtml } from "./html.ts"
import { monteCarloCsv, pnlCsv } from "./pnl.ts"
import { decodeSummary, ReportInputError, type Check, type ProjectionRow, type ScenarioSummary } from "../engine/summaryContract.ts"
import type { ChartSize } from "./svg.ts"

export { formatSummaryTable } from "./summaryTable.ts"

export interface ReportInput extends ReportChartsOptions {
  readonly summary: ScenarioSummary
  readonly rows: ReadonlyArray<ProjectionRow>
  readonly notes?: ReadonlyArray<string>
  readonly checks?: ReadonlyArray<Check>
  readonly title?: string
  readonly generated?: string
  readonly chartSize?: ChartSize
}

export interface ReportFile {
  readonly name: string
  readonly content: string
}

export interface WrittenReport {
  readonly dir: string
  readonly files: ReadonlyArray<string>
}

export class ReportWriteError extends Schema.TaggedError<ReportWriteError>()("ReportWriteError", {
  dir: Schema.String,
  message: Schema.String,
  cause: Schema.optionalKey(Schema.Defect())
}) {}

/**
 * Every file of the report, rendered in memory. Pure: no I/O, so it is also what tests and dry runs use.
 * Throws ReportInputError when the summary breaks the contract (the message names the field).
 */
export const renderReportFiles = (input: ReportInput): ReadonlyArray<ReportFile> => {
  const decoded = decodeSummary(input.summary)
  if (Result.isFailure(decoded)) throw decoded.failure
  if (input.baseline !== undefined) {
    const base = decodeSummary(input.baseline)
    if (Result.isFailure(base)) throw new ReportInputError({ field: `baseline.${base.failure.field}`, message: `baseline: ${base.failure.message}` })
  }
  const charts = renderCharts(reportCharts(input.summary, input), input.chartSize)
  return [
    { name: "summary.json", content: JSON.stringify(input.summary, null, 2) + "\n" },
    { name: "projection.csv", content: projectionCsv(input.rows) },
    { name: "pnl.csv", content: pnlCsv(input.summary) },
    ...monteCarloFiles(input.summary),
    ...(input.baseline !== undefined ? [{ name: "compare.csv", content: compareCsv(input.baseline, input.summary, { at: "month" }) }] : []),
    { name: "report.html", content: reportHtml({ ...input, charts }) },
    ...charts.map((c) => ({ name: `${c.name}.svg`, content: c.svg }))
  ]
}

const monteCarloFiles = (summary: ScenarioSummary): ReadonlyArray<ReportFile> => {
  const csv = monteCarloCsv(summary)
  return csv === undefined ? [] : [{ name: "montecarlo.csv", content: csv }]
}

// A directory we may replace: missing, empty, or a previous report (it has our summary.json and report.html).
// Anything else (a home directory, a repo root) is refused rather than swapped away.
const replaceable = async (dir: string): Promise<"missing" | "report" | "foreign"> => {
  let entries: Array<string>
  try {
    entries = await readdir(dir)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return "missing"
    throw e
  }
  if (entries.length === 0) return "report"
  return entries.includes("summary.json") && entries.includes("report.html") ? "report" : "foreign"
}

/**
 * Write `files` as the directory `dir`, atomically from a reader's point of view: a temp dir next to `dir` is filled,
 * then renamed over it (a previous report is moved aside first and removed after). On any failure the temp dir is
 * removed and a previous report is put back.
 */
export const writeFilesAtomically = (dir: string, files: ReadonlyArray<ReportFile>): Effect.Effect<WrittenReport, ReportWriteError> =>
  Effect.tryPromise({
    try: async () => {
      const target = resolve(dir)
      const parent = dirname(target)
      const state = await replaceable(target)
      if (state === "foreign") throw new Error(`${target} exists and is not a report directory (no summary.json + report.html); choose an empty or new directory`)
      await mkdir(parent, { recursive: true })
      const tmp = await mkdtemp(join(parent, `.${basename(target)}.tmp-`))
      let aside: string | undefined
      try {
        // mkdtemp makes the dir private (0700); a report is meant to be read by others like any output directory
        await chmod(tmp, 0o755)
        for (const f of files) await writeFile(join(tmp, f.name), f.content, { flag: "wx" })
        if (state === "report") {
          aside = join(parent, `.${basename(target)}.old-${randomUUID()}`)
          await rename(target, aside)
        }
        try {
          await rename(tmp, target)
        } catch (e) {
          if (aside !== undefined) await rename(aside, target)
          aside = undefined
          throw e
        }
      } catch (e) {
        await rm(tmp, { recursive: true, force: true })
        throw e
      }
      if (aside !== undefined) await rm(aside, { recursive: true, force: true })
      return { dir: target, files: files.map((f) => f.name) }
    },
    catch: (cause) =>
      new ReportWriteError({ dir, message: `could not write report to ${dir}: ${cause instanceof Error ? cause.message : String(cause)}`, cause })
  })

/** Render the report and write it to `dir` (created, or replacing a previous report there). */
export const writeReport = (dir: string, input: ReportInput): Effect.Effect<WrittenReport, ReportInputError | ReportWriteError> =>
  Effect.suspend(() => {
    try {
      return Effect.succeed(renderReportFiles(input))
    } catch (e) {
      // bad input is the caller's to fix; anything else thrown while rendering is a bug, so a defect
      return e instanceof ReportInputError ? Effect.fail(e) : Effect.die(e)
    }
  }).pipe(Effect.flatMap((files) => writeFilesAtomically(dir, files)))
