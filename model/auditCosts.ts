// The audit of the plan's cost figures: tier tables, the internal transfer record, the accounting model and the storage
// optimisations, each stated figure recomputed from the sheet's inputs (conventions: audit.ts).
import * as BigDecimal from "effect/BigDecimal"
import { ACCOUNTING, assumptionFor, type Auditor, bandwidthAtAllowance, COMPRESSION, dec, DEDUP, eq, fm } from "./auditReport.ts"
import { lineAmount, pctText, plain, statedPercentHolds, TIER_SECTION, TIERING, TRANSFER, usd } from "./auditReport.ts"
import { formatPercent, type Money, percent, roundMoney, sumMoney, ZERO } from "./money.ts"
import { blendedCompressionRatio } from "./savings.ts"
import { isTierId, MEDIA_TYPES, type Sheet, tierOf } from "./sheet.ts"
import { tierEconomics } from "./tiers.ts"
import { agentcacheCost, internalCost, transferRecord } from "./transfer.ts"
import { gbToBytes } from "./units.ts"

export const auditTiers = (a: Auditor, sheet: Sheet): void => {
  for (const [id, st] of Object.entries(sheet.stated.tiers)) {
    if (!isTierId(id)) {
      a.unverifiable(`tiers.${id}`, "Tiered Storage Allocation", `no tier "${id}" in the sheet`)
      continue
    }
    const e = tierEconomics(sheet, id)
    const name = e.tier.name
    const where = TIER_SECTION(name)
    const stLines = Object.entries(st.lines ?? {})
    for (const [line, amount] of stLines) {
      const computed = lineAmount(e, line)
      a.check(`tiers.${id}.lines.${line}`, where, computed !== undefined && eq(computed, amount), () => ({
        kind: "arithmetic",
        figure: `${name} cost line "${line}"`,
        stated: fm(amount),
        computed: computed === undefined ? "no such line" : fm(computed),
        explanation: computed === undefined
          ? `The model has no "${line}" line; its lines are ${e.lines.map((l) => l.name).join(", ")}.`
          : `Recomputed from the sheet's unit prices at ${name}'s allowance.`
      }))
    }
    const stLinesSum = sumMoney(stLines.map(([, v]) => v))
    const computedList = e.lines.filter((l) => !BigDecimal.isZero(l.amount)).map((l) => `${l.name} ${fm(l.amount)}`).join(" + ")
    a.check(`tiers.${id}.cost_to_us`, where, eq(st.cost_to_us, e.cost), () => {
      const extra = e.lines.filter((l) => !BigDecimal.isZero(l.amount) && !stLines.some(([n]) => n === l.name))
      const parts = stLines.length > 0
        ? [
          `The plan's own breakdown sums to ${usd(stLinesSum)} (${stLines.map(([, v]) => fm(v)).join(" + ")}), not ${usd(st.cost_to_us)}.`,
          ...(extra.length > 0
            ? [`With the line${extra.length > 1 ? "s" : ""} it leaves out (${extra.map((l) => `${l.name} ${fm(l.amount)}`).join(", ")}) the tier costs ${usd(e.cost)}.`]
            : [])
        ]
        : [`The sheet's lines at ${name}'s allowance sum to ${usd(e.cost)} (${computedList}).`]
      return { kind: "arithmetic", figure: `${name} cost_to_us`, stated: fm(st.cost_to_us), computed: fm(e.cost), explanation: parts.join(" ") }
    })
    if (st.margin !== undefined) {
      const stMargin = st.margin
      a.check(`tiers.${id}.margin`, where, eq(stMargin, e.margin), () => {
        const fromStated = BigDecimal.subtract(e.price, st.cost_to_us)
        return {
          kind: "arithmetic",
          figure: `${name} profit margin`,
          stated: fm(stMargin),
          computed: fm(e.margin),
          explanation: `Price ${usd(e.price)} − cost ${usd(e.cost)} = ${usd(e.margin)}.` +
            (eq(fromStated, stMargin)
              ? ` The stated margin follows from the stated cost ${usd(st.cost_to_us)}, which is itself wrong.`
              : ` The stated margin is not even price − stated cost (${usd(e.price)} − ${usd(st.cost_to_us)} = ${usd(fromStated)}).`)
        }
      })
    }
    if (st.margin_pct !== undefined) {
      const stPct = st.margin_pct
      a.check(`tiers.${id}.margin_pct`, where, statedPercentHolds(stPct, e.margin, e.price), () => {
        const fromStated = st.margin === undefined ? undefined : percent(st.margin, e.price)
        return {
          kind: "arithmetic",
          figure: `${name} margin %`,
          stated: plain(stPct),
          computed: e.marginPct === undefined ? "n/a" : formatPercent(e.marginPct),
          explanation: `${usd(e.margin)} / ${usd(e.price)} = ${pctText(e.marginPct)}.` +
            (fromStated !== undefined && st.margin !== undefined && statedPercentHolds(stPct, st.margin, e.price)
              ? ` The stated ${plain(stPct)}% follows from the stated margin ${usd(st.margin)} (${pctText(fromStated)}).`
              : "")
        }
      })
    }
    const bw = bandwidthAtAllowance(sheet, id)
    if (e.tier.multimodal && BigDecimal.isPositive(bw)) {
      const full = BigDecimal.sum(e.cost, bw)
      a.check(`tiers.${id}.cost_to_us.bandwidth`, where, BigDecimal.isGreaterThanOrEqualTo(st.cost_to_us, full), () => {
        const assumed = assumptionFor(sheet, id, "limits.bandwidth_gb")
        const gb = plain(e.tier.limits.bandwidth_gb!)
        const tr = sheet.stated.transfer_record
        return {
          kind: "omission",
          figure: `${name} cost_to_us (bandwidth)`,
          stated: fm(st.cost_to_us),
          computed: fm(full),
          explanation: `The cost breakdown has no bandwidth line, yet assets are served from JettyThunder: ${gb} GB × ` +
            `${usd(sheet.unit_prices.bandwidth_per_gb)}/GB = ${usd(bw)} a month at full allowance` +
            (tr.tier === id
              ? `, exactly what the plan's own internal billing record charges this tier (${plain(tr.bandwidth_gb)} GB → ${usd(tr.bandwidth)}).`
              : ".") +
            (assumed ? ` (The ${gb} GB allowance is this sheet's assumption: ${assumed}.)` : "") +
            ` Full cost ${usd(full)}, margin ${usd(BigDecimal.subtract(e.price, full))}.`
        }
      })
    }
  }
}

