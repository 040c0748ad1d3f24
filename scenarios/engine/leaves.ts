// The numbers a projection is made of, read out of a decoded scenario into one flat list ("leaves"): starting users,
// flow rates, the sign-up series, each tier's price, allowances and flat lines, unit prices, dedup / compression /
// tiering shares, usage shares and fixed-cost items. `prepare` reads the same fields; the compiled fast path works
// from these leaves so that a drawn input is one write into a typed array instead of a new scenario state.
// Everything that is not a number (which series ramp and for how long, which optimisations are on, the fixed-cost
// steps) is the structure: a compiled scenario is valid only for states of the same structure.
import * as BigDecimal from "effect/BigDecimal"
import { blendedCompressionRatio, costedRequests, TIER_IDS, tierOf } from "../../model/index.ts"
import type { ScenarioState } from "../scenario/load.ts"
import { supportOf } from "./prepare.ts"
import { type FractionSeries, type Series, USAGE_DIMENSIONS } from "../scenario/schema.ts"

export type Leaf = BigDecimal.BigDecimal | number | undefined

const K = TIER_IDS.length
const D = USAGE_DIMENSIONS.length

/** Offsets of each group of leaves; per-tier groups hold K leaves in tier order. */
export const LEAF = (() => {
  let next = 0
  const tiers = () => {
    const at = next
    next += K
    return at
  }
  const one = () => next++
  return {
    start: tiers(),
    churn: tiers(),
    up: tiers(),
    down: tiers(),
    conversion: tiers(),
    mix: tiers(),
    /** sign-ups: the constant, the compounding start or the ramp's from */
    signupA: one(),
    /** sign-ups: growth, or the ramp's to */
    signupB: one(),
    price: tiers(),
    support: tiers(),
    workers: tiers(),
    jettythunderApi: tiers(),
    jettyspeed: tiers(),
    redisMb: tiers(),
    storageGb: tiers(),
    bandwidthGb: tiers(),
    requests: tiers(),
    redisPrice: one(),
    lyvePrice: one(),
    coldPrice: one(),
    bandwidthPrice: one(),
    textCachePrice: one(),
    duplicateRatio: one(),
    blendedCompression: one(),
    coldShare: one(),
    /** usage of tier k, dimension d (USAGE_DIMENSIONS order): the constant or the ramp's from at 2(kD + d), to at +1 */
    usage: (() => {
      const at = next
      next += 2 * K * D
      return at
    })(),
    /** fixed-cost items, step by step, in the order `structure` lists them */
    fixed: next
  }
})()

/** Leaf index of tier k's usage in dimension d: its constant / from; + 1 is the ramp's to. */
export const usageLeaf = (k: number, d: number): number => LEAF.usage + 2 * (k * D + d)

export interface Leaves {
  readonly values: ReadonlyArray<Leaf>
  /** what must be equal for two states to share a compiled scenario */
  readonly structure: string
  readonly signupKind: "none" | "constant" | "growth" | "ramp"
  readonly signupMonths: number
  /** ramp length of each usage series (0: constant or absent), index k · D + d */
  readonly usageMonths: ReadonlyArray<number>
  /** fixed-cost steps: the first month key each applies from, and how many items (leaves) each has */
  readonly fixedSteps: ReadonlyArray<{ readonly from: string; readonly items: number }>
}

const seriesLeaves = (s: Series | FractionSeries | undefined): { kind: string; a: Leaf; b: Leaf; months: number } => {
  if (s === undefined) return { kind: "none", a: undefined, b: undefined, months: 0 }
  if (BigDecimal.isBigDecimal(s)) return { kind: "constant", a: s, b: undefined, months: 0 }
  if ("months" in s) return { kind: "ramp", a: s.from, b: s.to, months: s.months }
  return { kind: "growth", a: s.start, b: s.growth, months: 0 }
}

