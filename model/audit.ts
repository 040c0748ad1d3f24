// The audit: recompute every figure the plan states (`sheet.stated`) from the sheet's inputs and list each one that does
// not hold, plus the bugs in the plan's sample code. A finding says what was stated, what we compute, and why they differ.
//
// Conventions. `computed` is the stated figure with THIS finding's flaw corrected on the section's own basis (so each
// finding isolates one flaw, and the figures match the plan's own method otherwise); the explanation then gives the
// all-in figure with every other flaw corrected too. Money is compared exactly. Percents: computed ones are the model's
// (`percent`: one decimal, half-even); a stated percent holds when the exact ratio, rounded half-even to as many
// decimals as the plan wrote (usually none: "79%"), equals it — so Pro's 78.57 % holds as "79".
import * as BigDecimal from "effect/BigDecimal"
import { breakEven, type CostBasis, fixedCostsOf, type Mix, unitEconomics, unitEconomicsVerdict } from "./breakeven.ts"
import { divideRounded, formatMoney, formatPercent, formatUsd, type Money, percent, roundMoney, sumMoney, ZERO } from "./money.ts"
import { isTierId, MEDIA_TYPES, type Sheet, type Stated, type TierId, tierOf } from "./sheet.ts"
import { blendedCompressionRatio } from "./savings.ts"
import { tierEconomics, type TierEconomics } from "./tiers.ts"
import { agentcacheCost, internalCost, transferRecord } from "./transfer.ts"
import { gbToBytes } from "./units.ts"

export type FindingKind = "arithmetic" | "omission" | "claim" | "code"
export const FINDING_KINDS: ReadonlyArray<FindingKind> = ["arithmetic", "omission", "claim", "code"]

export interface Finding {
  /** Stable across runs and sheet edits: section.figure[.flaw]. */
  readonly id: string
  readonly kind: FindingKind
  /** The figure in the plan's words. */
  readonly figure: string
  /** The plan's section. */
  readonly where: string
  readonly stated: string
  readonly computed: string
  readonly explanation: string
}

export type CheckStatus = "holds" | "fails" | "unverifiable"

/** Every figure looked at, including those that hold: the audit's coverage. */
export interface Check {
  readonly id: string
  readonly where: string
  readonly status: CheckStatus
  readonly note?: string
}

export interface AuditReport {
  readonly findings: ReadonlyArray<Finding>
  readonly checks: ReadonlyArray<Check>
}

export interface AuditOptions {
  /** Only these kinds (default: all). */
  readonly kinds?: ReadonlyArray<FindingKind>
}

const fm = formatMoney
const usd = formatUsd
const pctText = (p: BigDecimal.BigDecimal | undefined) => (p === undefined ? "n/a" : `${formatPercent(p)}%`)
const dec = (n: number | bigint) => BigDecimal.fromBigInt(BigInt(n))
const eq = BigDecimal.equals
const times = (m: Money, n: number | bigint) => BigDecimal.multiply(m, dec(n))
const plain = (d: BigDecimal.BigDecimal) => BigDecimal.format(BigDecimal.normalize(d))

/** Does the stated percent equal num/den × 100 rounded half-even to the stated number of decimals? */
export const statedPercentHolds = (stated: BigDecimal.BigDecimal, num: Money, den: Money): boolean => {
  if (BigDecimal.isZero(den)) return false
  const places = Math.max(0, BigDecimal.normalize(stated).scale)
  return eq(divideRounded(BigDecimal.multiply(num, dec(100)), den, places, "half-even"), stated)
}

