// Decoding a scenario from plain data (no I/O, so it also runs in a browser: the what-if page): pull out its
// distributions, merge its overrides into the sheet, decode both with their schemas. Every problem is reported with the
// path of the field and what it expects. Reading the files is load.ts.
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { decodeSheet, type Sheet } from "../../model/index.ts"
import { makeSampler } from "../montecarlo/correlation.ts"
import { applyOverrides, deepMerge, sheetPath, sheetPathName } from "./overrides.ts"
import { Scenario } from "./schema.ts"
import type * as SchemaAST from "effect/SchemaAST"
import { closestName } from "../../io/didYouMean.ts"
import { knownFields } from "./knownFields.ts"
import { extractDistributions, issueLines, type TreePath, type UncertainInput } from "./uncertain.ts"

/** A scenario file that cannot be run; `message` names each bad field (one per line in `issues`). */
export class ScenarioError extends Schema.TaggedError<ScenarioError>()("ScenarioError", {
  file: Schema.String,
  issues: Schema.Array(Schema.String),
  message: Schema.String
}) {}

/** Issues shown in the one-line message; the rest are counted ("and 39,997 more"), and all stay in `issues`. */
export const SHOWN_ISSUES = 3

export const scenarioError = (file: string, issues: ReadonlyArray<string>) => {
  const more = issues.length - SHOWN_ISSUES
  const shown = issues.slice(0, SHOWN_ISSUES).join("; ") + (more > 0 ? `; and ${more.toLocaleString("en-US")} more` : "")
  return new ScenarioError({ file, issues, message: `${file}: ${shown}` })
}

/** What a scenario is made of before decoding: plain data, so it can be handed to worker threads as it is. */
export interface ScenarioSource {
  readonly file: string
  readonly tree: unknown
  readonly sheetFile: string
  readonly sheetTree: unknown
}

/** Where an input lives: in the decoded scenario, or in the decoded (merged) sheet. */
export type InputTarget =
  | { readonly in: "scenario"; readonly path: TreePath }
  | { readonly in: "sheet"; readonly path: TreePath }

export interface ScenarioInput extends UncertainInput {
  readonly target: InputTarget
}

/** The decoded inputs of one run: the scenario and the sheet it inherits, overrides applied. */
export interface ScenarioState {
  readonly scenario: Scenario
  readonly sheet: Sheet
}

export interface LoadedScenario {
  readonly file: string
  readonly name: string
  readonly source: ScenarioSource
  /** every distribution replaced by its point value: the deterministic run */
  readonly state: ScenarioState
  readonly inputs: ReadonlyArray<ScenarioInput>
  /** the `compare_to` scenario (this one with its changes merged in), if any */
  readonly variant?: LoadedScenario
}

const decodeScenarioSchema = Schema.decodeUnknownResult(Scenario, { errors: "all", onExcessProperty: "error" })

const valueAt = (tree: unknown, dotted: string): unknown => {
  let node = tree
  for (const key of dotted === "" ? [] : dotted.split(".")) {
    if (typeof node !== "object" || node === null) return undefined
    node = (node as Record<string, unknown>)[key]
  }
  return node
}

