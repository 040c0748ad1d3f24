// Reading a price sheet from disk (YAML or JSON) at the edge, so that model/ stays free of I/O.
import { readFileSync, statSync } from "node:fs"
import { fileURLToPath } from "node:url"
import * as BigDecimal from "effect/BigDecimal"
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

/** A scenario is a few kB and the plan's sheet 8 kB: anything past this is a mistake (or an attack), refused at once. */
export const MAX_YAML_BYTES = 1_000_000
/** YAML aliases (`*a`) a file may expand, nested ones counted with their weight: a few are fine, a "billion laughs" is not. */
export const MAX_YAML_ALIASES = 100

const DECIMAL_TEXT = /^[-+]?(\d+(\.\d*)?|\.\d+)$/

/**
 * A number as written, when the float YAML parsed it into would not read back the same: `0.0000005` becomes 5e-7 and
 * `0.30000000000000001` becomes 0.3. Those stay text, so an exact decimal field reads what the author wrote (and a
 * rate with 7 decimals is refused for that reason, not for its exponent). Other numbers stay numbers.
 */
const exactNumberText = (value: number, source: string): string | undefined => {
  if (!DECIMAL_TEXT.test(source)) return undefined
  const text = source.replace(/^\+/, "").replace(/^(-?)\./, "$10.").replace(/\.$/, "")
  const shortest = String(value)
  if (!shortest.includes("e") && BigDecimal.equals(BigDecimal.fromStringUnsafe(shortest), BigDecimal.fromStringUnsafe(text))) return undefined
  return text
}

type Located = { readonly range?: readonly [number, number, number] | null | undefined }

/** Duplicate keys of every mapping, in one pass with a set per mapping (the parser's own check is quadratic in keys). */
const duplicateKey = (doc: YAML.Document.Parsed): { readonly key: string; readonly at: number } | undefined => {
  let found: { key: string; at: number } | undefined
  YAML.visit(doc, {
    Map(_, map) {
      const seen = new Set<string>()
      for (const pair of map.items) {
        const key = YAML.isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
        if (seen.has(key)) {
          found = { key, at: (pair.key as Located).range?.[0] ?? 0 }
          return YAML.visit.BREAK
        }
        seen.add(key)
      }
      return undefined
    },
    Scalar(_, node) {
      const source = (node.srcToken as { source?: string } | undefined)?.source
      if (typeof node.value === "number" && source !== undefined) {
        const text = exactNumberText(node.value, source)
        if (text !== undefined) node.value = text
      }
    }
  })
  return found
}

/**
 * Read and parse a YAML/JSON file into a plain tree; a failure names the file and the line. Linear in the file's
 * size, which is capped, and aliases are capped too, so no file can hang or exhaust the process.
 */
export const readYamlFile = (path: string): Result.Result<unknown, SheetFileError> => {
  const fail = (message: string) => Result.fail(new SheetFileError({ path, message: `${path}: ${message}` }))
  let text: string
  try {
    const size = statSync(path).size
    if (size > MAX_YAML_BYTES) {
      return fail(`${Math.round(size / 1e5) / 10} MB is more than the ${MAX_YAML_BYTES / 1e6} MB a scenario or price sheet may have (the plan's sheet is 8 kB)`)
    }
    text = readFileSync(path, "utf8")
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    return fail(code === "ENOENT" ? "file not found" : `cannot read (${code ?? String(e)})`)
  }
  const lines = new YAML.LineCounter()
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: false, keepSourceTokens: true, lineCounter: lines })
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!
    const where = e.linePos?.[0] ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : ""
    return fail(`not valid YAML${where}: ${e.message.split("\n")[0]}`)
  }
  const dup = duplicateKey(doc)
  if (dup !== undefined) {
    const pos = lines.linePos(dup.at)
    return fail(`not valid YAML at line ${pos.line}, column ${pos.col}: the key \`${dup.key}\` appears twice in the same mapping`)
  }
  try {
    return Result.succeed(doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }))
  } catch (e) {
    if (e instanceof ReferenceError && /alias/i.test(e.message)) {
      return fail(`too many YAML aliases (more than ${MAX_YAML_ALIASES} expansions of *anchor references, nested ones counted): write the values out or use fewer aliases`)
    }
    throw e
  }
}

export const loadSheet = (path: string = DEFAULT_SHEET_PATH): Result.Result<Sheet, SheetFileError> =>
  Result.flatMap(readYamlFile(path), (raw) =>
    Result.mapError(decodeSheet(raw), (e) => new SheetFileError({ path, message: `${path}: ${e.message}` })))
