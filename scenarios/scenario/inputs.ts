// One numeric input of a decoded scenario, read and written in place of a fresh decode: a Monte Carlo draw, a tornado's
// ±X%, a goal-seek trial. Each input has a domain (rates in [0, 1], whole users, …) that new values are held to.
import * as BigDecimal from "effect/BigDecimal"
import { divideRounded, type Sheet } from "../../model/index.ts"
import type { InputTarget, LoadedScenario, ScenarioState } from "./load.ts"
import { sheetPath } from "./overrides.ts"
import { RATE_DECIMALS } from "./schema.ts"
import { pathId, quantize, type TreePath } from "./uncertain.ts"

export type InputValue = BigDecimal.BigDecimal | number

export interface Domain {
  readonly min: BigDecimal.BigDecimal
  /** undefined: no upper bound */
  readonly max: BigDecimal.BigDecimal | undefined
  /** a whole number (users, months, requests): the decoded leaf is a JS number */
  readonly whole: boolean
  /** most decimals the engine accepts (rates: 6); undefined: any */
  readonly decimals: number | undefined
}

const ZERO = BigDecimal.fromBigInt(0n)
const ONE = BigDecimal.fromBigInt(1n)
const MIN_GROWTH = BigDecimal.make(-999_999n, 6)

const money: Domain = { min: ZERO, max: undefined, whole: false, decimals: undefined }
const fraction: Domain = { min: ZERO, max: ONE, whole: false, decimals: undefined }
const rate: Domain = { min: ZERO, max: ONE, whole: false, decimals: RATE_DECIMALS }
const count: Domain = { min: ZERO, max: undefined, whole: true, decimals: 0 }
const positiveCount: Domain = { ...count, min: ONE }

/** The range an input may take, from where it sits (the schema's own constraints, restated for values it never sees). */
export const domainOf = (target: InputTarget): Domain => {
  const p = target.path.map(String)
  const last = p[p.length - 1]
  if (target.in === "sheet") {
    if (p[0] === "media") return fraction
    if (p[0] === "tiering") return p[1] === "cold_after_days" ? count : fraction
    if (last === "jettythunder_api_block_requests") return positiveCount
    if (p[0] === "tiers" && p[2] === "limits" && last === "cache_requests") return count
    if (last === "costed_requests" || p[0] === "alerts") return count
    return money
  }
  switch (p[0]) {
    case "users":
      if (p[1] === "start") return count
      if (p[1] === "signups" && p[2] === "per_month") {
        if (last === "growth") return { min: MIN_GROWTH, max: undefined, whole: false, decimals: RATE_DECIMALS }
        if (last === "months") return positiveCount
        return money
      }
      return rate
    case "usage":
      return last === "months" ? positiveCount : fraction
    case "media":
    case "tiering":
      return fraction
    default:
      return money
  }
}

/** `value` held to `domain`: clamped to its bounds, rounded half-even to its decimals; whole inputs become numbers. */
export const toDomain = (value: BigDecimal.BigDecimal, domain: Domain): InputValue => {
  let v = value
  if (BigDecimal.isLessThan(v, domain.min)) v = domain.min
  if (domain.max !== undefined && BigDecimal.isGreaterThan(v, domain.max)) v = domain.max
  if (domain.decimals !== undefined && v.scale > domain.decimals) v = divideRounded(v, ONE, domain.decimals, "half-even")
  return domain.whole ? Number(BigDecimal.scale(v, 0).value) : v
}

/** A Monte Carlo draw for an input: quantized to 6 decimals (uncertain.ts), then held to the input's domain. */
export const fromDraw = (x: number, domain: Domain): InputValue => toDomain(quantize(x), domain)

export const asDecimal = (v: InputValue): BigDecimal.BigDecimal =>
  typeof v === "number" ? BigDecimal.fromBigInt(BigInt(v)) : v

const rootOf = (state: ScenarioState, target: InputTarget): unknown => (target.in === "sheet" ? state.sheet : state.scenario)

export const getInput = (state: ScenarioState, target: InputTarget): InputValue | undefined => {
  let node: unknown = rootOf(state, target)
  for (const key of target.path) {
    if (typeof node !== "object" || node === null) return undefined
    node = (node as Record<string | number, unknown>)[key]
  }
  return typeof node === "number" || BigDecimal.isBigDecimal(node) ? node : undefined
}

