// `econ sensitivity FILE --output net_profit [--pct 10] [--month M] [--two-way A,B] [--out DIR] [--json]`: a tornado
// of every input moved ±pct alone, and optionally a two-way table of two inputs moved together.
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Command, Flag } from "effect/cli"
import { isOutput, OUTPUTS } from "../scenarios/engine/outputs.ts"
import { projectScenario } from "../scenarios/engine/runScenario.ts"
import { tornado, twoWay } from "../scenarios/engine/sensitivity.ts"
import { projectionRows, summaryJson } from "../scenarios/engine/summaryJson.ts"
import { numericInputs, resolveInput } from "../scenarios/scenario/inputs.ts"
import { OUTPUT_CATALOGUE } from "../scenarios/engine/outputCatalogue.ts"
import { monthLabel } from "../scenarios/report/format.ts"
import { inputLabel } from "../scenarios/engine/inputLabel.ts"
import { formatInputValues } from "../scenarios/report/inputLabel.ts"
import { figureCell, formatTable, jsonFlag, printJson, printLine, UsageError } from "./common.ts"
import { decimalFlag, engineTry, monthFlag, monthIndex, outFlag, scenarioArgument, useScenario, writeReportDir } from "./scenarioCommon.ts"

const outputFlag = Flag.String("output").pipe(
  Flag.withDescription(`Output figure: ${OUTPUTS.join(", ")}`),
  Flag.withDefault("net_profit")
)
const pctFlag = Flag.String("pct").pipe(Flag.withDescription("Move each input by ± this percent of its value"), Flag.withDefault("10"))
const limitFlag = Flag.Int("limit").pipe(Flag.withDescription("Show the largest N bars"), Flag.withDefault(15))
const twoWayFlag = Flag.String("two-way").pipe(
  Flag.withDescription("Two inputs for a two-way table, ROW,COL (e.g. sheet.tiers.pro.price,users.churn.pro)"),
  Flag.optional
)
const stepsFlag = Flag.String("steps").pipe(
  Flag.withDescription("Moves in percent for the two-way table"),
  Flag.withDefault("-20,-10,0,10,20")
)

export const sensitivityCommand = Command.make(
  "sensitivity",
  {
    file: scenarioArgument(),
    output: outputFlag,
    pct: pctFlag,
    month: monthFlag,
    limit: limitFlag,
    twoWay: twoWayFlag,
    steps: stepsFlag,
    out: outFlag,
    json: jsonFlag
  },
  Effect.fn(function*({ file, output, pct, month, limit, twoWay: pair, steps, out, json }) {
    if (!isOutput(output)) return yield* new UsageError({ message: `--output: unknown figure "${output}"; use one of ${OUTPUTS.join(", ")}` })
    const loaded = yield* useScenario(file)
    const p = yield* engineTry(() => projectScenario(loaded))
    const i = yield* monthIndex(p, month)
    const move = yield* decimalFlag("pct", pct)
    if (!BigDecimal.isPositive(move)) return yield* new UsageError({ message: `--pct: expected a percent > 0, got ${pct}` })
    const t = yield* engineTry(() => tornado(loaded, { output, monthIndex: i, pct: move, limit }))
    let table: ReturnType<typeof twoWay> | undefined
    if (Option.isSome(pair)) {
      const ids = pair.value.split(",").map((s) => s.trim())
      const known = numericInputs(loaded).map((x) => x.id)
      const inputs = ids.map((id) => resolveInput(loaded, id))
      const bad = ids.findIndex((_, j) => inputs[j] === undefined)
      if (ids.length !== 2 || bad >= 0) {
        return yield* new UsageError({
          message: `--two-way: expected two inputs ROW,COL${bad >= 0 ? `; "${ids[bad]}" is not a numeric input` : ""}. Inputs: ${known.join(", ")}`
        })
      }
      const moves: Array<BigDecimal.BigDecimal> = []
      for (const s of steps.split(",")) moves.push(yield* decimalFlag("steps", s))
      table = yield* engineTry(() => twoWay(loaded, { row: inputs[0]!, col: inputs[1]!, output, monthIndex: i, steps: moves }))
    }
    if (Option.isSome(out)) {
      yield* writeReportDir(out.value, {
        summary: { ...summaryJson(p), sensitivity: t, ...(table === undefined ? {} : { two_way: table }) },
        rows: projectionRows(p)
      })
    }
    if (json) return yield* printJson({ sensitivity: t, ...(table === undefined ? {} : { two_way: table }) })
    // the one table format: friendly input names and values, money in dollars, percent with "%"
    const unit = OUTPUT_CATALOGUE[output].unit
    const label = OUTPUT_CATALOGUE[output].label
    const value = (v: string | number) => figureCell(unit, String(v))
    yield* printLine(`${label} in ${monthLabel(t.month)}: ${value(t.base)} at the scenario's values; each input moved ±${t.pct}% alone.\n`)
    yield* printLine(
      formatTable(
        ["input", `−${t.pct}%`, `+${t.pct}%`, `${label} low`, `${label} high`],
        t.bars.map((b) => [inputLabel(b.input), ...formatInputValues(b.input, [b.low_value, b.high_value]), value(b.low), value(b.high)]),
        new Set([1, 2, 3, 4])
      )
    )
    if (table !== undefined) {
      const tw = table
      yield* printLine(`\n${label} in ${tw.month === undefined ? "" : monthLabel(tw.month)}: rows ${inputLabel(tw.row_input)}, columns ${inputLabel(tw.col_input)}\n`)
      yield* printLine(
        formatTable(
          [`${inputLabel(tw.row_input)} \\ ${inputLabel(tw.col_input)}`, ...formatInputValues(tw.col_input, tw.cols)],
          formatInputValues(tw.row_input, tw.rows).map((r, j): ReadonlyArray<string> => [r, ...tw.values[j]!.map(value)]),
          new Set(tw.cols.map((_, j) => j + 1))
        )
      )
    }
  })
).pipe(Command.withDescription("Tornado: each input moved ±pct alone and its effect on one output; optionally a two-way table"))