/** "users.churn.pro: Expected a fraction between 0 and 1 (got 1.5)" */
const describeIssues = (message: string, tree: unknown, prefix = "", rename: (p: string) => string = (p) => p, schema?: SchemaAST.AST) =>
  issueLines(message).map(({ path, message: m }) => {
    // an unknown field names the closest known one: "users.chrun: unknown field `chrun` — did you mean `churn`?"
    if (schema !== undefined && /^Expected no excess property/.test(m)) {
      const parts = path === "" ? [] : path.split(".")
      const key = parts.at(-1) ?? ""
      const guess = closestName(key, knownFields(schema, parts.slice(0, -1)))
      return `${prefix + rename(path)}: unknown field \`${key}\`${guess === undefined ? "" : ` — did you mean \`${guess}\`?`}`
    }
    const v = valueAt(tree, path)
    const got = /\bgot\b/.test(m) || v === undefined || typeof v === "object" ? "" : ` (got ${JSON.stringify(v)})`
    const where = prefix + rename(path)
    return `${where === "" ? "scenario" : where}: ${m}${got}`
  })

export const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/** Decode a scenario from plain data (no I/O): used by the CLI after reading files and by Monte Carlo workers. */
export const decodeScenario = (source: ScenarioSource): Result.Result<LoadedScenario, ScenarioError> => {
  const { file } = source
  if (!isRecord(source.tree)) return Result.fail(scenarioError(file, ["expected a YAML mapping with name, start, horizon_months, users, …"]))
  const { compare_to: compareTo, ...own } = source.tree
  const base = decodeOne(source)
  if (Result.isFailure(base) || compareTo === undefined) return base
  // the variant is this file with compare_to.changes merged in; its own errors are named under compare_to.changes
  const changes = (compareTo as { changes?: unknown }).changes
  const label = (compareTo as { label?: unknown }).label
  const variantTree = { ...(deepMerge(own, changes) as Record<string, unknown>), name: String(label ?? "comparison") }
  const variant = decodeOne({ ...source, tree: variantTree })
  if (Result.isFailure(variant)) {
    return Result.fail(scenarioError(file, variant.failure.issues.map((i) => `compare_to.changes → ${i}`)))
  }
  return Result.succeed({ ...base.success, variant: variant.success })
}

const decodeOne = (source: ScenarioSource): Result.Result<LoadedScenario, ScenarioError> => {
  const { file } = source
  const extracted = extractDistributions(source.tree)
  if (extracted.errors.length > 0) return Result.fail(scenarioError(file, extracted.errors))
  const decoded = decodeScenarioSchema(extracted.tree)
  if (Result.isFailure(decoded)) return Result.fail(scenarioError(file, describeIssues(decoded.failure.message, extracted.tree, "", undefined, Scenario.ast)))
  const scenario = decoded.success

  const merged = applyOverrides(source.sheetTree, scenario.overrides)
  if (merged.errors.length > 0) return Result.fail(scenarioError(file, merged.errors))
  const sheetResult = decodeSheet(merged.tree)
  const rawTierIds = Array.isArray((merged.tree as { tiers?: unknown }).tiers)
    ? ((merged.tree as { tiers: ReadonlyArray<unknown> }).tiers).map((t) => String(isRecord(t) ? t["id"] : "?"))
    : []
  if (Result.isFailure(sheetResult)) {
    const body = sheetResult.failure.message.replace(/^invalid price sheet:\n/, "")
    const prefix = scenario.overrides === undefined ? `sheet ${source.sheetFile}: ` : "overrides (price sheet): "
    return Result.fail(scenarioError(file, describeIssues(body, merged.tree, prefix, (p) => sheetPathName(rawTierIds, p))))
  }
  const sheet = sheetResult.success
  const tierIds = sheet.tiers.map((t) => t.id)

  const inputs: Array<ScenarioInput> = []
  for (const input of extracted.inputs) {
    if (input.path[0] === "overrides") {
      const p = sheetPath(tierIds, input.path.slice(1))
      if (p === undefined) return Result.fail(scenarioError(file, [`${input.id}: no such tier in the sheet`]))
      inputs.push({ ...input, target: { in: "sheet", path: p } })
    } else {
      inputs.push({ ...input, target: { in: "scenario", path: input.path } })
    }
  }
  if (scenario.correlations !== undefined && scenario.correlations.length > 0) {
    const sampler = makeSampler(
      inputs.map((i) => ({ id: i.id, dist: i.dist })),
      scenario.correlations.map((c) => ({ a: c.a, b: c.b, rank: c.rank }))
    )
    if (Result.isFailure(sampler)) return Result.fail(scenarioError(file, [`correlations: ${sampler.failure.message}`]))
  }
  return Result.succeed({ file, name: scenario.name, source, state: { scenario, sheet }, inputs })
}
