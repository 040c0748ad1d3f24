// The scenario as an XLSX workbook of live formulas (modelWorkbook.ts), written atomically.
import { randomUUID } from "node:crypto"
import { rename, rm, writeFile } from "node:fs/promises"
import type { ScenarioRun } from "../engine/runScenario.ts"
import { modelWorkbook } from "./modelWorkbook.ts"
import { xlsxBytes } from "./writeXlsx.ts"

export { modelWorkbook, type ModelWorkbook } from "./modelWorkbook.ts"
export { xlsxBytes } from "./writeXlsx.ts"

/** Writes `run` as an XLSX file at `path` (a temp file beside it, renamed into place); returns the deviations listed. */
export const writeModelXlsx = async (run: ScenarioRun, path: string): Promise<ReadonlyArray<string>> => {
  const wb = modelWorkbook(run)
  const bytes = await xlsxBytes(wb)
  const tmp = `${path}.tmp-${randomUUID()}`
  try {
    await writeFile(tmp, bytes, { flag: "wx" })
    await rename(tmp, path)
  } catch (e) {
    await rm(tmp, { force: true })
    throw e
  }
  return wb.deviations
}