export const auditTransfer = (a: Auditor, sheet: Sheet): void => {
  const tr = sheet.stated.transfer_record
  const rec = transferRecord(sheet, tr.tier, {
    storageBytes: gbToBytes(tr.storage_gb),
    bandwidthBytes: gbToBytes(tr.bandwidth_gb),
    requests: BigInt(tr.requests)
  })
  const name = tierOf(sheet, tr.tier).name
  const p = sheet.unit_prices
  const simple = (key: string, stated: Money, computed: Money, how: string) =>
    a.check(`transfer_record.${key}`, TRANSFER, eq(stated, computed), () => ({
      kind: "arithmetic",
      figure: `Internal billing record ${key}`,
      stated: fm(stated),
      computed: fm(computed),
      explanation: how
    }))
  simple("storage", tr.storage, rec.internalCost.storage, `${plain(tr.storage_gb)} GB × ${usd(p.lyve_per_gb_month)}/GB-month.`)
  simple("bandwidth", tr.bandwidth, rec.internalCost.bandwidth, `${plain(tr.bandwidth_gb)} GB × ${usd(p.bandwidth_per_gb)}/GB.`)
  simple(
    "api_calls",
    tr.api_calls,
    rec.internalCost.apiCalls,
    `${tr.requests} requests × ${usd(p.jettythunder_api_per_block)} per ${p.jettythunder_api_block_requests} (pro-rated).`
  )
  simple("total", tr.total, rec.internalCost.total, `Storage + bandwidth + API calls, as recomputed.`)
  simple("charged_to_user", tr.charged_to_user, rec.chargedToUser, `The ${name} price.`)
  simple("margin", tr.margin, BigDecimal.subtract(tr.charged_to_user, tr.total), `Charged − internal total, on the stated figures.`)
  const ac = rec.fullCost.agentcache
  a.check(`transfer_record.margin.full_cost`, TRANSFER, eq(tr.margin, rec.fullCost.margin), () => ({
    kind: "omission",
    figure: "Internal billing record margin",
    stated: fm(tr.margin),
    computed: fm(rec.fullCost.margin),
    explanation: `${usd(tr.margin)} = ${usd(tr.charged_to_user)} − ${usd(tr.total)} counts only JettyThunder's bill. The same ${name} user ` +
      `also costs AgentCache Redis ${usd(ac.redis)}, Cloudflare Workers ${usd(ac.cloudflare)}, JettySpeed ${usd(ac.jettyspeed)} ` +
      `and text cache ${usd(ac.textCache)}: full cost ${usd(rec.fullCost.total)}, margin ${usd(rec.fullCost.margin)} (${pctText(rec.fullCost.marginPct)}).`
  }))
}

