// The scenario file behind the what-if page: the original YAML tree with the page's inputs written into it. The page
// runs this tree through the same decoder and engine as `econ run`, and "Download scenario" saves it, so the file
// reproduces what the page shows.
import * as BigDecimal from "effect/BigDecimal"
import YAML from "yaml"
import type { TreePath } from "../scenario/uncertain.ts"
import type { Control } from "./controls.ts"

const PER_MILLION = 1_000_000n

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/** `tree` with `value` at `path`, missing mappings created on the way; `tree` itself is not modified. */
export const setInTree = (tree: unknown, path: TreePath, value: unknown): unknown => {
  if (path.length === 0) return value
  const [key, ...rest] = path as [string | number, ...Array<string | number>]
  if (Array.isArray(tree) && typeof key === "number") {
    const copy = tree.slice()
    copy[key] = setInTree(tree[key], rest, value)
    return copy
  }
  const obj = isRecord(tree) ? tree : {}
  return { ...obj, [key]: setInTree(obj[key], rest, value) }
}

/** A decimal text as the number YAML writes: its shortest form is the same text, so the decoder reads it back exactly. */
const yamlNumber = (text: string): number => Number(text)

const ppm = (text: string): bigint => BigDecimal.scale(BigDecimal.fromStringUnsafe(text), 6).value

/**
 * The tree with every control's current value written where it differs from the scenario's own. When a share of the
 * sign-up mix moves, Free gets 1 − the paid shares (exactly, in millionths), so the mix still sums to 1; a mix whose
 * paid shares pass 1 leaves Free negative and the decoder says so.
 */
export const treeWithValues = (
  tree: unknown,
  controls: ReadonlyArray<Control>,
  values: ReadonlyMap<string, string>
): unknown => {
  let out = tree
  let mixMoved = false
  const fixed = new Set<string>()
  for (const c of controls) {
    const v = values.get(c.id)
    if (v === undefined || v === c.value) continue
    out = setInTree(out, c.path, yamlNumber(v))
    fixed.add(c.id)
    if (c.mix !== undefined) mixMoved = true
  }
  out = withoutCorrelationsOf(out, fixed)
  if (mixMoved) {
    const paid = controls.filter((c) => c.mix !== undefined)
    const taken = paid.reduce((sum, c) => sum + ppm(values.get(c.id) ?? c.value), 0n)
    out = setInTree(out, ["users", "signups", "mix", "free"], yamlNumber(BigDecimal.format(BigDecimal.make(PER_MILLION - taken, 6))))
  }
  return out
}

/**
 * A moved input is a number now, no longer a distribution: a rank correlation naming it has nothing left to correlate
 * (and the decoder rejects it), so it goes; the others stay for `econ run --runs N`.
 */
const withoutCorrelationsOf = (tree: unknown, fixed: ReadonlySet<string>): unknown => {
  if (!isRecord(tree) || !Array.isArray(tree["correlations"]) || fixed.size === 0) return tree
  const kept = tree["correlations"].filter((c: unknown) => !(isRecord(c) && (fixed.has(String(c["a"])) || fixed.has(String(c["b"])))))
  if (kept.length === tree["correlations"].length) return tree
  const { correlations: _, ...rest } = tree
  return kept.length === 0 ? rest : { ...rest, correlations: kept }
}

/** The scenario file a download writes: the tree as YAML, with a header saying where it came from. */
export const scenarioYaml = (tree: unknown, header: string): string => {
  const doc = new YAML.Document(tree)
  doc.commentBefore = ` ${header}`
  return doc.toString({ lineWidth: 0 })
}
