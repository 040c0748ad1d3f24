// One evaluation of the what-if page: the scenario tree decoded and projected by the engine `econ run` uses, with the
// figures the page shows. Pure (no DOM, no I/O): the page runs it in the browser, tests run it in Node.
import * as Result from "effect/Result"
import { decodeScenario, type LoadedScenario, type ScenarioError, scenarioError, type ScenarioSource } from "../scenario/decode.ts"
import { evaluateChecks } from "../engine/checks.ts"
import { EngineRangeError } from "../engine/flows.ts"
import { prepare } from "../engine/prepare.ts"
import { project, type Projection } from "../engine/project.ts"
import type { Check } from "../engine/summaryContract.ts"
import { type SummaryJson, summaryJson } from "../engine/summaryJson.ts"

export interface WhatIf {
  readonly loaded: LoadedScenario
  readonly projection: Projection
  readonly summary: SummaryJson
  readonly checks: ReadonlyArray<Check>
}

export const evaluateWhatIf = (source: ScenarioSource): Result.Result<WhatIf, ScenarioError> =>
  Result.flatMap(decodeScenario(source), (loaded) => {
    try {
      const projection = project(prepare(loaded.state))
      return Result.succeed({
        loaded,
        projection,
        summary: summaryJson(projection),
        checks: evaluateChecks(projection, loaded.state.scenario.checks ?? [])
      })
    } catch (e) {
      if (e instanceof EngineRangeError) return Result.fail(scenarioError(source.file, [e.message]))
      throw e
    }
  })
