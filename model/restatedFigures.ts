// The `stated` block as the model computes it: what the plan should have written (the audit's law: auditing these
// figures finds no arithmetic error).
import * as BigDecimal from "effect/BigDecimal"
import { dec, lineAmount, times } from "./auditReport.ts"
import { breakEven, fixedCostsOf, type Mix, unitEconomics } from "./breakeven.ts"
import { percent, roundMoney, sumMoney, ZERO } from "./money.ts"
import { isTierId, MEDIA_TYPES, type Sheet, type Stated, tierOf } from "./sheet.ts"
import { tierEconomics } from "./tiers.ts"
import { agentcacheCost, internalCost, transferRecord } from "./transfer.ts"
import { gbToBytes } from "./units.ts"

/**
 * The `stated` block as the model computes it, each figure on its own section's basis: what the plan should have
 * written for every figure the audit checks as arithmetic (fixed costs counted in the projection's totals). Figures the
 * stated schema has no room to correct (a missing JettySpeed line, a claim, a code sample) are left as they are, so
 * auditing a sheet with these figures leaves only omission, claim and code findings.
 */
export const restatedFigures = (sheet: Sheet): Stated => {
  const s = sheet.stated
  const tiers = Object.fromEntries(
    Object.entries(s.tiers).map(([id, st]) => {
      if (!isTierId(id)) return [id, st]
      const e = tierEconomics(sheet, id)
      const lines = st.lines
      return [id, {
        cost_to_us: e.cost,
        ...(st.margin === undefined ? {} : { margin: e.margin }),
        ...(st.margin_pct === undefined || e.marginPct === undefined ? {} : { margin_pct: e.marginPct }),
        ...(lines === undefined
          ? {}
          : { lines: Object.fromEntries(Object.entries(lines).map(([n, v]) => [n, lineAmount(e, n) ?? v])) })
      }]
    })
  )
  const tr = s.transfer_record
  const rec = transferRecord(sheet, tr.tier, {
    storageBytes: gbToBytes(tr.storage_gb),
    bandwidthBytes: gbToBytes(tr.bandwidth_gb),
    requests: BigInt(tr.requests)
  })
  const am = s.accounting_model
  const amTier = tierOf(sheet, am.tier)
  const ac = agentcacheCost(sheet, am.tier)
  const jt = am.tier === tr.tier
    ? rec.internalCost
    : internalCost(sheet, {
      storageBytes: gbToBytes(amTier.limits.storage_gb ?? ZERO),
      bandwidthBytes: gbToBytes(amTier.limits.bandwidth_gb ?? ZERO),
      requests: BigInt(sheet.unit_prices.jettythunder_api_block_requests)
    })
  const hot = sheet.unit_prices.lyve_per_gb_month
  const cheaper = percent(BigDecimal.subtract(hot, sheet.unit_prices.cold_per_gb_month), hot)
  const perType = MEDIA_TYPES.map((m) => BigDecimal.multiply(BigDecimal.subtract(dec(1), sheet.media.compression_ratios[m]), dec(100)))
  const pj = s.projection_pro_1000
  const pro = tierEconomics(sheet, "pro")
  const n = pj.users
  const line = (name: string) => times(lineAmount(pro, name) ?? ZERO, n)
  const fixed = fixedCostsOf(sheet)
  const revenue = times(pro.price, n)
  const support = times(roundMoney(sheet.support_per_user_month), n)
  const listed = sumMoney([line("redis"), line("lyve_storage"), pj.bandwidth, line("jettythunder_api"), support])
  const totalCosts = BigDecimal.sum(listed, fixed)
  const net = BigDecimal.subtract(revenue, totalCosts)
  const be = s.break_even
  const beMix: Mix = { [be.tier]: 1n }
  const r = breakEven(sheet, beMix)
  const beUsers = r._tag === "Reached" ? Number(r.users) : be.users
  const at = unitEconomics(sheet, beMix, BigInt(beUsers))
  return {
    ...s,
    tiers,
    transfer_record: {
      ...tr,
      storage: rec.internalCost.storage,
      bandwidth: rec.internalCost.bandwidth,
      api_calls: rec.internalCost.apiCalls,
      total: rec.internalCost.total,
      charged_to_user: rec.chargedToUser,
      margin: rec.margin
    },
    accounting_model: { ...am, redis: ac.redis, cloudflare: ac.cloudflare, jettythunder: jt.total },
    cold_storage_saving_pct: cheaper ?? s.cold_storage_saving_pct,
    compression_savings_pct: {
      min: perType.reduce((x, y) => BigDecimal.min(x, y)),
      max: perType.reduce((x, y) => BigDecimal.max(x, y))
    },
    projection_pro_1000: {
      ...pj,
      revenue,
      redis: line("redis"),
      lyve_storage: line("lyve_storage"),
      jettythunder_api: line("jettythunder_api"),
      support,
      total_costs: totalCosts,
      net_profit: net,
      margin_pct: percent(net, revenue) ?? pj.margin_pct,
      annual_profit: times(net, 12)
    },
    fixed_costs_total: fixed,
    break_even: { ...be, users: beUsers, revenue: at.revenue, profit: at.net, margin_pct: at.netMarginPct ?? be.margin_pct }
  }
}
