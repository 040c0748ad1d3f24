// # 03 — Growth scenarios
// The plan's 1,000 Pro users line by line, its Q2 success metrics pass/fail, and 36 months of mixed growth with the
// uncertainty shown (Monte Carlo bands and the probability of having broken even).
import * as Result from "effect/Result"
import { fileURLToPath } from "node:url"
import {
  breakEven,
  breakEvenProbability,
  loadScenario,
  monthLabel,
  monteCarloFan,
  renderChart,
  revenueCosts,
  runScenario,
  type ScenarioRun,
  type ScenarioSummary
} from "../scenarios/index.ts"
import { formatUsd, money } from "../model/index.ts"
import { Notebook } from "./notebook.ts"

const scenarioFile = (name: string) => fileURLToPath(new URL(`../scenarios/${name}`, import.meta.url))

const run = async (name: string, runs: number): Promise<ScenarioRun> => {
  const loaded = loadScenario(scenarioFile(name))
  if (Result.isFailure(loaded)) throw new Error(loaded.failure.message)
  return runScenario(loaded.success, { runs, seed: 20260101, workers: 1, tornado: false })
}

export const growthNotebook = async (options: { readonly runs?: number } = {}): Promise<Notebook> => {
  const runs = options.runs ?? 2000
  const nb = new Notebook("03 — Growth scenarios")
  nb.md`# 03 — Growth scenarios

Three of the shipped scenarios (\`scenarios/*.yaml\`), run by the same engine as \`econ run\`: exact to the cent, users
whole, each cost line booked once a month (half-even).`

  const plan = await run("plan-pro-1000.yaml", 0)
  nb.md`## The plan's 1,000 Pro users

The plan projects $34,000 of monthly net profit from 1,000 Pro users. Recomputed line by line from the sheet:`
  nb.table(
    ["item", "plan", "engine", "difference", "why"],
    (plan.planLines ?? []).map((l) => {
      // the margin line is a percentage, every other line money
      const show = (v: string | null) => (v === null ? "—" : l.item.endsWith("%") ? `${v} %` : formatUsd(money(v)))
      return [l.item.replace(/^./, (c) => c.toUpperCase()), show(l.plan), show(l.engine), show(l.difference), l.why]
    }),
    [1, 2, 3]
  )

  const q2 = await run("q2-2025-targets.yaml", 0)
  nb.md`## The plan's success metrics (Q2 2025)

Evaluated on the growth path in \`scenarios/q2-2025-targets.yaml\` (an assumption: the plan gives targets, not a path).`
  nb.table(["metric", "target", "value", "result"], q2.checks.map((c) => [c.name, c.target, c.value, c.pass ? "pass" : "FAIL"]))

  const mixed = await run("mixed-growth-36m.yaml", runs)
  const s: ScenarioSummary = mixed.summary
  nb.md`## Mixed growth over 36 months

All five tiers, with sign-ups, conversion, upgrades, churn, usage ramps and fixed-cost steps; ${runs.toLocaleString("en-US")}
Monte Carlo runs over its uncertain inputs. Break-even month (net profit ≥ 0): **${mixed.summary.break_even_month === null ? "not reached" : monthLabel(mixed.summary.break_even_month)}**;
net profit stays ≥ 0 from **${mixed.summary.break_even_sustained_month === null ? "no month within the horizon" : monthLabel(mixed.summary.break_even_sustained_month)}** on.`
  nb.chart("mixed-revenue-costs", renderChart(revenueCosts.revenueCostsChart(s)))
  nb.chart("mixed-break-even", renderChart(breakEven.breakEvenChart(s)))
  nb.chart("mixed-fan", renderChart(monteCarloFan.monteCarloFanChart(s, { figure: "cumulative_net_profit" })))
  nb.chart("mixed-p-break-even", renderChart(breakEvenProbability.breakEvenProbabilityChart(s)))
  for (const note of mixed.notes) nb.md(note)
  return nb
}
