// Goal seek: the value of one input (a price, starting users, a churn rate) at which an output reaches a target in a
// given month, by bisection over a grid of the input (cents, whole users, 0.01% of a rate) with the engine as oracle.
import * as BigDecimal from "effect/BigDecimal"
import { divideRounded, formatFixed } from "../../model/index.ts"
import { asDecimal, domainOf, type InputValue, type NamedInput, toDomain } from "../scenario/inputs.ts"
import type { LoadedScenario } from "../scenario/load.ts"
import { isOutput, type Output, OUTPUTS, outputRatio, outputValue } from "./outputs.ts"
import { compileScenario } from "./compiled.ts"
import type { MonthResult } from "./project.ts"
import { monthResultOf } from "./runFigures.ts"
import { inputText, outputText } from "./sensitivity.ts"

export type Comparison = ">=" | "<=" | ">" | "<"

export interface Goal {
  readonly output: Output
  readonly op: Comparison
  readonly target: BigDecimal.BigDecimal
}

/** "gross_margin_pct>=70", "net_profit > 0", "paying_users>=500"; a message when malformed. */
export const parseGoal = (text: string): Goal | string => {
  const m = /^\s*([a-z_]+)\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*%?\s*$/.exec(text)
  if (!m) return `expected OUTPUT>=VALUE (or <=, >, <), e.g. "gross_margin_pct>=70"; got "${text}"`
  const output = m[1]!
  if (!isOutput(output)) return `unknown output "${output}": use one of ${OUTPUTS.join(", ")}`
  return { output, op: m[2] as Comparison, target: BigDecimal.fromStringUnsafe(m[3]!) }
}

export const goalText = (g: Goal): string => `${g.output} ${g.op} ${BigDecimal.format(g.target)}`

export interface GoalSeekOptions {
  readonly input: NamedInput
  readonly goal: Goal
  readonly monthIndex: number
  /** met in any month up to monthIndex ("by month 12") rather than in that month */
  readonly by?: boolean
  readonly min?: BigDecimal.BigDecimal
  readonly max?: BigDecimal.BigDecimal
  /** grid step; default: 1 for whole inputs, 0.0001 for shares and rates, 0.01 otherwise (money) */
  readonly step?: BigDecimal.BigDecimal
}

export interface Trial {
  readonly value: string
  /** the output in the month evaluated (with `by`: the first month that met the goal, else the last) */
  readonly figure: string
  readonly month: string
  readonly meets: boolean
}

export type GoalSeekResult =
  | {
    readonly _tag: "Found"
    readonly input: string
    readonly goal: string
    /** the goal holds on this side of `at`: "≥" (larger values meet it) or "≤" */
    readonly side: "≥" | "≤"
    readonly at: Trial
    readonly before: Trial
    readonly evaluations: number
  }
  | { readonly _tag: "MetEverywhere"; readonly input: string; readonly goal: string; readonly atMin: Trial; readonly atMax: Trial; readonly evaluations: number }
  | { readonly _tag: "NotInRange"; readonly input: string; readonly goal: string; readonly atMin: Trial; readonly atMax: Trial; readonly evaluations: number }

const compare = (op: Comparison, num: BigDecimal.BigDecimal, bound: BigDecimal.BigDecimal): boolean => {
  switch (op) {
    case ">=":
      return BigDecimal.isGreaterThanOrEqualTo(num, bound)
    case "<=":
      return BigDecimal.isLessThanOrEqualTo(num, bound)
    case ">":
      return BigDecimal.isGreaterThan(num, bound)
    case "<":
      return BigDecimal.isLessThan(num, bound)
  }
}

const dec = (s: string) => BigDecimal.fromStringUnsafe(s)

/** Percentages at three decimals: next to a target of 70, "70.0" would hide whether 69.995 or 70.04 was reached. */
const figureText = (output: Output, m: MonthResult): string => {
  const r = outputRatio(m, output)
  return output.endsWith("_pct") && r !== undefined
    ? formatFixed(divideRounded(r.num, r.den, 3, "half-even"), 3)
    : outputText(output, outputValue(m, output))
}

export const goalSeek = (loaded: LoadedScenario, options: GoalSeekOptions): GoalSeekResult => {
  const { input, goal, monthIndex } = options
  const domain = domainOf(input.target)
  const current = asDecimal(input.value)
  const step = options.step ?? (domain.whole ? dec("1") : domain.max !== undefined || domain.decimals !== undefined ? dec("0.0001") : dec("0.01"))
  const min = options.min ?? domain.min
  const max = options.max ?? domain.max ??
    (BigDecimal.isPositive(current) ? BigDecimal.multiply(current, dec("10")) : BigDecimal.multiply(step, dec("10000")))
  const steps = divideRounded(BigDecimal.subtract(max, min), step, 0, "floor").value
  let evaluations = 0
  // every trial moves the one input: compiled once (compiled.ts), each trial recomputes only what it touches
  const compiled = compileScenario(loaded.state, [{ target: input.target, domain, current: input.value }])
  const keys = compiled.input.monthKeys

  const trial = (k: bigint): Trial => {
    evaluations++
    const raw = BigDecimal.sum(min, BigDecimal.multiply(step, BigDecimal.fromBigInt(k)))
    const value: InputValue = toDomain(raw, domain)
    const f = compiled.run([value])
    const month = (i: number) => monthResultOf(f, i, keys[i]!)
    const last = monthIndex
    const first = options.by === true ? 0 : monthIndex
    let at = last
    let meets = false
    for (let i = first; i <= last; i++) {
      const r = outputRatio(month(i), goal.output)
      if (r !== undefined && compare(goal.op, r.num, BigDecimal.multiply(goal.target, r.den))) {
        meets = true
        at = i
        break
      }
    }
    return { value: inputText(value), figure: figureText(goal.output, month(at)), month: keys[at]!, meets }
  }

  const head = { input: input.id, goal: goalText(goal) }
  const atMin = trial(0n)
  const atMax = trial(steps)
  if (atMin.meets === atMax.meets) {
    return atMin.meets ? { _tag: "MetEverywhere", ...head, atMin, atMax, evaluations } : { _tag: "NotInRange", ...head, atMin, atMax, evaluations }
  }
  // invariant: `miss` fails, `hit` meets; the answer is the grid value next to the boundary on the meeting side
  let miss = atMin.meets ? steps : 0n
  let hit = atMin.meets ? 0n : steps
  let missTrial = atMin.meets ? atMax : atMin
  let hitTrial = atMin.meets ? atMin : atMax
  while ((hit > miss ? hit - miss : miss - hit) > 1n) {
    const mid = (hit + miss) / 2n
    const t = trial(mid)
    if (t.meets) {
      hit = mid
      hitTrial = t
    } else {
      miss = mid
      missTrial = t
    }
  }
  return { _tag: "Found", ...head, side: hit > miss ? "≥" : "≤", at: hitTrial, before: missTrial, evaluations }
}
