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
  /** cold storage costs less per GB-month than hot (`coldIsCheaper`); otherwise nothing is moved cold */
  readonly coldCheaper: boolean
  readonly coldAfterMs: number
  readonly coldMaxHitRate: number
  readonly hotMinHitRate: number
}

const DAY_MS = 86_400_000

/**
 * The one price check of tiering: bytes go cold only when cold storage is cheaper than hot (Lyve). The projection's
 * cost lines, the savings calculator and the enforcer's tiering job (through `decideTiering`) all ask this.
 */
export const coldIsCheaper = (prices: Pick<Sheet["unit_prices"], "cold_per_gb_month" | "lyve_per_gb_month">): boolean =>
  BigDecimal.isLessThan(prices.cold_per_gb_month, prices.lyve_per_gb_month)

export const tieringPolicy = (sheet: Sheet): TieringPolicy => ({
  coldCheaper: coldIsCheaper(sheet.unit_prices),
  coldAfterMs: sheet.tiering.cold_after_days * DAY_MS,
  // thresholds are probabilities (statistics), so floats are the right type here
  coldMaxHitRate: BigDecimal.toNumberUnsafe(sheet.tiering.cold_max_hit_rate),
  hotMinHitRate: BigDecimal.toNumberUnsafe(sheet.tiering.hot_min_hit_rate)
})

/**
 * Cold when cold storage is cheaper, the asset idle for MORE than `cold_after_days` and its hit rate below
 * `cold_max_hit_rate`; back to hot when the hit rate rises above `hot_min_hit_rate`, or whenever cold is not cheaper
 * (it only costs more there); otherwise stay. An access time in the future (clock skew) counts as idle 0.
 */
export const decideTiering = (policy: TieringPolicy, asset: AssetAccess, nowMs: number): TieringAction => {
  const idleMs = Math.max(0, nowMs - asset.lastAccessedAt)
  if (asset.storageClass === "hot" && policy.coldCheaper && idleMs > policy.coldAfterMs && asset.hitRate < policy.coldMaxHitRate) {
    return { _tag: "MoveToCold", idleDays: Math.floor(idleMs / DAY_MS) }
  }
  if (asset.storageClass === "cold" && (!policy.coldCheaper || asset.hitRate > policy.hotMinHitRate)) {
    return { _tag: "MoveToHot", hitRate: asset.hitRate }
  }
  return { _tag: "Stay", storageClass: asset.storageClass }
}
