// Reading a price sheet from disk (YAML or JSON) at the edge, so that model/ stays free of I/O.
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import YAML from "yaml"
import { decodeSheet, type Sheet } from "../model/index.ts"

/** The plan's sheet shipped in the repo: the default for every command. */
export const DEFAULT_SHEET_PATH = fileURLToPath(new URL("../model/price-sheet.yaml", import.meta.url))

/** A sheet file that could not be used: missing, unreadable, not YAML, or invalid (message names each bad field). */
export class SheetFileError extends Schema.TaggedError<SheetFileError>()("SheetFileError", {
  path: Schema.String,
  message: Schema.String
}) {}

/** Read and parse a YAML/JSON file into a plain tree; a failure names the file and the line. */
export const readYamlFile = (path: string): Result.Result<unknown, SheetFileError> => {
  let text: string
  try {
    text = readFileSync(path, "utf8")
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    return Result.fail(
      new SheetFileError({
        path,
        message: code === "ENOENT" ? `${path}: file not found` : `${path}: cannot read (${code ?? String(e)})`
      })
    )
  }
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true })
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!
    const where = e.linePos?.[0] ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : ""
    return Result.fail(new SheetFileError({ path, message: `${path}: not valid YAML${where}: ${e.message.split("\n")[0]}` }))
  }
  return Result.succeed(doc.toJS())
}

export const loadSheet = (path: string = DEFAULT_SHEET_PATH): Result.Result<Sheet, SheetFileError> =>
  Result.flatMap(readYamlFile(path), (raw) =>
    Result.mapError(decodeSheet(raw), (e) => new SheetFileError({ path, message: `${path}: ${e.message}` })))
