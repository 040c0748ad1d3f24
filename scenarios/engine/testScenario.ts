// Test helper: a scenario from an inline tree (as a YAML file would parse) on the plan's sheet, decoded or thrown.
import * as Result from "effect/Result"
import { decodeScenario, type LoadedScenario } from "../scenario/load.ts"
import { DEFAULT_SHEET_PATH, readYamlFile } from "../../io/sheetFile.ts"

const sheetTree = Result.getOrThrow(readYamlFile(DEFAULT_SHEET_PATH))

export const scenarioOf = (tree: Record<string, unknown>): LoadedScenario => {
  const r = decodeScenario({ file: "inline.yaml", tree: { name: "test", start: "2026-01", horizon_months: 12, ...tree }, sheetFile: DEFAULT_SHEET_PATH, sheetTree })
  if (Result.isFailure(r)) throw new Error(r.failure.message)
  return r.success
}

/** The failure message of a scenario that must not decode. */
export const scenarioError = (tree: Record<string, unknown>): string => {
  const r = decodeScenario({ file: "inline.yaml", tree, sheetFile: DEFAULT_SHEET_PATH, sheetTree })
  if (Result.isSuccess(r)) throw new Error("expected the scenario to be rejected")
  return r.failure.message
}
