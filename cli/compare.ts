// `econ compare A B [--out DIR] [--json]`: two scenarios side by side, the difference B − A per month and at the end,
// and with --out a report of B with A as its baseline (difference table and charts).
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Command } from "effect/cli"
import { formatMoney } from "../model/index.ts"
import { type Output, outputValue } from "../scenarios/engine/outputs.ts"
import type { Projection } from "../scenarios/engine/project.ts"
import { projectScenario } from "../scenarios/engine/runScenario.ts"
import { outputText } from "../scenarios/engine/sensitivity.ts"
import { projectionRows, summaryJson } from "../scenarios/engine/summaryJson.ts"
import { formatTable, jsonFlag, printJson, printLine } from "./common.ts"
import { engineTry, outFlag, scenarioArgument, useScenario, writeReportDir } from "./scenarioCommon.ts"

const FIGURES: ReadonlyArray<Output> = ["paying_users", "revenue", "variable_costs", "gross_profit", "gross_margin_pct", "net_profit", "cumulative_net_profit"]

export interface Difference {
  readonly month: string
  readonly figure: Output
  readonly a: string | null
  readonly b: string | null
  /** b − a, exact; null when a month is in one scenario only */
  readonly difference: string | null
}

/** B − A for each figure in every month either scenario covers (months matched by calendar month). */
export const differences = (a: Projection, b: Projection): ReadonlyArray<Difference> => {
  const months = [...new Set([...a.input.monthKeys, ...b.input.monthKeys])].sort()
  const out: Array<Difference> = []
  for (const month of months) {
    const ma = a.months.find((m) => m.month === month)
    const mb = b.months.find((m) => m.month === month)
    for (const figure of FIGURES) {
      const va = ma === undefined ? undefined : outputValue(ma, figure)
      const vb = mb === undefined ? undefined : outputValue(mb, figure)
      out.push({
        month,
        figure,
        a: va === undefined ? null : outputText(figure, va),
        b: vb === undefined ? null : outputText(figure, vb),
        difference: va === undefined || vb === undefined ? null : outputText(figure, BigDecimal.subtract(vb, va))
      })
    }
  }
  return out
}

export const compareCommand = Command.make(
  "compare",
  { a: scenarioArgument("a"), b: scenarioArgument("b"), out: outFlag, json: jsonFlag },
  Effect.fn(function*({ a, b, out, json }) {
    const la = yield* useScenario(a)
    const lb = yield* useScenario(b)
    const pa = yield* engineTry(() => projectScenario(la))
    const pb = yield* engineTry(() => projectScenario(lb))
    const diffs = differences(pa, pb)
    if (Option.isSome(out)) {
      yield* writeReportDir(out.value, {
        summary: summaryJson(pb),
        rows: projectionRows(pb),
        baseline: summaryJson(pa),
        notes: [`A = ${la.name} (${a}); B = ${lb.name} (${b}); differences are B − A, exact to the cent.`]
      })
    }
    if (json) return yield* printJson({ a: la.name, b: lb.name, differences: diffs })
    const last = (p: Projection) => p.months[p.months.length - 1]!
    yield* printLine(`A = ${la.name}\nB = ${lb.name}\n`)
    const step = Math.max(1, Math.ceil(Math.max(pa.months.length, pb.months.length) / 12))
    const months = [...new Set(diffs.map((d) => d.month))].filter((_, j, all) => j % step === step - 1 || j === all.length - 1)
    const cell = (d: Difference | undefined) => (d?.difference ?? "")
    yield* printLine(
      formatTable(
        ["month", ...FIGURES.map((f) => `Δ ${f}`)],
        months.map((m) => [m, ...FIGURES.map((f) => cell(diffs.find((d) => d.month === m && d.figure === f)))]),
        new Set(FIGURES.map((_, j) => j + 1))
      )
    )
    const ea = last(pa)
    const eb = last(pb)
    yield* printLine(
      `\nCumulative net profit: A ${formatMoney(ea.cumulativeNetProfit)} (${ea.month}), B ${formatMoney(eb.cumulativeNetProfit)} (${eb.month}).` +
        `\nBreak-even: A ${pa.breakEvenIndex < 0 ? "never" : pa.input.monthKeys[pa.breakEvenIndex]}, ` +
        `B ${pb.breakEvenIndex < 0 ? "never" : pb.input.monthKeys[pb.breakEvenIndex]}.`
    )
  })
).pipe(Command.withDescription("Compare two scenarios: the difference B − A per month, and a report with --out"))
