// The plan's intelligent-tiering policy as a pure decision per asset, with the plan's bugs fixed: it compares the
// time SINCE last access with a duration (the plan compared a timestamp with "30 days"), and it says what to do in the
// band between the two hit-rate thresholds (stay where it is).
import * as BigDecimal from "effect/BigDecimal"
import type { Sheet } from "./sheet.ts"

export type StorageClass = "hot" | "cold"

export interface AssetAccess {
  /** Epoch milliseconds of the last read (or of the store, if never read). */
  readonly lastAccessedAt: number
  /** Share of lookups that hit this asset in the policy window, in [0, 1]. */
  readonly hitRate: number
  readonly storageClass: StorageClass
}

export type TieringAction =
  | { readonly _tag: "MoveToCold"; readonly idleDays: number }
  | { readonly _tag: "MoveToHot"; readonly hitRate: number }
  | { readonly _tag: "Stay"; readonly storageClass: StorageClass }

export interface TieringPolicy {
  readonly coldAfterMs: number
  readonly coldMaxHitRate: number
  readonly hotMinHitRate: number
}

const DAY_MS = 86_400_000

export const tieringPolicy = (sheet: Sheet): TieringPolicy => ({
  coldAfterMs: sheet.tiering.cold_after_days * DAY_MS,
  // thresholds are probabilities (statistics), so floats are the right type here
  coldMaxHitRate: BigDecimal.toNumberUnsafe(sheet.tiering.cold_max_hit_rate),
  hotMinHitRate: BigDecimal.toNumberUnsafe(sheet.tiering.hot_min_hit_rate)
})

/**
 * Cold when idle for MORE than `cold_after_days` and hit rate below `cold_max_hit_rate`; back to hot when the hit rate
 * rises above `hot_min_hit_rate`; otherwise stay. An access time in the future (clock skew) counts as idle 0.
 */
export const decideTiering = (policy: TieringPolicy, asset: AssetAccess, nowMs: number): TieringAction => {
  const idleMs = Math.max(0, nowMs - asset.lastAccessedAt)
  if (asset.storageClass === "hot" && idleMs > policy.coldAfterMs && asset.hitRate < policy.coldMaxHitRate) {
    return { _tag: "MoveToCold", idleDays: Math.floor(idleMs / DAY_MS) }
  }
  if (asset.storageClass === "cold" && asset.hitRate > policy.hotMinHitRate) {
    return { _tag: "MoveToHot", hitRate: asset.hitRate }
  }
  return { _tag: "Stay", storageClass: asset.storageClass }
}
