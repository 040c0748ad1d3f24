// Sensitivity: a tornado (each input moved −X% and +X% alone, its effect on one output in one month, largest first)
// and a two-way table (two inputs moved together over a grid). Every cell is a full deterministic run, from one
// compiled scenario (compiled.ts): a tornado of n inputs is 2n runs that each move one input, a table N×M runs.
import * as BigDecimal from "effect/BigDecimal"
import { divideRounded, formatMoney, formatPercent } from "../../model/index.ts"
import type { Sensitivity, TwoWay } from "./summaryContract.ts"
import { asDecimal, domainOf, type InputValue, type NamedInput, numericInputs, toDomain } from "../scenario/inputs.ts"
import type { LoadedScenario } from "../scenario/load.ts"
import { DRAW_DECIMALS } from "../scenario/uncertain.ts"
import { OUTPUT_CATALOGUE } from "./outputCatalogue.ts"
import { type Output, outputValue } from "./outputs.ts"
import { compileScenario } from "./compiled.ts"
import { monthKeyAt } from "./prepare.ts"
import { monthResultOf } from "./runFigures.ts"

const HUNDRED = BigDecimal.fromBigInt(100n)
const ONE = BigDecimal.fromBigInt(1n)

/** An output figure as text: money and percentages with their decimals, counts whole. */
export const outputText = (output: Output, v: BigDecimal.BigDecimal): string =>
  OUTPUT_CATALOGUE[output].unit === "pct" ? formatPercent(v) : OUTPUT_CATALOGUE[output].unit === "count" ? BigDecimal.format(v) : formatMoney(v)

export const inputText = (v: InputValue): string =>
  typeof v === "number" ? String(v) : BigDecimal.format(BigDecimal.normalize(v))

/** Runs of `loaded` that move some of `inputs` (the others stay at their values), each read as one output. */
const evaluator = (loaded: LoadedScenario, inputs: ReadonlyArray<NamedInput>, output: Output, monthIndex: number) => {
  const compiled = compileScenario(loaded.state, inputs.map((i) => ({ target: i.target, domain: domainOf(i.target), current: i.value })))
  const month = monthKeyAt(loaded.state.scenario.start, monthIndex)
  return (moves: ReadonlyArray<readonly [number, InputValue]>): BigDecimal.BigDecimal => {
    const values = inputs.map((i) => i.value)
    for (const [j, v] of moves) values[j] = v
    return outputValue(monthResultOf(compiled.run(values), monthIndex, month), output)
  }
}

/**
 * `value` × (1 + pct/100) at 6 decimals (half-even, the precision of a drawn input), held to the input's domain (rates
 * stay in [0, 1], users whole).
 */
export const moved = (input: NamedInput, pct: BigDecimal.BigDecimal): InputValue => {
  const factor = BigDecimal.sum(ONE, divideRounded(pct, HUNDRED, DRAW_DECIMALS + 2, "half-even"))
  const v = BigDecimal.multiply(asDecimal(input.value), factor)
  return toDomain(v.scale > DRAW_DECIMALS ? divideRounded(v, ONE, DRAW_DECIMALS, "half-even") : v, domainOf(input.target))
}

export interface TornadoOptions {
  readonly output: Output
  readonly monthIndex: number
  /** the move in percent of each input's value, e.g. 10 */
  readonly pct: BigDecimal.BigDecimal
  /** inputs to move (ids as `numericInputs` names them); default: all */
  readonly inputs?: ReadonlyArray<NamedInput>
  /** keep the largest bars only */
  readonly limit?: number
}

export interface TornadoJson extends Sensitivity {
  readonly pct: string
}

export const tornado = (loaded: LoadedScenario, options: TornadoOptions): TornadoJson => {
  const { output, monthIndex, pct } = options
  const inputs = options.inputs ?? numericInputs(loaded)
  const evaluate = evaluator(loaded, inputs, output, monthIndex)
  const base = evaluate([])
  const bars = inputs.map((input, j) => {
    const lowValue = moved(input, BigDecimal.negate(pct))
    const highValue = moved(input, pct)
    const low = evaluate([[j, lowValue]])
    const high = evaluate([[j, highValue]])
    const swing = BigDecimal.abs(BigDecimal.subtract(high, low))
    return { input, lowValue, highValue, low, high, swing }
  })
    .filter((b) => !BigDecimal.equals(b.low, base) || !BigDecimal.equals(b.high, base))
    // largest swing first; ties keep the input order, so the table is stable
    .sort((a, b) => BigDecimal.Order(b.swing, a.swing))
  const kept = options.limit === undefined ? bars : bars.slice(0, options.limit)
  return {
    output,
    month: monthKeyAt(loaded.state.scenario.start, monthIndex),
    pct: BigDecimal.format(pct),
    base: outputText(output, base),
    bars: kept.map((b) => ({
      input: b.input.id,
      low_value: inputText(b.lowValue),
      high_value: inputText(b.highValue),
      low: outputText(output, b.low),
      high: outputText(output, b.high)
    }))
  }
}

export interface TwoWayOptions {
  readonly row: NamedInput
  readonly col: NamedInput
  readonly output: Output
  readonly monthIndex: number
  /** moves in percent applied to both inputs, e.g. [-20, -10, 0, 10, 20] */
  readonly steps: ReadonlyArray<BigDecimal.BigDecimal>
}

export const twoWay = (loaded: LoadedScenario, options: TwoWayOptions): TwoWay => {
  const { row, col, output, monthIndex, steps } = options
  const rowValues = steps.map((s) => moved(row, s))
  const colValues = steps.map((s) => moved(col, s))
  const evaluate = evaluator(loaded, [row, col], output, monthIndex)
  const values = rowValues.map((rv) => colValues.map((cv) => outputText(output, evaluate([[0, rv], [1, cv]]))))
  return {
    row_input: row.id,
    col_input: col.id,
    rows: rowValues.map(inputText),
    cols: colValues.map(inputText),
    values,
    output,
    month: monthKeyAt(loaded.state.scenario.start, monthIndex)
  }
}
