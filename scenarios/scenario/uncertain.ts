// Finds the distributions in a raw scenario tree (`{ dist: … }` nodes), validates each, and puts its point value in
// its place so the scenario schema sees plain numbers. Monte Carlo later writes draws into the same places.
import * as BigDecimal from "effect/BigDecimal"
import * as Result from "effect/Result"
import { roundHalfEven } from "../../model/money.ts"
import { decodeDistribution, isDistribution, pointValue, type Distribution } from "../montecarlo/distribution.ts"

export type TreePath = ReadonlyArray<string | number>

export interface UncertainInput {
  /** the input's name: its path in the scenario file joined by dots, e.g. "users.churn.pro" */
  readonly id: string
  readonly path: TreePath
  readonly dist: Distribution
}

export const pathId = (path: TreePath): string => path.join(".")

/**
 * Values drawn from a distribution (and point values) enter the exact engine at 6 decimals, rounded half-even on
 * x · 10^6: a draw is a statistic, and the engine's results must not depend on float digits far below a cent or a user.
 */
export const DRAW_DECIMALS = 6
const DRAW_FACTOR = 10 ** DRAW_DECIMALS

/** A draw (or a point value) as the exact decimal the engine uses. */
export const quantize = (x: number): BigDecimal.BigDecimal => {
  // |x| · 10^6 < 2^53 keeps the scaled value an exact integer decision; beyond it the float is already coarser than 10^-6
  const scaled = x * DRAW_FACTOR
  const units = Math.abs(scaled) < 2 ** 52 ? roundHalfEven(scaled) : Math.round(scaled)
  return BigDecimal.make(BigInt(units), DRAW_DECIMALS)
}

/** The YAML-equivalent literal of an exact value: a number when whole (counts accept it), else a decimal string. */
const literalOf = (d: BigDecimal.BigDecimal): number | string => {
  const n = BigDecimal.normalize(d)
  if (n.scale <= 0) return Number(BigDecimal.scale(n, 0).value)
  const neg = n.value < 0n
  const digits = (neg ? -n.value : n.value).toString().padStart(n.scale + 1, "0")
  return `${neg ? "-" : ""}${digits.slice(0, digits.length - n.scale)}.${digits.slice(digits.length - n.scale)}`
}

/** Top-level scenario keys under which an input may be uncertain; everything else is structure (dates, names, checks). */
const UNCERTAIN_ROOTS = new Set(["overrides", "users", "usage", "media", "tiering", "fixed_costs", "support_per_user"])

export interface Extracted {
  /** the tree with every distribution replaced by its point value */
  readonly tree: unknown
  readonly inputs: ReadonlyArray<UncertainInput>
  /** "path: problem" lines */
  readonly errors: ReadonlyArray<string>
}

export const extractDistributions = (raw: unknown): Extracted => {
  const inputs: Array<UncertainInput> = []
  const errors: Array<string> = []
  // one path, extended and restored on the way down (copied only for a distribution): a copy per node would cost the
  // depth at every node, quadratic on a deeply nested tree
  const path: Array<string | number> = []
  const walk = (node: unknown): unknown => {
    if (isDistribution(node)) {
      const id = pathId(path)
      const root = path[0]
      if (typeof root !== "string" || !UNCERTAIN_ROOTS.has(root) || (root === "overrides" && path[1] === "stated")) {
        errors.push(`${id}: a distribution is not allowed here (only numeric inputs under ${[...UNCERTAIN_ROOTS].join(", ")} may be uncertain)`)
        return node
      }
      const decoded = decodeDistribution(node)
      if (Result.isFailure(decoded)) {
        errors.push(...issueLines(decoded.failure).map((line) => `${id}${line.path ? "." + line.path : ""}: ${line.message}`))
        return node
      }
      inputs.push({ id, path: [...path], dist: decoded.success })
      return literalOf(quantize(pointValue(decoded.success)))
    }
    if (Array.isArray(node)) {
      const out: Array<unknown> = []
      node.forEach((v, i) => {
        path.push(i)
        out.push(walk(v))
        path.pop()
      })
      return out
    }
    if (typeof node === "object" && node !== null) {
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(node)) {
        path.push(k)
        out[k] = walk(v)
        path.pop()
      }
      return out
    }
    return node
  }
  const tree = walk(raw)
  return { tree, inputs, errors }
}

export interface IssueLine {
  /** dotted path, "" at the root */
  readonly path: string
  readonly message: string
}

/**
 * Splits an Effect Schema error message ("Expected …\n  at [\"a\"][0]" blocks) into one entry per issue with a dotted
 * path, so the CLI can print one line naming each bad field.
 */
export const issueLines = (message: string): ReadonlyArray<IssueLine> => {
  const out: Array<IssueLine> = []
  let pending: Array<string> = []
  const flush = (path: string) => {
    if (pending.length > 0) out.push({ path, message: pending.join(" ").trim() })
    pending = []
  }
  for (const line of message.split("\n")) {
    const at = /^\s*at (.*)$/.exec(line)
    if (at) flush(bracketPathToDots(at[1]!))
    else if (line.trim() !== "") pending.push(line.trim())
  }
  flush("")
  return out
}

const bracketPathToDots = (s: string): string =>
  [...s.matchAll(/\[("(?:[^"\\]|\\.)*"|\d+)\]/g)].map((m) => (m[1]!.startsWith('"') ? JSON.parse(m[1]!) : m[1])).join(".")