const setIn = (node: unknown, path: TreePath, value: unknown): unknown => {
  if (path.length === 0) return value
  const [key, ...rest] = path as [string | number, ...Array<string | number>]
  if (Array.isArray(node)) {
    const copy = node.slice()
    copy[key as number] = setIn(node[key as number], rest, value)
    return copy
  }
  const obj = (typeof node === "object" && node !== null ? node : {}) as Record<string | number, unknown>
  return { ...obj, [key]: setIn(obj[key], rest, value) }
}

/** A new state with one input changed; everything not on the path is shared with `state`. */
export const setInput = (state: ScenarioState, target: InputTarget, value: InputValue): ScenarioState =>
  target.in === "sheet"
    ? { ...state, sheet: setIn(state.sheet, target.path, value) as Sheet }
    : { ...state, scenario: setIn(state.scenario, target.path, value) as ScenarioState["scenario"] }

export interface NamedInput {
  /** "users.churn.pro", "sheet.tiers.pro.price" */
  readonly id: string
  readonly target: InputTarget
  readonly value: InputValue
}

/**
 * Finds an input by name: a scenario path ("users.churn.pro", "usage.pro.storage.to") or a sheet field as
 * "sheet.…" / "overrides.…" ("sheet.tiers.pro.price", "sheet.unit_prices.redis_per_mb_month").
 */
export const resolveInput = (loaded: LoadedScenario, id: string): NamedInput | undefined => {
  const parts = id.split(".").map((s) => (/^\d+$/.test(s) ? Number(s) : s))
  let target: InputTarget
  if (parts[0] === "sheet" || parts[0] === "overrides") {
    const p = sheetPath(loaded.state.sheet.tiers.map((t) => t.id), parts.slice(1))
    if (p === undefined) return undefined
    target = { in: "sheet", path: p }
  } else {
    target = { in: "scenario", path: parts }
  }
  const value = getInput(loaded.state, target)
  return value === undefined ? undefined : { id, target, value }
}

// Inputs the tornado leaves out: shares that must sum to 1 (moving one alone breaks the mix) and ramp lengths (months).
const SKIP_KEYS = new Set(["months", "mix"])
const SCENARIO_ROOTS = ["users", "usage", "media", "tiering", "fixed_costs", "support_per_user"]

/**
 * Every numeric input a tornado can move: the scenario's own numbers and the sheet's prices that the engine uses
 * (tier prices, unit prices, flat per-user lines; support and fixed costs when the scenario does not replace them).
 * Zero-valued inputs are left out: ±X% of zero moves nothing.
 */
export const numericInputs = (loaded: LoadedScenario): ReadonlyArray<NamedInput> => {
  const out: Array<NamedInput> = []
  const { scenario, sheet } = loaded.state
  const visit = (node: unknown, path: Array<string | number>, target: (p: TreePath) => InputTarget, name: (p: TreePath) => string) => {
    if (typeof node === "number" || BigDecimal.isBigDecimal(node)) {
      const zero = typeof node === "number" ? node === 0 : BigDecimal.isZero(node)
      if (!zero) out.push({ id: name(path), target: target(path), value: node })
      return
    }
    if (Array.isArray(node)) node.forEach((v, i) => visit(v, [...path, i], target, name))
    else if (typeof node === "object" && node !== null) {
      for (const [k, v] of Object.entries(node)) if (!SKIP_KEYS.has(k)) visit(v, [...path, k], target, name)
    }
  }
  const inScenario = (p: TreePath): InputTarget => ({ in: "scenario", path: p })
  for (const root of SCENARIO_ROOTS) {
    const node = (scenario as Record<string, unknown>)[root]
    if (node !== undefined) visit(node, [root], inScenario, pathId)
  }
  const inSheet = (p: TreePath): InputTarget => ({ in: "sheet", path: p })
  const sheetName = (p: TreePath) =>
    "sheet." + pathId(p[0] === "tiers" ? ["tiers", sheet.tiers[p[1] as number]?.id ?? String(p[1]), ...p.slice(2)] : p)
  sheet.tiers.forEach((t, i) => {
    visit(t.price, ["tiers", i, "price"], inSheet, sheetName)
    visit(t.flat_lines, ["tiers", i, "flat_lines"], inSheet, sheetName)
  })
  visit(
    Object.fromEntries(Object.entries(sheet.unit_prices).filter(([k]) => k !== "jettythunder_api_block_requests")),
    ["unit_prices"],
    inSheet,
    sheetName
  )
  if (scenario.support_per_user === undefined) visit(sheet.support_per_user_month, ["support_per_user_month"], inSheet, sheetName)
  if (scenario.fixed_costs === undefined) visit(sheet.fixed_costs, ["fixed_costs"], inSheet, sheetName)
  return out
}
