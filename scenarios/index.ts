// The public face of the scenario runner: load a scenario file, run it (projection, Monte Carlo, tornado, checks),
// sensitivity and goal seek, and the report writers. Notebooks and other tools import from here.
export { DEFAULT_SHEET_PATH, loadSheet, readYamlFile, SheetFileError } from "../io/sheetFile.ts"
export { decodeScenario, type LoadedScenario, loadScenario, ScenarioError } from "./scenario/load.ts"
export { projectScenario, runScenario, type RunOptions, type ScenarioRun, type ScenarioSummaryJson } from "./engine/runScenario.ts"
export { OUTPUTS, type Output } from "./engine/outputs.ts"
export { tornado, twoWay } from "./engine/sensitivity.ts"
export { goalSeek, type GoalSeekResult, parseGoal } from "./engine/goalSeek.ts"
export { planComparison, type PlanLine } from "./engine/planComparison.ts"
export * from "./report/index.ts"
