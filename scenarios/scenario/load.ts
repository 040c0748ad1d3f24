// Loading a scenario: read the YAML file and the sheet it inherits at the edge, then decode them (decode.ts).
import { dirname, resolve } from "node:path"
import * as Result from "effect/Result"
import { DEFAULT_SHEET_PATH, readYamlFile } from "../../io/sheetFile.ts"
import { decodeScenario, isRecord, type LoadedScenario, type ScenarioError, scenarioError } from "./decode.ts"

export {
  decodeScenario,
  type InputTarget,
  type LoadedScenario,
  ScenarioError,
  type ScenarioInput,
  type ScenarioSource,
  type ScenarioState
} from "./decode.ts"

/** Read a scenario file and the sheet it names (relative to the file; default: the plan's sheet), then decode. */
export const loadScenario = (file: string): Result.Result<LoadedScenario, ScenarioError> => {
  const raw = readYamlFile(file)
  if (Result.isFailure(raw)) return Result.fail(scenarioError(file, [raw.failure.message.replace(`${file}: `, "")]))
  const tree = raw.success
  const named = isRecord(tree) && typeof tree["sheet"] === "string" ? tree["sheet"] : undefined
  const sheetFile = named === undefined ? DEFAULT_SHEET_PATH : resolve(dirname(file), named)
  const sheetRaw = readYamlFile(sheetFile)
  if (Result.isFailure(sheetRaw)) return Result.fail(scenarioError(file, [`sheet: ${sheetRaw.failure.message}`]))
  return decodeScenario({ file, tree, sheetFile, sheetTree: sheetRaw.success })
}

