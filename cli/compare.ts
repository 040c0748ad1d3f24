// `econ compare A B [--out DIR] [--json]`: two scenarios side by side on the months both cover, the difference B − A
// per month and at the last common month, and with --out a report whose every chart shows both.
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Command } from "effect/cli"
import { OUTPUT_CATALOGUE } from "../scenarios/engine/outputCatalogue.ts"
import { type Output, outputValue } from "../scenarios/engine/outputs.ts"
import type { Projection } from "../scenarios/engine/project.ts"
import { projectScenario } from "../scenarios/engine/runScenario.ts"
import { outputText } from "../scenarios/engine/sensitivity.ts"
import { projectionRows, type SummaryJson, summaryJson } from "../scenarios/engine/summaryJson.ts"
import { monthLabel } from "../scenarios/report/format.ts"
import { figureCell, formatTable, jsonFlag, printJson, printLine, printNote, UsageError } from "./common.ts"
import { engineTry, outFlag, scenarioArgument, useScenario, writeReportDir } from "./scenarioCommon.ts"

const FIGURES: ReadonlyArray<Output> = ["paying_users", "revenue", "variable_costs", "gross_profit", "gross_margin_pct", "net_profit", "cumulative_net_profit"]

export interface Difference {
  readonly month: string
  readonly figure: Output
  readonly a: string | null
  readonly b: string | null
  /** b − a, exact; null when a figure has no value (a margin without revenue) */
  readonly difference: string | null
}

/** The months both scenarios cover, in order: the only months a comparison can speak of. */
export const commonMonths = (a: Projection, b: Projection): ReadonlyArray<string> => {
  const inB = new Set(b.input.monthKeys)
  return a.input.monthKeys.filter((m) => inB.has(m))
}

/** B − A for each figure in each month both scenarios cover (months matched by calendar month). */
export const differences = (a: Projection, b: Projection): ReadonlyArray<Difference> => {
  const out: Array<Difference> = []
  for (const month of commonMonths(a, b)) {
    const ma = a.months.find((m) => m.month === month)!
    const mb = b.months.find((m) => m.month === month)!
    for (const figure of FIGURES) {
      // a margin without revenue has no value (n/a), so it has no difference either
      const noValue = (m: typeof ma) => OUTPUT_CATALOGUE[figure].unit === "pct" && BigDecimal.isZero(m.revenue)
      const va = noValue(ma) ? undefined : outputValue(ma, figure)
      const vb = noValue(mb) ? undefined : outputValue(mb, figure)
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

const span = (p: Projection) => `${monthLabel(p.input.monthKeys[0]!)} – ${monthLabel(p.input.monthKeys.at(-1)!)} (${p.input.monthKeys.length} months)`

/** Why the two runs are not like for like, if they are not: each difference is a warning on stderr. */
export const comparisonWarnings = (a: Projection, b: Projection): ReadonlyArray<string> => {
  const [ka, kb] = [a.input.monthKeys, b.input.monthKeys]
  const warnings: Array<string> = []
  if (ka[0] !== kb[0]) warnings.push(`A starts ${monthLabel(ka[0]!)} and B ${monthLabel(kb[0]!)}: cumulative figures count from different months`)
  if (ka.length !== kb.length || ka.at(-1) !== kb.at(-1)) warnings.push(`A covers ${span(a)} and B ${span(b)}: only the months both cover are compared`)
  return warnings
}

/** A summary cut to the given months (its break-even months kept only when they fall among them). */
const onMonths = (s: SummaryJson, months: ReadonlySet<string>): SummaryJson => {
  const keep = (m: string | null) => (m !== null && months.has(m) ? m : null)
  return {
    ...s,
    months: s.months.filter((m) => months.has(m.month)),
    break_even_month: keep(s.break_even_month),
    break_even_sustained_month: keep(s.break_even_sustained_month),
    relapses: s.relapses.filter((r) => months.has(r.from)),
    payback_month: keep(s.payback_month)
  }
}

export const compareCommand = Command.make(
  "compare",
  { a: scenarioArgument("a"), b: scenarioArgument("b"), out: outFlag, json: jsonFlag },
  Effect.fn(function*({ a, b, out, json }) {
    const la = yield* useScenario(a)
    const lb = yield* useScenario(b)
    const pa = yield* engineTry(() => projectScenario(la))
    const pb = yield* engineTry(() => projectScenario(lb))
    const common = commonMonths(pa, pb)
    if (common.length === 0) {
      return yield* new UsageError({ message: `A covers ${span(pa)} and B ${span(pb)}: no month in common to compare; give both the same start and horizon` })
    }
    const warnings = comparisonWarnings(pa, pb)
    for (const w of warnings) yield* printNote(`warning: ${w}`)
    const diffs = differences(pa, pb)
    const first = common[0]!
    const last = common.at(-1)!
    const commonText = `the ${common.length} months both cover, ${monthLabel(first)} – ${monthLabel(last)}`
    if (Option.isSome(out)) {
      const months = new Set(common)
      yield* writeReportDir(out.value, {
        summary: onMonths(summaryJson(pb), months),
        rows: projectionRows(pb).filter((r) => months.has(r.month)),
        baseline: onMonths(summaryJson(pa), months),
        comparisonOnly: true,
        notes: [
          `A = ${la.name} (${a}); B = ${lb.name} (${b}); compared over ${commonText}; differences are B − A, exact to the cent.`,
          ...warnings.map((w) => `Warning: ${w}.`)
        ]
      })
    }
    if (json) return yield* printJson({ a: la.name, b: lb.name, months: { from: first, to: last, count: common.length }, warnings, differences: diffs })
    yield* printLine(`A = ${la.name}\nB = ${lb.name}\nCompared over ${commonText}.\n`)
    const step = Math.max(1, Math.ceil(common.length / 12))
    const shown = common.filter((_, j) => j % step === step - 1 || j === common.length - 1)
    // a difference of two percentages is in percentage points
    const cell = (d: Difference | undefined) => {
      const unit = OUTPUT_CATALOGUE[d?.figure ?? "revenue"].unit
      return unit === "pct" ? (d?.difference == null ? "n/a" : `${d.difference} pts`) : figureCell(unit, d?.difference)
    }
    yield* printLine(
      formatTable(
        ["month", ...FIGURES.map((f) => `Δ ${OUTPUT_CATALOGUE[f].label.toLowerCase()}`)],
        shown.map((m) => [monthLabel(m), ...FIGURES.map((f) => cell(diffs.find((d) => d.month === m && d.figure === f)))]),
        new Set(FIGURES.map((_, j) => j + 1))
      )
    )
    const at = (d: Difference["figure"], side: "a" | "b") => figureCell("usd", diffs.find((x) => x.month === last && x.figure === d)?.[side])
    const be = (p: Projection) => (p.breakEvenIndex < 0 ? "not within the horizon" : monthLabel(p.input.monthKeys[p.breakEvenIndex]!))
    yield* printLine(
      `\nCumulative net profit at ${monthLabel(last)}: A ${at("cumulative_net_profit", "a")}, B ${at("cumulative_net_profit", "b")}.` +
        `\nBreak-even: A ${be(pa)}, B ${be(pb)}.`
    )
  })
).pipe(Command.withDescription("Compare two scenarios on the months both cover: B − A per month, and a report with --out"))