const TIER_SECTION = (name: string) => `Tiered Storage Allocation › ${name} Tier`
const TRANSFER = "Cost Allocation Strategy › Internal Transfer Pricing"
const ACCOUNTING = "Cost Allocation Strategy › Accounting Model"
const TIERING = "Storage Cost Optimization › 1. Intelligent Tiering"
const DEDUP = "Storage Cost Optimization › 2. Deduplication"
const COMPRESSION = "Storage Cost Optimization › 3. Compression"
const BREAK_EVEN = "Revenue Projections › Break-Even Analysis"
const SUCCESS = "Success Metrics"
const SCHEMA = "Implementation: Quota Management › Database Schema"
const QUOTA_API = "Implementation: Quota Management › API Endpoint: Check Quota"
const ENFORCEMENT = "Implementation: Quota Management › Quota Enforcement"
const ANOMALY = "Monitoring & Alerts › Cost Anomaly Detection"
const DASHBOARD = "Monitoring & Alerts › Financial Dashboard"

class Auditor {
  readonly findings: Array<Finding> = []
  readonly checks: Array<Check> = []

  /** Record a check; when it fails, the finding's details are built (lazily: they may compute more). */
  check(
    id: string,
    where: string,
    holds: boolean,
    finding: () => Omit<Finding, "id" | "where">
  ): void {
    this.checks.push({ id, where, status: holds ? "holds" : "fails" })
    if (!holds) {
      const f = finding()
      this.findings.push({
        id,
        kind: f.kind,
        figure: f.figure,
        where,
        stated: f.stated,
        computed: f.computed,
        explanation: f.explanation
      })
    }
  }

  unverifiable(id: string, where: string, note: string): void {
    this.checks.push({ id, where, status: "unverifiable", note })
  }
}

const lineAmount = (e: TierEconomics, name: string): Money | undefined => e.lines.find((l) => l.name === name)?.amount

const bandwidthAtAllowance = (sheet: Sheet, id: TierId): Money => {
  const gb = tierOf(sheet, id).limits.bandwidth_gb
  return gb === null ? ZERO : roundMoney(BigDecimal.multiply(gb, sheet.unit_prices.bandwidth_per_gb))
}

const assumptionFor = (sheet: Sheet, id: TierId, field: string): string | undefined =>
  tierOf(sheet, id).assumptions?.find((a) => a.field === field)?.reason

