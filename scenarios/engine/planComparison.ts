// The plan's own 1,000-Pro projection next to the engine's first month, line by line, with why each differs: the
// reasons are the model audit's findings (model/audit.ts), so the scenario report and `econ audit` say the same thing.
import * as BigDecimal from "effect/BigDecimal"
import { audit } from "../../model/audit.ts"
import { formatMoney, formatPercent, formatUsd, type Money, percent, sumMoney } from "../../model/index.ts"
import { LINES } from "./prepare.ts"
import type { Projection } from "./project.ts"

export interface PlanLine {
  readonly item: string
  /** the plan's figure, or null where the plan has no such line */
  readonly plan: string | null
  readonly engine: string
  /** engine − plan (money) or null */
  readonly difference: string | null
  readonly why: string
}

export const planComparison = (p: Projection, sheet: Parameters<typeof audit>[0]): ReadonlyArray<PlanLine> => {
  const pj = sheet.stated.projection_pro_1000
  const m = p.months[0]!
  const line = (name: (typeof LINES)[number]): Money => m.lines[LINES.indexOf(name)]!
  const findings = new Map(audit(sheet).findings.map((f) => [f.id, f]))
  const because = (key: string, fallback: string) => {
    const f = findings.get(`projection_pro_1000.${key}`)
    return f === undefined ? fallback : f.explanation
  }
  const users = m.users.reduce((a, b) => a + b, 0)
  const row = (item: string, plan: Money | null, engine: Money, key: string, note: string): PlanLine => {
    const same = plan !== null && BigDecimal.equals(plan, engine)
    return {
      item,
      plan: plan === null ? null : formatMoney(plan),
      engine: formatMoney(engine),
      difference: plan === null ? null : formatMoney(BigDecimal.subtract(engine, plan)),
      why: same ? "matches" : plan === null ? note : because(key, note)
    }
  }
  const requests = sheet.tiers.find((t) => t.id === "pro")?.limits.cache_requests ?? 0
  const rows: Array<PlanLine> = [
    row("revenue", pj.revenue, m.revenue, "revenue", "users × price"),
    row("redis", pj.redis, line("redis"), "redis", "Redis at the used share of the allowance"),
    row("lyve storage (hot + cold)", pj.lyve_storage, BigDecimal.sum(line("hot_storage"), line("cold_storage")), "lyve_storage",
      "storage at the used share of the allowance, after dedup, compression and tiering"),
    row("bandwidth", pj.bandwidth, line("bandwidth"), "bandwidth", "bandwidth at the used share of the allowance"),
    row("workers", null, line("workers"), "workers",
      BigDecimal.equals(pj.bandwidth, line("workers"))
        ? `not a line of the plan's projection: its "Bandwidth (Cloudflare)" ${formatUsd(pj.bandwidth)} is this Workers line`
        : "not a line of the plan's projection"),
    row("jettythunder api", pj.jettythunder_api, line("jettythunder_api"), "jettythunder_api", "the tier's flat API line per user"),
    row("jettyspeed", null, line("jettyspeed"), "jettyspeed", because("jettyspeed", "the tier table's JettySpeed overhead, left out of the projection")),
    row("text cache", null, line("text_cache"), "text_cache",
      `left out by the plan (and by the audit's all-in figures, hence their gap of this amount): ` +
        `${requests.toLocaleString("en-US")} requests × $${BigDecimal.format(sheet.unit_prices.text_cache_per_100k_requests)} ` +
        `per 100K (the plan's "Standard Cache" price) × ${users.toLocaleString("en-US")} users`),
    row("support", pj.support, line("support"), "support", "support per user × users"),
    row("total costs", pj.total_costs, sumMoney([m.variableCosts, m.fixed]), "total_costs", "all cost lines plus fixed costs"),
    row("net profit", pj.net_profit, m.netProfit, "net_profit", "revenue − all costs − fixed costs")
  ]
  const margin = percent(m.netProfit, m.revenue)
  rows.push({
    item: "net margin %",
    plan: BigDecimal.format(pj.margin_pct),
    engine: margin === undefined ? "n/a" : formatPercent(margin),
    difference: null,
    why: because("margin_pct", "net profit / revenue")
  })
  if (p.months.length >= 12) {
    const annual = p.months[11]!.cumulativeNetProfit
    rows.push(row("annual profit (12 months)", pj.annual_profit, annual, "annual_profit", "twelve months of net profit"))
  }
  return rows
}

// the notes read like the tables: money as "$2,500.00", a margin line as "37.7%"
const shownAs = (item: string, text: string): string =>
  item.includes("%") ? `${text}%` : formatUsd(BigDecimal.fromStringUnsafe(text))

/** One sentence per differing line, for the report's notes. */
export const planComparisonNotes = (rows: ReadonlyArray<PlanLine>): ReadonlyArray<string> =>
  rows
    .filter((r) => r.why !== "matches")
    .map((r) =>
      `${r.item}: plan ${r.plan === null ? "has no such line" : shownAs(r.item, r.plan)}, engine ${shownAs(r.item, r.engine)}` +
      `${r.difference === null ? "" : ` (${r.difference.startsWith("-") ? "" : "+"}${shownAs(r.item, r.difference)})`}. ${r.why}`
    )
