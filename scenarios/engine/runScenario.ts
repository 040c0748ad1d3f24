// Everything `econ run` produces for one scenario, in memory: the exact projection, its summary and CSV rows, the
// Monte Carlo bands, a tornado, the scenario's checks, the comparison it asks for, and notes for the report.
import * as BigDecimal from "effect/BigDecimal"
import { formatPercent, formatUsd, percent } from "../../model/index.ts"
import type { Check as ReportCheck, ProjectionRow } from "./summaryContract.ts"
import type { LoadedScenario } from "../scenario/load.ts"
import { evaluateChecks } from "./checks.ts"
import { inputLabel } from "./inputLabel.ts"
import { type MonteCarloJson, monteCarloOf } from "./monteCarlo.ts"
import type { Output } from "./outputs.ts"
import { planComparison, planComparisonNotes, type PlanLine } from "./planComparison.ts"
import { LINES, prepare } from "./prepare.ts"
import { project, type Projection } from "./project.ts"
import { tornado, type TornadoJson } from "./sensitivity.ts"
import { projectionRows, type SummaryJson, summaryJson } from "./summaryJson.ts"

export interface RunOptions {
  /** Monte Carlo runs; 0 = deterministic only */
  readonly runs: number
  readonly seed: number
  readonly workers?: number
  readonly onProgress?: (done: number, total: number) => void
  /** aborting stops a Monte Carlo run in progress (Ctrl-C) */
  readonly signal?: AbortSignal
  /** the tornado in the report (default: net profit in the last month, ±10%, 12 largest bars); false for none */
  readonly tornado?: { readonly output: Output; readonly pct: BigDecimal.BigDecimal; readonly limit: number } | false
}

export interface ScenarioSummaryJson extends SummaryJson {
  readonly monte_carlo?: MonteCarloJson
  readonly sensitivity?: TornadoJson
  readonly checks?: ReadonlyArray<ReportCheck>
  readonly plan_comparison?: ReadonlyArray<PlanLine>
}

export interface ScenarioRun {
  readonly loaded: LoadedScenario
  readonly projection: Projection
  readonly summary: ScenarioSummaryJson
  readonly rows: ReadonlyArray<ProjectionRow>
  readonly checks: ReadonlyArray<ReportCheck>
  readonly notes: ReadonlyArray<string>
  readonly planLines?: ReadonlyArray<PlanLine>
  /** the compare_to scenario, run deterministically: the report's baseline (A), this scenario being B */
  readonly baseline?: { readonly label: string; readonly summary: SummaryJson; readonly projection: Projection }
}

/** The deterministic projection with per-tier detail (for CSV rows). */
export const projectScenario = (loaded: LoadedScenario): Projection => project(prepare(loaded.state), { detail: true })

const DEFAULT_TORNADO = { output: "net_profit" as Output, pct: BigDecimal.fromBigInt(10n), limit: 12 }

export const runScenario = async (loaded: LoadedScenario, options: RunOptions): Promise<ScenarioRun> => {
  const projection = projectScenario(loaded)
  const base = summaryJson(projection)
  const rows = projectionRows(projection)
  const scenario = loaded.state.scenario
  const notes: Array<string> = []

  const monteCarlo = options.runs > 0
    ? await monteCarloOf(loaded, {
      runs: options.runs,
      seed: options.seed,
      ...(options.workers === undefined ? {} : { workers: options.workers }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      ...(options.signal === undefined ? {} : { signal: options.signal })
    })
    : undefined
  if (loaded.inputs.length > 0) {
    const named = loaded.inputs.map((i) => inputLabel(i.id)).join(", ")
    notes.push(
      monteCarlo === undefined
        ? `${loaded.inputs.length} inputs are uncertain (${named}); this run uses each ` +
          `distribution's point value. Run with --runs 10000 for their spread.`
        : `Monte Carlo: ${monteCarlo.runs} runs from seed ${monteCarlo.seed}, each drawing ${loaded.inputs.length} inputs ` +
          `(${named}); percentiles within ${monteCarlo.relative_accuracy * 100}% ` +
          `of the exact sample percentile. The table and CSV are the deterministic run (point values).`
    )
  }

  const t = options.tornado === false ? undefined : options.tornado ?? DEFAULT_TORNADO
  const sensitivity = t === undefined
    ? undefined
    : tornado(loaded, { output: t.output, pct: t.pct, limit: t.limit, monthIndex: projection.months.length - 1 })

  const checks = evaluateChecks(projection, scenario.checks ?? [])
  const planLines = scenario.plan_comparison === undefined ? undefined : planComparison(projection, loaded.state.sheet)
  if (planLines !== undefined) notes.push(...planComparisonNotes(planLines))

  let baseline: ScenarioRun["baseline"]
  if (loaded.variant !== undefined) {
    const vp = projectScenario(loaded.variant)
    baseline = { label: loaded.variant.name, summary: summaryJson(vp), projection: vp }
    const last = projection.months.length - 1
    const a = vp.months[Math.min(last, vp.months.length - 1)]!
    const b = projection.months[last]!
    const costDiff = BigDecimal.subtract(a.variableCosts, b.variableCosts)
    const storage = (m: typeof a) => BigDecimal.sum(m.lines[LINES.indexOf("hot_storage")]!, m.lines[LINES.indexOf("cold_storage")]!)
    const saved = percent(BigDecimal.subtract(storage(a), storage(b)), storage(a))
    notes.push(
      `Compared with "${loaded.variant.name}": in ${b.month} variable costs are ${formatUsd(b.variableCosts)} against ` +
        `${formatUsd(a.variableCosts)} (${BigDecimal.isNegative(costDiff) ? "" : "−"}${formatUsd(BigDecimal.abs(costDiff))}), ` +
        `net profit ${formatUsd(b.netProfit)} against ${formatUsd(a.netProfit)}; over the horizon, cumulative net profit ` +
        `${formatUsd(b.cumulativeNetProfit)} against ${formatUsd(a.cumulativeNetProfit)}. Storage (hot + cold) costs ` +
        `${formatUsd(storage(b))} against ${formatUsd(storage(a))} in ${b.month}` +
        `${saved === undefined ? "" : ` (${formatPercent(saved)}% less)`}.`
    )
  }
  notes.push(
    "Money is exact: each cost line and revenue is booked once a month for all tiers, rounded half-even to the cent; " +
      "per-tier CSV rows split the booked amount by largest remainder, so they add up to the month. Users are whole: " +
      "every flow carries its fraction into the next month."
  )

  const summary: ScenarioSummaryJson = {
    ...base,
    ...(monteCarlo === undefined ? {} : { monte_carlo: monteCarlo }),
    ...(sensitivity === undefined ? {} : { sensitivity }),
    ...(checks.length === 0 ? {} : { checks }),
    ...(planLines === undefined ? {} : { plan_comparison: planLines })
  }
  return {
    loaded,
    projection,
    summary,
    rows,
    checks,
    notes,
    ...(planLines === undefined ? {} : { planLines }),
    ...(baseline === undefined ? {} : { baseline })
  }
}

