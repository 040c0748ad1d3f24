// `econ goalseek FILE --vary INPUT --target "gross_margin_pct>=70" [--month 12 | --by 12] [--min X] [--max Y] [--step S]`:
// which price, how many users, what churn reaches a target, by bisection over the engine.
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Command, Flag } from "effect/cli"
import { type Goal, goalSeek, type GoalSeekResult, parseGoal, type Trial } from "../scenarios/engine/goalSeek.ts"
import { OUTPUT_CATALOGUE } from "../scenarios/engine/outputCatalogue.ts"
import { monthLabel } from "../scenarios/report/format.ts"
import { inputLabel } from "../scenarios/engine/inputLabel.ts"
import { formatInputValues } from "../scenarios/report/inputLabel.ts"
import { projectScenario } from "../scenarios/engine/runScenario.ts"
import { numericInputs, resolveInput } from "../scenarios/scenario/inputs.ts"
import { figureCell, Findings, jsonFlag, printJson, printLine, UsageError } from "./common.ts"
import { decimalFlag, engineTry, monthFlag, monthIndex, scenarioArgument, useScenario } from "./scenarioCommon.ts"

const varyFlag = Flag.String("vary").pipe(
  Flag.withDescription("Input to solve for, e.g. sheet.tiers.pro.price, users.start.pro, users.churn.pro")
)
const targetFlag = Flag.String("target").pipe(Flag.withDescription('Goal, e.g. "gross_margin_pct>=70", "net_profit>0"'))
const byFlag = Flag.String("by").pipe(
  Flag.withDescription("Met in any month up to this one (1-based or YYYY-MM), instead of in --month"),
  Flag.optional
)
const decimalOption = (name: string, what: string) => Flag.String(name).pipe(Flag.withDescription(what), Flag.optional)

/** The result in the one table format: the input's friendly name and value, the output's label, money in dollars. */
const describe = (r: GoalSeekResult, goal: Goal): string => {
  const unit = OUTPUT_CATALOGUE[goal.output].unit
  const input = inputLabel(r.input)
  const value = (v: string) => formatInputValues(r.input, [v])[0]!
  const figure = (t: Trial) => `${figureCell(unit, t.figure)} in ${monthLabel(t.month)}`
  const target = `${OUTPUT_CATALOGUE[goal.output].label} ${goal.op.replace(">=", "≥").replace("<=", "≤")} ${figureCell(unit, BigDecimal.format(goal.target))}`
  switch (r._tag) {
    case "Found":
      return `${input} ${r.side} ${value(r.at.value)} reaches ${target}: ${figure(r.at)} at ${value(r.at.value)}.\n` +
        `At ${value(r.before.value)} it does not (${figure(r.before)}). ${r.evaluations} engine runs.`
    case "MetEverywhere":
      return `${target} holds over the whole range: ${input} = ${value(r.atMin.value)} gives ${figure(r.atMin)}, ` +
        `${value(r.atMax.value)} gives ${figure(r.atMax)}. Widen --min/--max to find a boundary.`
    case "NotInRange":
      return `${target} is not reached for ${input} between ${value(r.atMin.value)} (${figure(r.atMin)}) and ` +
        `${value(r.atMax.value)} (${figure(r.atMax)}). Widen --min/--max or choose another input.`
  }
}

export const goalseekCommand = Command.make(
  "goalseek",
  {
    file: scenarioArgument(),
    vary: varyFlag,
    target: targetFlag,
    month: monthFlag,
    by: byFlag,
    min: decimalOption("min", "Lowest value to try (default: the input's lower bound)"),
    max: decimalOption("max", "Highest value to try (default: its upper bound, else 10 × its value)"),
    step: decimalOption("step", "Grid step (default: 1 for counts, 0.0001 for rates and shares, 0.01 for money)"),
    json: jsonFlag
  },
  Effect.fn(function*({ file, vary, target, month, by, min, max, step, json }) {
    const loaded = yield* useScenario(file)
    const goal = parseGoal(target)
    if (typeof goal === "string") return yield* new UsageError({ message: `--target: ${goal}` })
    const input = resolveInput(loaded, vary)
    if (input === undefined) {
      return yield* new UsageError({
        message: `--vary: "${vary}" is not a numeric input of this scenario; inputs: ${numericInputs(loaded).map((i) => i.id).join(", ")}`
      })
    }
    const p = yield* engineTry(() => projectScenario(loaded))
    const i = yield* monthIndex(p, Option.isSome(by) ? by : month)
    const opt = (name: string, o: Option.Option<string>) =>
      Option.isSome(o) ? decimalFlag(name, o.value).pipe(Effect.map(Option.some)) : Effect.succeed(Option.none<BigDecimal.BigDecimal>())
    const lo = yield* opt("min", min)
    const hi = yield* opt("max", max)
    const st = yield* opt("step", step)
    if (Option.isSome(st) && !BigDecimal.isPositive(st.value)) return yield* new UsageError({ message: "--step: expected a number > 0" })
    if (Option.isSome(lo) && Option.isSome(hi) && BigDecimal.isGreaterThan(lo.value, hi.value)) {
      return yield* new UsageError({ message: "--min: expected a value ≤ --max" })
    }
    const result = yield* engineTry(() =>
      goalSeek(loaded, {
        input,
        goal,
        monthIndex: i,
        by: Option.isSome(by),
        ...(Option.isSome(lo) ? { min: lo.value } : {}),
        ...(Option.isSome(hi) ? { max: hi.value } : {}),
        ...(Option.isSome(st) ? { step: st.value } : {})
      })
    )
    if (json) yield* printJson(result)
    else yield* printLine(describe(result, goal))
    if (result._tag === "NotInRange") return yield* new Findings({ count: 1 })
  })
).pipe(Command.withDescription("Goal seek: the value of one input at which an output reaches a target (bisection over the engine)"))