const auditTiers = (a: Auditor, sheet: Sheet): void => {
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

const auditTransfer = (a: Auditor, sheet: Sheet): void => {
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

const auditAccounting = (a: Auditor, sheet: Sheet): void => {
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

const auditOptimisations = (a: Auditor, sheet: Sheet): void => {
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
  const perHit = s.dedup_cost_saved_per_hit
  const gbForConstant = BigDecimal.isZero(hot) ? undefined : BigDecimal.normalize(divideRounded(perHit, hot, 3, "half-even"))
  a.check("code.dedup_constant", DEDUP, false, () => ({
    kind: "code",
    figure: `Deduplication sample: cost_saved: "$${fm(perHit)}"`,
    stated: `${fm(perHit)} per duplicate hit (a constant)`,
    computed: `duplicate size (GB) × ${fm(hot)} per month kept`,
    explanation: `A duplicate saves its own size × the storage price for as long as the second copy would have been kept. ` +
      (gbForConstant === undefined ? "" : `${usd(perHit)} is what a ${plain(gbForConstant)} GB duplicate saves in a month; `) +
      `a 5 MB image saves ${plain(BigDecimal.multiply(BigDecimal.make(5n, 3), hot))} a month (${usd(roundMoney(BigDecimal.multiply(BigDecimal.make(5n, 3), hot)))} booked). ` +
      `Summing the constant overstates savings by orders of magnitude for typical assets.`
  }))
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

/** The plan's 1,000-Pro projection, each line recomputed; fixed costs, bandwidth and JettySpeed are its omissions. */
const auditProjection = (a: Auditor, sheet: Sheet): void => {
  const pj = sheet.stated.projection_pro_1000
  const where = `Revenue Projections › Scenario: ${pj.users.toLocaleString("en-US")} Pro Users`
  const id: TierId = "pro"
  const e = tierEconomics(sheet, id)
  const n = pj.users
  const nText = n.toLocaleString("en-US")
  const line = (name: string) => times(lineAmount(e, name) ?? ZERO, n)
  const fixed = fixedCostsOf(sheet)
  const support = times(roundMoney(sheet.support_per_user_month), n)
  const bandwidth = times(bandwidthAtAllowance(sheet, id), n)
  const jettyspeed = line("jettyspeed")
  const workers = line("workers")
  const simple = (key: string, stated: Money, computed: Money, how: string) =>
    a.check(`projection_pro_1000.${key}`, where, eq(stated, computed), () => ({
      kind: "arithmetic",
      figure: `Projection: ${key}`,
      stated: fm(stated),
      computed: fm(computed),
      explanation: how
    }))
  simple("revenue", pj.revenue, times(e.price, n), `${nText} × ${usd(e.price)}.`)
  simple("redis", pj.redis, line("redis"), `${nText} × Redis ${usd(lineAmount(e, "redis") ?? ZERO)}.`)
  simple("lyve_storage", pj.lyve_storage, line("lyve_storage"), `${nText} × Lyve storage ${usd(lineAmount(e, "lyve_storage") ?? ZERO)}.`)
  simple("jettythunder_api", pj.jettythunder_api, line("jettythunder_api"), `${nText} × JettyThunder API ${usd(lineAmount(e, "jettythunder_api") ?? ZERO)}.`)
  simple("support", pj.support, support, `${nText} × support ${usd(sheet.support_per_user_month)} per user.`)
  a.check("projection_pro_1000.bandwidth", where, eq(pj.bandwidth, bandwidth), () => ({
    kind: "omission",
    figure: `Projection: "Bandwidth (Cloudflare)"`,
    stated: fm(pj.bandwidth),
    computed: fm(bandwidth),
    explanation: (eq(pj.bandwidth, workers)
      ? `${usd(pj.bandwidth)} is ${nText} × the Cloudflare Workers line (${usd(lineAmount(e, "workers") ?? ZERO)}), not bandwidth. `
      : "") +
      `Bandwidth at the ${plain(e.tier.limits.bandwidth_gb ?? ZERO)} GB allowance, as the plan's billing record charges it, is ` +
      `${nText} × ${usd(bandwidthAtAllowance(sheet, id))} = ${usd(bandwidth)}, and it is missing from the costs.`
  }))
  a.check("projection_pro_1000.jettyspeed", where, BigDecimal.isZero(jettyspeed), () => ({
    kind: "omission",
    figure: "Projection: JettySpeed overhead",
    stated: "absent",
    computed: fm(jettyspeed),
    explanation: `The Pro tier table lists JettySpeed overhead ${usd(lineAmount(e, "jettyspeed") ?? ZERO)} a user; ${nText} users cost ${usd(jettyspeed)}, not in the projection.`
  }))
  const listed = sumMoney([pj.redis, pj.lyve_storage, pj.bandwidth, pj.jettythunder_api, pj.support])
  const withFixed = BigDecimal.sum(listed, fixed)
  const allIn = sumMoney([listed, fixed, bandwidth, jettyspeed])
  const netFixed = BigDecimal.subtract(pj.revenue, withFixed)
  const netAllIn = BigDecimal.subtract(pj.revenue, allIn)
  const allInNote = `All in (plus bandwidth ${usd(bandwidth)} and JettySpeed ${usd(jettyspeed)}, see their findings): `
  // Each total below fails as an "omission" when it follows from the figure before it (the flaw is the left-out fixed
  // costs), and as "arithmetic" when it does not even follow from that.
  const totalFollows = eq(pj.total_costs, listed)
  a.check("projection_pro_1000.total_costs", where, eq(pj.total_costs, withFixed), () => ({
    kind: totalFollows ? "omission" : "arithmetic",
    figure: "Projection: Total Costs",
    stated: fm(pj.total_costs),
    computed: fm(withFixed),
    explanation: (totalFollows
      ? `The listed lines do add to ${usd(listed)}, but`
      : `The listed lines add to ${usd(listed)}, not ${usd(pj.total_costs)}, and`) +
      ` the ${usd(fixed)} monthly fixed costs of the Break-Even Analysis (infrastructure, support, development) are left out: ` +
      `${usd(withFixed)}. ${allInNote}${usd(allIn)}.`
  }))
  const netFollows = eq(pj.net_profit, BigDecimal.subtract(pj.revenue, pj.total_costs))
  a.check("projection_pro_1000.net_profit", where, eq(pj.net_profit, netFixed), () => ({
    kind: netFollows ? "omission" : "arithmetic",
    figure: "Projection: Net Profit",
    stated: fm(pj.net_profit),
    computed: fm(netFixed),
    explanation: `${usd(pj.revenue)} − ${usd(pj.total_costs)} = ${usd(BigDecimal.subtract(pj.revenue, pj.total_costs))}` +
      (netFollows ? " is before fixed costs" : `, not ${usd(pj.net_profit)}`) +
      `; net of ${usd(fixed)} fixed it is ${usd(netFixed)}. ${allInNote}${usd(netAllIn)}.`
  }))
  const pctFixed = percent(netFixed, pj.revenue)
  const pctFollows = statedPercentHolds(pj.margin_pct, pj.net_profit, pj.revenue)
  a.check("projection_pro_1000.margin_pct", where, statedPercentHolds(pj.margin_pct, netFixed, pj.revenue), () => ({
    kind: pctFollows ? "omission" : "arithmetic",
    figure: "Projection: net margin %",
    stated: plain(pj.margin_pct),
    computed: pctFixed === undefined ? "n/a" : formatPercent(pctFixed),
    explanation: `${usd(pj.net_profit)} / ${usd(pj.revenue)} = ${pctText(percent(pj.net_profit, pj.revenue))}` +
      (pctFollows ? " matches the stated figures, which leave out fixed costs" : `, not ${plain(pj.margin_pct)}%`) +
      `; net of fixed costs ${usd(netFixed)} / ${usd(pj.revenue)} = ${pctText(pctFixed)}. All in: ${pctText(percent(netAllIn, pj.revenue))}.`
  }))
  const annualFollows = eq(pj.annual_profit, times(pj.net_profit, 12))
  a.check("projection_pro_1000.annual_profit", where, eq(pj.annual_profit, times(netFixed, 12)), () => ({
    kind: annualFollows ? "omission" : "arithmetic",
    figure: "Projection: Annual Projection",
    stated: fm(pj.annual_profit),
    computed: fm(times(netFixed, 12)),
    explanation: (annualFollows ? `12 × the stated ${usd(pj.net_profit)}, which leaves out fixed costs; ` : `Not 12 × the stated ${usd(pj.net_profit)} either; `) +
      `12 × ${usd(netFixed)} net of fixed costs = ${usd(times(netFixed, 12))}. All in: 12 × ${usd(netAllIn)} = ${usd(times(netAllIn, 12))}.`
  }))
}

const auditBreakEven = (a: Auditor, sheet: Sheet): void => {
  const s = sheet.stated
  a.check("fixed_costs_total", BREAK_EVEN, eq(s.fixed_costs_total, fixedCostsOf(sheet)), () => ({
    kind: "arithmetic",
    figure: "Fixed costs total",
    stated: fm(s.fixed_costs_total),
    computed: fm(fixedCostsOf(sheet)),
    explanation: `Sum of the sheet's fixed costs: ${Object.entries(sheet.fixed_costs).map(([k, v]) => `${k} ${fm(v)}`).join(", ")}.`
  }))
  const be = s.break_even
  const mix: Mix = { [be.tier]: 1n }
  const e = tierEconomics(sheet, be.tier)
  const name = e.tier.name
  const users = (basis: CostBasis) => {
    const r = breakEven(sheet, mix, basis)
    return r._tag === "Reached" ? r.users.toString() : "never"
  }
  const r = breakEven(sheet, mix)
  const fixed = fixedCostsOf(sheet)
  const contribution = BigDecimal.subtract(e.price, e.cost)
  a.check("break_even.users", BREAK_EVEN, r._tag === "Reached" && r.users === BigInt(be.users), () => ({
    // with no break-even at all, the figure is a false claim rather than a miscount
    kind: r._tag === "Reached" ? "arithmetic" : "claim",
    figure: `Break-even: ${be.users} ${name} users`,
    stated: String(be.users),
    computed: r._tag === "Reached" ? r.users.toString() : "never",
    explanation: `Each ${name} user contributes ${usd(e.price)} − ${usd(e.cost)} = ${usd(contribution)}; ` +
      (BigDecimal.isPositive(contribution)
        ? `${usd(fixed)} fixed / ${usd(contribution)} = ${plain(divideRounded(fixed, contribution, 1, "half-even"))}`
        : `no number of users covers ${usd(fixed)} of fixed costs`) +
      (r._tag === "Reached" && r.before !== undefined
        ? `, so the least N with net ≥ 0 is ${r.users} (net ${usd(r.at.net)}; at ${r.before.users}: ${usd(r.before.net)}).`
        : ".") +
      ` With ${usd(sheet.support_per_user_month)} support per user: ${users({ withSupport: true })}; with bandwidth at allowance: ` +
      `${users({ withBandwidth: true })}; with both: ${users({ withSupport: true, withBandwidth: true })}.`
  }))
  const revenueAt = times(e.price, be.users)
  a.check("break_even.revenue", BREAK_EVEN, eq(be.revenue, revenueAt), () => ({
    kind: "arithmetic",
    figure: `Break-even revenue at ${be.users} users`,
    stated: fm(be.revenue),
    computed: fm(revenueAt),
    explanation: `${be.users} × ${usd(e.price)}.`
  }))
  const at = unitEconomics(sheet, mix, BigInt(be.users))
  a.check("break_even.profit", BREAK_EVEN, eq(be.profit, at.net), () => ({
    kind: "arithmetic",
    figure: `Break-even "${usd(be.profit)} profit covers fixed costs"`,
    stated: fm(be.profit),
    computed: fm(at.net),
    explanation: `At ${be.users} users the contribution is ${be.users} × ${usd(contribution)} = ${usd(at.contribution)}, ` +
      `${usd(BigDecimal.negate(at.net))} short of the ${usd(fixed)} fixed costs: net ${usd(at.net)}. ` +
      `${usd(be.profit)} matches neither the contribution nor the net.`
  }))
  a.check("break_even.margin_pct", BREAK_EVEN, statedPercentHolds(be.margin_pct, at.net, at.revenue), () => ({
    kind: "arithmetic",
    figure: `Break-even "at ${plain(be.margin_pct)}% margin"`,
    stated: plain(be.margin_pct),
    computed: at.netMarginPct === undefined ? "n/a" : formatPercent(at.netMarginPct),
    explanation: `Net ${usd(at.net)} / revenue ${usd(at.revenue)} = ${pctText(at.netMarginPct)}; ` +
      `even the stated ${usd(be.profit)} / ${usd(be.revenue)} would be ${pctText(percent(be.profit, be.revenue))}, not ${plain(be.margin_pct)}%.`
  }))
}

const auditSuccess = (a: Auditor, sheet: Sheet): void => {
  const sm = sheet.stated.success_metrics
  const n = BigInt(sm.paying_users)
  if (n === 0n) {
    a.unverifiable("success_metrics.revenue", SUCCESS, "no paying users stated")
    return
  }
  const arpu = divideRounded(sm.revenue, dec(n), 2, "half-even")
  const exact = eq(times(arpu, n), sm.revenue)
  const match = sheet.tiers.find((t) => exact && eq(roundMoney(t.price), arpu))
  const paid = sheet.tiers.filter((t) => BigDecimal.isPositive(t.price) && !t.price_is_minimum)
  const cheapest = paid.reduce<typeof paid[number] | undefined>((m, t) => (m === undefined || BigDecimal.isLessThan(t.price, m.price) ? t : m), undefined)
  a.check("success_metrics.revenue", SUCCESS, false, () => ({
    kind: "claim",
    figure: `${sm.paying_users} paying users → ${usd(sm.revenue)}/month`,
    stated: `${fm(sm.revenue)} from ${sm.paying_users} users`,
    computed: `ARPU ${fm(arpu)}${match ? ` = the ${match.name} price` : ""}`,
    explanation: `The target needs an average of ${usd(arpu)} per paying user` +
      (match ? `: every one of them on ${match.name}, or a mix of cheaper and dearer tiers averaging exactly that. ` : ". ") +
      (cheapest ? `${sm.paying_users} users all on ${cheapest.name} bring ${usd(times(roundMoney(cheapest.price), n))}.` : "")
  }))
  if (match === undefined) {
    a.unverifiable("success_metrics.margin_pct_min", SUCCESS, "no single tier gives the stated ARPU; the margin depends on the mix")
  } else {
    const mix: Mix = { [match.id]: 1n }
    const ue = unitEconomics(sheet, mix, n, { withSupport: true })
    const allIn = unitEconomics(sheet, mix, n, { withSupport: true, withBandwidth: true })
    const target = sm.margin_pct_min
    const holds = BigDecimal.isGreaterThanOrEqualTo(BigDecimal.multiply(ue.net, dec(100)), BigDecimal.multiply(target, ue.revenue))
    a.check("success_metrics.margin_pct_min", SUCCESS, holds, () => ({
      kind: "claim",
      figure: `"${plain(target)}%+ profit margin"`,
      stated: `≥ ${plain(target)}`,
      computed: ue.netMarginPct === undefined ? "n/a" : formatPercent(ue.netMarginPct),
      explanation: `${sm.paying_users} ${match.name} users on the projection's basis: revenue ${usd(ue.revenue)} − tier costs ${usd(ue.variableCost)} ` +
        `− support ${usd(ue.support)} − fixed ${usd(ue.fixed)} = ${usd(ue.net)} net (${pctText(ue.netMarginPct)}). ` +
        `Before fixed costs ${pctText(ue.contributionMarginPct)}; with bandwidth at allowance ${pctText(allIn.netMarginPct)} net. ` +
        `Only the tier's own gross margin (${pctText(tierEconomics(sheet, match.id).marginPct)}) clears ${plain(target)}%.`
    }))
    const small = BigInt(sm.positive_unit_economics_users)
    const at = unitEconomics(sheet, mix, small, { withSupport: true })
    const r = breakEven(sheet, mix, { withSupport: true })
    const verdict = unitEconomicsVerdict(at.contribution, small)
    a.check("success_metrics.positive_unit_economics_users", SUCCESS, verdict.positive, () => ({
      kind: "claim",
      figure: `"Positive unit economics at ${sm.positive_unit_economics_users} users"`,
      stated: `contribution per paying user > 0 at ${sm.positive_unit_economics_users} users (before fixed costs)`,
      computed: fm(verdict.perPayingUser ?? ZERO),
      explanation: `Unit economics are what each paying user brings after the costs they cause (tier costs and support), before ` +
        `fixed costs: ${usd(verdict.perPayingUser ?? ZERO)} per ${match.name} user. Covering the ${usd(at.fixed)} of fixed costs is ` +
        `break-even, a separate question: ${sm.positive_unit_economics_users} users bring ${usd(at.contribution)}, net ${usd(at.net)}; ` +
        (r._tag === "Reached" ? `net turns positive at ${r.users} users.` : r.reason)
    }))
  }
  a.unverifiable("success_metrics.churn_pct_max", SUCCESS, "churn is not derivable from the sheet")
}

/** The plan's sample code, read against the model: each bug, with the figures from this sheet that show it. */
const auditCode = (a: Auditor, sheet: Sheet): void => {
  const pro = tierOf(sheet, "pro")
  const proGb = pro.limits.storage_gb ?? dec(20)
  const gibInGb = BigDecimal.multiply(proGb, BigDecimal.make(1_073_741_824n, 9))
  a.check("code.gib_vs_gb", ENFORCEMENT, false, () => ({
    kind: "code",
    figure: "assetSizeGB = asset.length / (1024 ** 3)",
    stated: "bytes / 2^30 (GiB)",
    computed: "bytes / 10^9 (GB)",
    explanation: `Limits and $/GB prices are decimal GB (10^9 bytes); dividing by 2^30 counts every asset 6.87% small, so ` +
      `${pro.name}'s ${plain(proGb)} GB quota admits ${plain(roundMoney(gibInGb))} GB and storage is booked 6.87% low.`
  }))
  a.check("code.decimal_10_2", SCHEMA, false, () => ({
    kind: "code",
    figure: "jettythunder_used_gb DECIMAL(10,2)",
    stated: "usage in GB to 2 decimals (10 MB steps)",
    computed: "usage in bytes, BIGINT",
    explanation: `Each upload adds its size rounded to 0.01 GB: an asset under 5 MB (5.37 MB with the code's GiB) adds 0.00, ` +
      `so any number of small assets uses no quota; 5–15 MB all book 0.01 GB. Errors accumulate with every upload.`
  }))
  a.check("code.decimal_string_concat", ENFORCEMENT, false, () => ({
    kind: "code",
    figure: "quota.jettythunder_used_gb + assetSizeGB > quota.jettythunder_limit_gb",
    stated: "numeric addition",
    computed: "string concatenation (DECIMAL arrives as a string)",
    explanation: `node-postgres returns DECIMAL columns as strings, so "1.50" + 0.004 is "1.500.004"; comparing that with the limit ` +
      `coerces it to NaN and NaN > 20 is false: the check never denies. Parse the column (or keep bytes as BIGINT).`
  }))
  const zeroLimit = sheet.tiers.filter((t) => t.limits.storage_gb !== null && BigDecimal.isZero(t.limits.storage_gb)).map((t) => t.name)
  a.check("code.percent_zero_limit", QUOTA_API, zeroLimit.length === 0, () => ({
    kind: "code",
    figure: "jettythunder_used_gb / jettythunder_limit_gb * 100",
    stated: "divides by the limit",
    computed: "0% when unused, 100% when used, on a zero limit (quota.usagePercent)",
    explanation: `${zeroLimit.join(", ")} ${zeroLimit.length > 1 ? "have" : "has"} a 0 GB storage limit: PostgreSQL raises ` +
      `"division by zero", so the quota endpoint fails for every such user.`
  }))
  a.check("code.alert_usage_percent", ANOMALY, false, () => ({
    kind: "code",
    figure: "Math.round(user.usage_percent)",
    stated: "usage_percent",
    computed: "not selected by the query (undefined)",
    explanation: `The query selects user_id, tier and jettythunder_used_gb only, so every alert reads "Storage at NaN%". ` +
      `Select used and limit and compute the percent (quota.usagePercent, rounded down).`
  }))
  a.check("code.tiering_timestamp", TIERING, false, () => ({
    kind: "code",
    figure: "asset.lastAccessed > 30 days",
    stated: "a timestamp compared with a duration",
    computed: `now − lastAccessed > ${sheet.tiering.cold_after_days} days (tiering.decideTiering)`,
    explanation: `A last-access timestamp is "greater than 30 days" for any date after 31 January 1970, so every asset with a low ` +
      `hit rate moves to cold storage however recently it was read (and "30 days" is not JavaScript).`
  }))
  a.check("code.tiering_gap", TIERING, false, () => ({
    kind: "code",
    figure: `hitRate < ${plain(sheet.tiering.cold_max_hit_rate)} … hitRate > ${plain(sheet.tiering.hot_min_hit_rate)}`,
    stated: "two rules",
    computed: `hit rates in [${plain(sheet.tiering.cold_max_hit_rate)}, ${plain(sheet.tiering.hot_min_hit_rate)}] stay where they are`,
    explanation: `Nothing says what happens between the thresholds, nor how a cold asset returns: the model makes both explicit ` +
      `(stay; back to hot only above ${plain(sheet.tiering.hot_min_hit_rate)}).`
  }))
  const s = tierEconomics(sheet, "starter")
  const b = tierEconomics(sheet, "business")
  const meanOfRatios = percent(
    BigDecimal.sum(BigDecimal.multiply(s.margin, b.price), BigDecimal.multiply(b.margin, s.price)),
    BigDecimal.multiply(dec(2), BigDecimal.multiply(s.price, b.price))
  )
  const weighted = percent(BigDecimal.sum(s.margin, b.margin), BigDecimal.sum(s.price, b.price))
  a.check("code.dashboard_avg_margin", DASHBOARD, false, () => ({
    kind: "code",
    figure: "AVG((monthly_cost - internal_cost) / monthly_cost * 100)",
    stated: "mean of per-user margins",
    computed: "SUM(monthly_cost - internal_cost) / NULLIF(SUM(monthly_cost), 0) * 100",
    explanation: `Free users have monthly_cost 0: PostgreSQL raises "division by zero" and the report fails. And a mean of ratios ` +
      `weights a ${usd(s.price)} user like a ${usd(b.price)} one: one ${s.tier.name} + one ${b.tier.name} user average ` +
      `${pctText(meanOfRatios)}, but the business earns ${pctText(weighted)} of its revenue.`
  }))
  a.check("code.dashboard_month", DASHBOARD, false, () => ({
    kind: "code",
    figure: "DATE_TRUNC('month', created_at) … FROM user_storage_quotas",
    stated: "monthly report",
    computed: "one row per user per billing period (period_start)",
    explanation: `user_storage_quotas has one row per user (user_id is its key) and created_at is when that row was made, ` +
      `so each user is counted only in their sign-up month, with today's prices: the report has no history.`
  }))
  const proLimit = proGb
  const chunk = roundMoney(BigDecimal.multiply(proLimit, BigDecimal.make(75n, 2)))
  a.check("code.check_then_update", ENFORCEMENT, false, () => ({
    kind: "code",
    figure: "getQuota → check → upload → UPDATE … + $1",
    stated: "check, then update",
    computed: "one atomic reserve before the upload (released if the upload fails)",
    explanation: `Two concurrent ${plain(chunk)} GB uploads by a ${pro.name} user at 0 GB both pass the check ` +
      `(${plain(chunk)} ≤ ${plain(proLimit)}) and ${plain(BigDecimal.multiply(chunk, dec(2)))} GB is stored against a ` +
      `${plain(proLimit)} GB limit; an upload that succeeds before a failed UPDATE is never counted.`
  }))
}

/** Recompute every stated figure; return the findings (figures that do not hold, and code bugs) and all checks made. */
export const audit = (sheet: Sheet, options: AuditOptions = {}): AuditReport => {
  const a = new Auditor()
  auditTiers(a, sheet)
  auditTransfer(a, sheet)
  auditAccounting(a, sheet)
  auditOptimisations(a, sheet)
  auditProjection(a, sheet)
  auditBreakEven(a, sheet)
  auditSuccess(a, sheet)
  auditCode(a, sheet)
  const kinds = options.kinds
  return {
    findings: kinds === undefined ? a.findings : a.findings.filter((f) => kinds.includes(f.kind)),
    checks: a.checks
  }
}

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
