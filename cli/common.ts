// Shared CLI plumbing: the flags every command takes, the sheet they load, and the errors that set exit codes.
import * as BigDecimal from "effect/BigDecimal"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { Flag } from "effect/cli"
import { formatPercent, formatUsd, isDecimalText, type Money, type Sheet, UNSIGNED_DECIMAL_TEXT } from "../model/index.ts"
import { DEFAULT_SHEET_PATH, loadSheet } from "../io/sheetFile.ts"

/** Unusable input (bad file, unknown tier, negative number): one line on stderr, exit 2. */
export class UsageError extends Schema.TaggedError<UsageError>()("UsageError", { message: Schema.String }) {}

/** The command ran and found problems (audit findings, failed checks): its report is printed, exit 1. */
export class Findings extends Schema.TaggedError<Findings>()("Findings", { count: Schema.Number }) {}

/** The command could not do its work (a store unreachable, a service that refused): one line on stderr, exit 1. */
export class CommandFailed extends Schema.TaggedError<CommandFailed>()("CommandFailed", { message: Schema.String }) {}

/** Where a command's output goes: the process's streams, or a buffer when the command tree runs in-process (`runEcon`). */
export interface StdioShape {
  readonly out: (text: string) => void
  readonly err: (text: string) => void
}
export const Stdio = Context.Reference<StdioShape>("econ/Stdio", {
  defaultValue: () => ({ out: (text) => void process.stdout.write(text), err: (text) => void process.stderr.write(text) })
})

/** A line on stderr (progress notes such as "wrote 9 files"); stdout stays the command's result. */
export const printNote = (text: string) => Effect.map(Stdio, (io) => io.err(text + "\n"))

export const sheetFlag = Flag.String("sheet").pipe(
  Flag.withDescription(`Price sheet (YAML/JSON); default: the plan's sheet (${DEFAULT_SHEET_PATH})`),
  Flag.withDefault(DEFAULT_SHEET_PATH)
)

export const jsonFlag = Flag.Boolean("json").pipe(Flag.withDescription("Print JSON instead of a table"), Flag.withDefault(false))

export const useSheet = (path: string): Effect.Effect<Sheet, UsageError> => {
  const r = loadSheet(path)
  return Result.isSuccess(r) ? Effect.succeed(r.success) : Effect.fail(new UsageError({ message: r.failure.message }))
}

/** A decimal flag value ≥ 0, parsed exactly (never through a float). */
export const nonNegativeDecimal = (flag: string, text: string): Effect.Effect<string, UsageError> =>
  UNSIGNED_DECIMAL_TEXT.test(text.trim())
    ? Effect.succeed(text.trim())
    : Effect.fail(new UsageError({ message: `--${flag}: expected a number ≥ 0 such as 20 or 2.5, got "${text}"` }))

/** A decimal flag value, possibly negative ("-10", a target profit that is a loss), parsed exactly. */
export const decimalFlag = (flag: string, text: string): Effect.Effect<BigDecimal.BigDecimal, UsageError> =>
  isDecimalText(text)
    ? Effect.succeed(BigDecimal.fromStringUnsafe(text.trim()))
    : Effect.fail(new UsageError({ message: `--${flag}: expected a number such as 10, -2.5 or 2500.50, got "${text}"` }))

export const printJson = (value: unknown) => Effect.map(Stdio, (io) => io.out(JSON.stringify(value, null, 2) + "\n"))

export const printLine = (text: string) => Effect.map(Stdio, (io) => io.out(text + "\n"))

/** Money in every CLI table: "$12,345.67", "-$3,606.54" (JSON keeps exact decimal strings such as "-3606.54"). */
export const usdCell = (amount: Money | string): string =>
  formatUsd(typeof amount === "string" ? BigDecimal.fromStringUnsafe(amount) : amount)

/** A percentage in every CLI table: one decimal and "%" ("78.6%"); "n/a" when there is nothing to divide by. */
export const pctCell = (p: BigDecimal.BigDecimal | string | null | undefined): string =>
  p === undefined || p === null ? "n/a" : `${typeof p === "string" ? p : formatPercent(p)}%`

/** A figure's exact decimal text in every CLI table by its unit: money "$1,234.50", percent "72.4%", count "1,234". */
export const figureCell = (unit: "usd" | "pct" | "count", text: string | null | undefined): string =>
  text === null || text === undefined
    ? "n/a"
    : unit === "usd"
    ? usdCell(text)
    : unit === "pct"
    ? pctCell(text)
    : text.replace(/\B(?=(\d{3})+(?!\d))/g, ",")

/** Render rows as an aligned text table; columns listed in `right` are right-aligned (numbers, money). */
export const formatTable = (
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
  right: ReadonlySet<number> = new Set()
): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd()
  return [line(header), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n")
}
