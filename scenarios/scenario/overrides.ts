// Inheritance: a scenario's `overrides` merged into the price sheet's raw tree, and `compare_to.changes` into a
// scenario's. Objects merge key by key, anything else replaces; the sheet's `tiers` list is addressed by tier id.
import type { TreePath } from "./uncertain.ts"

const isPlainObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/** `patch` merged into `base`: nested objects key by key, scalars and lists replace. Neither input is modified. */
export const deepMerge = (base: unknown, patch: unknown): unknown => {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(patch)) out[k] = k in base ? deepMerge(base[k], v) : v
  return out
}

export interface MergedSheet {
  readonly tree: unknown
  readonly errors: ReadonlyArray<string>
}

/**
 * The sheet with `overrides` applied. `overrides.tiers` is a map from tier id to a partial tier (the sheet holds a
 * list): `{ tiers: { pro: { price: 59 } } }` changes Pro's price and nothing else.
 */
export const applyOverrides = (sheet: unknown, overrides: Readonly<Record<string, unknown>> | undefined): MergedSheet => {
  if (overrides === undefined) return { tree: sheet, errors: [] }
  if (!isPlainObject(sheet)) return { tree: sheet, errors: ["price sheet: expected a mapping at the top level"] }
  const errors: Array<string> = []
  const { tiers: tierPatch, ...rest } = overrides
  let tree = deepMerge(sheet, rest) as Record<string, unknown>
  if (tierPatch !== undefined) {
    const list = sheet["tiers"]
    if (!isPlainObject(tierPatch)) {
      errors.push("overrides.tiers: expected a map from tier id to the fields to change, e.g. { pro: { price: 59 } }")
    } else if (Array.isArray(list)) {
      const ids = list.map((t) => (isPlainObject(t) ? t["id"] : undefined))
      for (const id of Object.keys(tierPatch)) {
        if (!ids.includes(id)) errors.push(`overrides.tiers.${id}: no such tier in the sheet (tiers: ${ids.join(", ")})`)
      }
      tree = {
        ...tree,
        tiers: list.map((t) => {
          const id = isPlainObject(t) ? t["id"] : undefined
          return typeof id === "string" && id in tierPatch ? deepMerge(t, tierPatch[id]) : t
        })
      }
    }
  }
  return { tree, errors }
}

/**
 * Where a sheet field named as in the scenario file (`tiers.pro.price`) lives in the decoded sheet (`tiers.2.price`);
 * undefined for a tier id the sheet lacks.
 */
export const sheetPath = (tierIds: ReadonlyArray<string>, path: TreePath): TreePath | undefined => {
  if (path[0] !== "tiers" || path.length < 2) return path
  const index = tierIds.indexOf(String(path[1]))
  return index < 0 ? undefined : ["tiers", index, ...path.slice(2)]
}

/** The reverse of sheetPath, for messages: `tiers.2.price` → `tiers.pro.price`. */
export const sheetPathName = (tierIds: ReadonlyArray<string>, dotted: string): string => {
  const m = /^tiers\.(\d+)(\..*)?$/.exec(dotted)
  if (!m) return dotted
  return `tiers.${tierIds[Number(m[1])] ?? m[1]}${m[2] ?? ""}`
}
