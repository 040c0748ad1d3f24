// The figures a CFO signs, on the shipped scenarios: sustained break-even and relapses, one verdict for "positive unit
// economics at 100 users", one support rule with the model.
import * as Result from "effect/Result"
import { describe, expect, it } from "vitest"
import { formatMoney, unitEconomics } from "../../model/index.ts"
import { loadSheet } from "../../io/sheetFile.ts"
import { formatSummaryTable } from "../report/summaryTable.ts"
import { loadScenario } from "../scenario/load.ts"
import { evaluateChecks } from "./checks.ts"
import { projectScenario } from "./runScenario.ts"
import { summaryJson } from "./summaryJson.ts"
import { scenarioOf } from "./testScenario.ts"

const load = (file: string) => Result.getOrThrow(loadScenario(new URL(`../${file}`, import.meta.url).pathname))

describe("sustained break-even", () => {
  const summary = summaryJson(projectScenario(load("mixed-growth-36m.yaml")))

  it("mixed-growth breaks even in May 2026, loses again in Jul–Aug after the fixed-cost step, for good from Sep", () => {
    expect(summary.break_even_month).toBe("2026-05")
    expect(summary.break_even_sustained_month).toBe("2026-09")
    expect(summary.relapses).toEqual([{ from: "2026-07", to: "2026-08" }])
    expect(summary.months.filter((m) => m.net_profit.startsWith("-") && m.month > "2026-05").map((m) => [m.month, m.net_profit]))
      .toEqual([["2026-07", "-3606.54"], ["2026-08", "-402.39"]])
  })

  it("the CLI table flags the relapse though it shows every third month", () => {
    const text = formatSummaryTable(summary)
    expect(text).toContain("Break-even: May 2026 (month 5); net loss again in Jul–Aug 2026")
    expect(text).toContain("Sustained break-even (net profit ≥ 0 to the horizon): Sep 2026 (month 9)")
  })
})

describe("one rule per question", () => {
  it("q2-2025-targets: 'positive unit economics at 100 users' is decided by the model's verdict, as in the audit", () => {
    const loaded = load("q2-2025-targets.yaml")
    const checks = evaluateChecks(projectScenario(loaded), loaded.state.scenario.checks ?? [])
    expect(checks.find((c) => c.name === "positive unit economics at 100 users")).toMatchObject({ pass: true, value: "$32.70 per paying user in 2025-01 (102 paying)" })
  })

  it("support: 10 Free + 1 Pro book $5.00 in a scenario and in the break-even model", () => {
    const p = projectScenario(scenarioOf({ horizon_months: 1, users: { start: { free: 10, pro: 1 } } }))
    const support = p.months[0]!.lines.at(-1)!
    const sheet = Result.getOrThrow(loadSheet())
    expect([formatMoney(support), formatMoney(unitEconomics(sheet, { free: 10n, pro: 1n }, 11n, { withSupport: true }).support)]).toEqual(["5.00", "5.00"])
  })
})
