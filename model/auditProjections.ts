// The audit of the plan's revenue figures: the 1,000-Pro projection, break-even and the success metrics, each stated
// figure recomputed from the sheet's inputs (conventions: audit.ts).
import * as BigDecimal from "effect/BigDecimal"
import { type Auditor, BREAK_EVEN, bandwidthAtAllowance, dec, eq, fm, lineAmount, pctText, plain } from "./auditReport.ts"
import { statedPercentHolds, SUCCESS, times, usd } from "./auditReport.ts"
import { breakEven, type CostBasis, fixedCostsOf, type Mix, unitEconomics, unitEconomicsVerdict } from "./breakeven.ts"
import { divideRounded, formatPercent, type Money, percent, roundMoney, sumMoney, ZERO } from "./money.ts"
import type { Sheet, TierId } from "./sheet.ts"
import { tierEconomics } from "./tiers.ts"

/** The plan's 1,000-Pro projection, each line recomputed; fixed costs, bandwidth and JettySpeed are its omissions. */
export const auditProjection = (a: Auditor, sheet: Sheet): void => {
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

export const auditBreakEven = (a: Auditor, sheet: Sheet): void => {
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

export const auditSuccess = (a: Auditor, sheet: Sheet): void => {
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