export const leavesOf = (state: ScenarioState): Leaves => {
  const { scenario, sheet } = state
  const values = new Array<Leaf>(LEAF.fixed).fill(undefined)
  const structure: Array<string> = [scenario.start, String(scenario.horizon_months), sheet.tiers.map((t) => t.id).join(",")]
  const u = scenario.users
  TIER_IDS.forEach((t, k) => {
    values[LEAF.start + k] = u.start[t] ?? 0
    values[LEAF.churn + k] = u.churn?.[t]
    // as prepare: nobody upgrades from the top tier or downgrades / converts into the bottom one
    values[LEAF.up + k] = t === "free" || t === "enterprise" ? undefined : u.upgrade?.[t]
    values[LEAF.down + k] = t === "free" ? undefined : u.downgrade?.[t]
    values[LEAF.conversion + k] = t === "free" ? undefined : u.conversion?.[t]
    values[LEAF.mix + k] = u.signups?.mix[t]
  })
  const signups = seriesLeaves(u.signups?.per_month)
  values[LEAF.signupA] = signups.a
  values[LEAF.signupB] = signups.b
  structure.push(`signups:${signups.kind}:${signups.months}`)

  TIER_IDS.forEach((t, k) => {
    const tier = tierOf(sheet, t)
    values[LEAF.price + k] = tier.price
    // the engine's own rule (support for paid tiers only, or the scenario's amounts), never restated here
    values[LEAF.support + k] = supportOf(scenario, sheet, t)
    values[LEAF.workers + k] = tier.flat_lines.workers
    values[LEAF.jettythunderApi + k] = tier.flat_lines.jettythunder_api
    values[LEAF.jettyspeed + k] = tier.flat_lines.jettyspeed
    values[LEAF.redisMb + k] = tier.limits.redis_mb ?? undefined
    values[LEAF.storageGb + k] = tier.limits.storage_gb ?? undefined
    values[LEAF.bandwidthGb + k] = tier.limits.bandwidth_gb ?? undefined
    values[LEAF.requests + k] = costedRequests(tier)
  })
  const p = sheet.unit_prices
  values[LEAF.redisPrice] = p.redis_per_mb_month
  values[LEAF.lyvePrice] = p.lyve_per_gb_month
  values[LEAF.coldPrice] = p.cold_per_gb_month
  values[LEAF.bandwidthPrice] = p.bandwidth_per_gb
  values[LEAF.textCachePrice] = p.text_cache_per_100k_requests

  const opt = scenario.optimizations ?? {}
  structure.push(`opt:${opt.dedup === true}:${opt.compression === true}:${opt.tiering === true}`)
  values[LEAF.duplicateRatio] = opt.dedup === true ? scenario.media?.duplicate_ratio : undefined
  values[LEAF.blendedCompression] = opt.compression === true
    ? blendedCompressionRatio(sheet, scenario.media?.mix ?? sheet.media.default_mix)
    : undefined
  values[LEAF.coldShare] = opt.tiering === true ? scenario.tiering?.cold_share : undefined

  const usageMonths: Array<number> = []
  TIER_IDS.forEach((t, k) =>
    USAGE_DIMENSIONS.forEach((d, di) => {
      const s = seriesLeaves(scenario.usage?.[t]?.[d] ?? scenario.usage?.default?.[d])
      values[usageLeaf(k, di)] = s.a
      values[usageLeaf(k, di) + 1] = s.b
      usageMonths.push(s.months)
      structure.push(`usage:${s.kind}:${s.months}`)
    })
  )

  const f = scenario.fixed_costs ?? sheet.fixed_costs
  type Step = { readonly from: string; readonly costs: Readonly<Record<string, BigDecimal.BigDecimal>> }
  const steps: ReadonlyArray<Step> = Array.isArray(f) ? (f as ReadonlyArray<Step>) : [{ from: "", costs: f as Step["costs"] }]
  const fixedSteps = steps.map((s) => {
    const entries = Object.entries(s.costs)
    for (const [, v] of entries) values.push(v)
    structure.push(`fixed:${s.from}:${entries.map(([name]) => name).join(",")}`)
    return { from: s.from, items: entries.length }
  })
  return {
    values,
    structure: structure.join("|"),
    signupKind: signups.kind as Leaves["signupKind"],
    signupMonths: signups.months,
    usageMonths,
    fixedSteps
  }
}