export const auditAccounting = (a: Auditor, sheet: Sheet): void => {
  const am = sheet.stated.accounting_model
  const tr = sheet.stated.transfer_record
  const tier = tierOf(sheet, am.tier)
  const ac = agentcacheCost(sheet, am.tier)
  // The diagram's JettyThunder box is the billing record's total when both are for the same tier; else the allowance.
  const jt = am.tier === tr.tier
    ? internalCost(sheet, { storageBytes: gbToBytes(tr.storage_gb), bandwidthBytes: gbToBytes(tr.bandwidth_gb), requests: BigInt(tr.requests) })
    : internalCost(sheet, {
      storageBytes: gbToBytes(tier.limits.storage_gb ?? ZERO),
      bandwidthBytes: gbToBytes(tier.limits.bandwidth_gb ?? ZERO),
      requests: BigInt(sheet.unit_prices.jettythunder_api_block_requests)
    })
  const box = (key: string, label: string, stated: Money, computed: Money) =>
    a.check(`accounting_model.${key}`, ACCOUNTING, eq(stated, computed), () => ({
      kind: "arithmetic",
      figure: `Accounting Model: ${label}`,
      stated: fm(stated),
      computed: fm(computed),
      explanation: `Recomputed for the ${tier.name} tier.`
    }))
  box("redis", "Redis costs", am.redis, ac.redis)
  box("cloudflare", "Cloudflare", am.cloudflare, ac.cloudflare)
  box("jettythunder", "JettyThunder costs", am.jettythunder, jt.total)
  const diagram = sumMoney([am.redis, am.cloudflare, am.jettythunder])
  const stTier = sheet.stated.tiers[am.tier]
  if (stTier !== undefined) {
    a.check(`accounting_model.vs_cost_to_us`, ACCOUNTING, eq(diagram, stTier.cost_to_us), () => ({
      kind: "omission",
      figure: `${tier.name} cost_to_us against the Accounting Model's boxes`,
      stated: fm(stTier.cost_to_us),
      computed: fm(diagram),
      explanation: `The diagram's boxes (Redis ${fm(am.redis)} + Cloudflare ${fm(am.cloudflare)} + JettyThunder ${fm(am.jettythunder)}) ` +
        `sum to ${usd(diagram)}, but the ${tier.name} table says cost_to_us ${usd(stTier.cost_to_us)}: the table leaves out the ` +
        `${usd(jt.bandwidth)} bandwidth the JettyThunder box includes. The plan gives two different costs for one user.`
    }))
  }
  const full = BigDecimal.sum(ac.total, jt.total)
  a.check(`accounting_model.jettyspeed`, ACCOUNTING, BigDecimal.isZero(ac.jettyspeed), () => ({
    kind: "omission",
    figure: "Accounting Model: JettySpeed overhead",
    stated: fm(diagram),
    computed: fm(BigDecimal.sum(diagram, ac.jettyspeed)),
    explanation: `No box carries the JettySpeed overhead (${usd(ac.jettyspeed)}) that the ${tier.name} tier table lists. ` +
      `All in (with text cache ${usd(ac.textCache)}), one ${tier.name} user costs ${usd(full)}, margin ${usd(BigDecimal.subtract(roundMoney(tier.price), full))}.`
  }))
}

export const auditOptimisations = (a: Auditor, sheet: Sheet): void => {
  const s = sheet.stated
  const hot = sheet.unit_prices.lyve_per_gb_month
  const cold = sheet.unit_prices.cold_per_gb_month
  const diff = BigDecimal.subtract(hot, cold)
  const cheaper = percent(diff, hot)
  a.check("cold_storage_saving_pct", TIERING, statedPercentHolds(s.cold_storage_saving_pct, diff, hot), () => {
    const wouldBe = BigDecimal.multiply(hot, BigDecimal.subtract(dec(1), BigDecimal.multiply(s.cold_storage_saving_pct, BigDecimal.make(1n, 2))))
    return {
      kind: "claim",
      figure: `Cold storage "${plain(s.cold_storage_saving_pct)}% cheaper"`,
      stated: plain(s.cold_storage_saving_pct),
      computed: cheaper === undefined ? "n/a" : formatPercent(cheaper),
      explanation: `(${plain(hot)} − ${plain(cold)}) / ${plain(hot)} per GB-month = ${pctText(cheaper)} cheaper (cold costs ` +
        `${pctText(percent(cold, hot))} of hot). ${plain(s.cold_storage_saving_pct)}% cheaper would be ${plain(wouldBe)}/GB.`
    }
  })
  a.unverifiable(
    "dedup_savings_pct",
    DEDUP,
    `${plain(s.dedup_savings_pct.min)}–${plain(s.dedup_savings_pct.max)}% equals the duplicate ratio, which the plan does not give; see savings.dedupSavings`
  )
  const perType = MEDIA_TYPES.map((m) => BigDecimal.multiply(BigDecimal.subtract(dec(1), sheet.media.compression_ratios[m]), dec(100)))
  const lo = perType.reduce((x, y) => BigDecimal.min(x, y))
  const hi = perType.reduce((x, y) => BigDecimal.max(x, y))
  const blended = blendedCompressionRatio(sheet)
  const range = s.compression_savings_pct
  a.check("compression_savings_pct", COMPRESSION, eq(range.min, lo) && eq(range.max, hi), () => ({
    kind: "claim",
    figure: `Compression "Estimated savings: ${plain(range.min)}-${plain(range.max)}%"`,
    stated: `${plain(range.min)}–${plain(range.max)}`,
    computed: `${plain(lo)}–${plain(hi)}`,
    explanation: `The sheet's ratios save ${MEDIA_TYPES.map((m, i) => `${m} ${plain(perType[i]!)}%`).join(", ")}.` +
      (blended === undefined ? "" : ` Blended by the default mix: ${plain(BigDecimal.multiply(BigDecimal.subtract(dec(1), blended), dec(100)))}%.`)
  }))
}
