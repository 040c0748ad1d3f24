// projection.csv of the shipped scenarios against committed golden files: any change to a rule, a rounding or a
// column shows up as a diff to review (update with `npx vitest run scenarios/golden.test.ts -u`).
import * as Result from "effect/Result"
import { describe, expect, it } from "vitest"
import { projectScenario } from "./engine/runScenario.ts"
import { projectionRows } from "./engine/summaryJson.ts"
import { projectionCsv } from "./report/csv.ts"
import { loadScenario } from "./scenario/load.ts"

const csvOf = (file: string) => projectionCsv(projectionRows(projectScenario(Result.getOrThrow(loadScenario(file)))))

describe("golden projection.csv", () => {
  for (const name of ["plan-pro-1000", "q2-2025-targets", "optimizations"]) {
    it(name, async () => {
      await expect(csvOf(`scenarios/${name}.yaml`)).toMatchFileSnapshot(`__golden__/${name}.projection.csv`)
    })
  }
})
