// A fixed, realistic scenario for golden tests and demos: 36 months, 5 tiers, per-user costs from the storage-economics
// plan, fixed costs that step up with hiring, plus Monte Carlo bands, a tornado and a two-way table. Deterministic.
import * as BigDecimal from "effect/BigDecimal"
import { divideRounded, formatMoney, money, roundMoney, sumMoney, ZERO, type Money } from "../../model/money.ts"
import type { MonthFigures, ProjectionRow, ScenarioSummary } from "../engine/summaryContract.ts"

interface TierPlan {
  readonly name: string
  readonly price: string
  /** per-user monthly cost by line, dollars */
  readonly cost: Readonly<Record<string, string>>
  readonly users: (t: number) => number
}

export interface FixtureParams {
  readonly name: string
  /** multiplies monthly growth of paid tiers (1 = the fixture's base case) */
  readonly growth: number
  /** the Redis line in percent of the base case (the plan's Upstash price vs a later quote) */
  readonly redisCents: number
  readonly months: number
  readonly start: string
}

const base: FixtureParams = { name: "base-2026", growth: 1, redisCents: 100, months: 36, start: "2026-01" }

const tierPlans = (p: FixtureParams): ReadonlyArray<TierPlan> => [
  {
    name: "free",
    price: "0",
    cost: { redis: "0.15", workers: "0.10", text_cache: "0.05", support: "0.20" },
    users: (t) => Math.round(500 * 1.1 ** t)
  },
  {
    name: "starter",
    price: "19",
    cost: { redis: "1.50", hot_storage: "0.08", cold_storage: "0.02", bandwidth: "0.40", workers: "0.50", jettythunder_api: "0.50", text_cache: "0.10", support: "1.00" },
    users: (t) => Math.round(45 * (1 + 0.12 * p.growth) ** t)
  },
  {
    name: "pro",
    price: "49",
    cost: { redis: "7.50", hot_storage: "0.80", cold_storage: "0.20", bandwidth: "2.50", workers: "1.00", jettythunder_api: "0.50", jettyspeed: "0.50", text_cache: "0.25", support: "3.00" },
    users: (t) => Math.round(30 * (1 + 0.13 * p.growth) ** t)
  },
  {
    name: "business",
    price: "149",
    cost: { redis: "30.00", hot_storage: "4.00", cold_storage: "1.00", bandwidth: "10.00", workers: "2.00", jettythunder_api: "1.00", jettyspeed: "1.00", text_cache: "0.75", support: "8.00" },
    users: (t) => Math.round(5 * (1 + 0.12 * p.growth) ** t)
  },
  {
    name: "enterprise",
    price: "500",
    cost: { redis: "120.00", hot_storage: "40.00", cold_storage: "10.00", bandwidth: "60.00", workers: "8.00", jettythunder_api: "4.00", jettyspeed: "4.00", text_cache: "3.00", support: "40.00" },
    users: (t) => (t < 6 ? 0 : 1 + Math.floor((t - 6) / 5))
  }
]

const LINES = ["redis", "hot_storage", "cold_storage", "bandwidth", "workers", "jettythunder_api", "jettyspeed", "text_cache", "support"]
const POOL_LINES = new Set(["hot_storage", "cold_storage", "bandwidth", "jettythunder_api", "jettyspeed"])

const monthKey = (start: string, t: number): string => {
  const m0 = Number(start.slice(0, 4)) * 12 + Number(start.slice(5, 7)) - 1 + t
  return `${Math.floor(m0 / 12)}-${String((m0 % 12) + 1).padStart(2, "0")}`
}

// hiring plan: two engineers + infra + support, a third engineer in year 2, a sales hire in year 3
const fixedCost = (t: number): Money => money(t < 12 ? "12500" : t < 24 ? "18000" : "22500")

const times = (users: number, price: string): Money => BigDecimal.multiply(BigDecimal.fromBigInt(BigInt(users)), money(price))

const fmt = (m: Money): string => formatMoney(m)

export interface Fixture {
  readonly summary: ScenarioSummary
  readonly rows: ReadonlyArray<ProjectionRow>
}

export const buildFixture = (overrides: Partial<FixtureParams> = {}): Fixture => {
  const p = { ...base, ...overrides }
  const plans = tierPlans(p)
  const redisFactor = BigDecimal.make(BigInt(p.redisCents), 2)
  const months: Array<MonthFigures> = []
  const rows: Array<ProjectionRow> = []
  let cumulative = ZERO
  let breakEven: string | null = null
  for (let t = 0; t < p.months; t++) {
    const month = monthKey(p.start, t)
    const users: Record<string, number> = {}
    const costTotals = new Map<string, Money>(LINES.map((l) => [l, ZERO]))
    let revenue = ZERO
    for (const tier of plans) {
      const n = tier.users(t)
      users[tier.name] = n
      const tierRevenue = times(n, tier.price)
      revenue = BigDecimal.sum(revenue, tierRevenue)
      const row: Record<string, string | number> = { month, tier: tier.name, users: n, revenue: fmt(tierRevenue) }
      const tierCosts: Array<Money> = []
      for (const line of LINES) {
        const perUser = tier.cost[line]
        let c = perUser === undefined ? ZERO : times(n, perUser)
        if (line === "redis") c = roundMoney(BigDecimal.multiply(c, redisFactor))
        row[line] = fmt(c)
        tierCosts.push(c)
        costTotals.set(line, BigDecimal.sum(costTotals.get(line)!, c))
      }
      const gross = BigDecimal.subtract(tierRevenue, sumMoney(tierCosts))
      row["gross_profit"] = fmt(gross)
      rows.push(row as ProjectionRow)
    }
    const variable = sumMoney(costTotals.values())
    const gross = BigDecimal.subtract(revenue, variable)
    const fixed = fixedCost(t)
    const net = BigDecimal.subtract(gross, fixed)
    cumulative = BigDecimal.sum(cumulative, net)
    if (breakEven === null && !BigDecimal.isNegative(net)) breakEven = month
    const pool = sumMoney([...costTotals].filter(([l]) => POOL_LINES.has(l)).map(([, v]) => v))
    months.push({
      month,
      users,
      revenue: fmt(revenue),
      costs: Object.fromEntries([...costTotals].map(([l, v]) => [l, fmt(v)])),
      gross_profit: fmt(gross),
      gross_margin_pct: BigDecimal.isZero(revenue)
        ? null
        : fmt(divideRounded(BigDecimal.multiply(gross, money("100")), revenue, 2, "half-even")),
      fixed: fmt(fixed),
      net_profit: fmt(net),
      cumulative_net_profit: fmt(cumulative),
      jettythunder_pool: fmt(pool)
    })
  }
  return { summary: { scenario: p.name, months, break_even_month: breakEven, ...statistics(months) }, rows }
}

// Monte Carlo bands, a tornado and a two-way grid shaped like the engine's, derived from the deterministic months.
const statistics = (months: ReadonlyArray<MonthFigures>): Pick<ScenarioSummary, "monte_carlo" | "sensitivity" | "two_way"> => {
  const round = (x: number) => Math.round(x * 100) / 100
  const band = (figure: "cumulative_net_profit" | "net_profit" | "revenue", spread: (t: number, v: number) => number) =>
    months.map((m, t) => {
      const v = Number(m[figure])
      const s = spread(t, v)
      return { month: m.month, p5: round(v - 1.15 * s), p50: round(v + 0.05 * s), p95: round(v + 0.85 * s) }
    })
  const firstPositive = months.findIndex((m) => !m.net_profit.startsWith("-"))
  const centre = firstPositive < 0 ? months.length + 6 : firstPositive
  const at = months[Math.min(23, months.length - 1)]!
  const baseNet = money(at.net_profit)
  const plus = (delta: string) => fmt(BigDecimal.sum(baseNet, money(delta)))
  const grid = [39, 44, 49, 54, 59]
  const growth = [0.08, 0.1, 0.13, 0.16, 0.18]
  return {
    monte_carlo: {
      runs: 10000,
      seed: 20260101,
      percentiles: {
        cumulative_net_profit: band("cumulative_net_profit", (t) => 900 * t ** 1.45),
        net_profit: band("net_profit", (t) => 600 + 260 * t),
        revenue: band("revenue", (t, v) => 0.02 * v * Math.sqrt(t + 1))
      },
      p_break_even_by_month: months.map((m, t) => ({ month: m.month, p: Math.round(1000 / (1 + Math.exp(-(t - centre) / 2.2))) / 1000 }))
    },
    sensitivity: {
      output: "net_profit",
      month: at.month,
      base: at.net_profit,
      bars: [
        { input: "growth.pro.monthly_rate", low_value: 0.08, high_value: 0.18, low: plus("-14210.00"), high: plus("12890.50") },
        { input: "tiers.pro.price", low_value: "39.00", high_value: "59.00", low: plus("-6360.00"), high: plus("6360.00") },
        { input: "costs.redis.usd_per_mb", low_value: "0.010", high_value: "0.020", low: plus("3120.75"), high: plus("-3120.75") },
        { input: "churn.monthly", low_value: 0.01, high_value: 0.05, low: plus("2480.00"), high: plus("-5115.25") },
        { input: "fixed.development", low_value: "8000.00", high_value: "14000.00", low: plus("2000.00"), high: plus("-4000.00") },
        { input: "storage.dedup_savings", low_value: 0.3, high_value: 0.5, low: plus("-910.40"), high: plus("606.90") },
        { input: "conversion.free_to_starter", low_value: 0.02, high_value: 0.06, low: plus("-1530.00"), high: plus("1530.00") }
      ]
    },
    two_way: {
      row_input: "tiers.pro.price",
      col_input: "growth.pro.monthly_rate",
      rows: grid,
      cols: growth,
      output: "net_profit",
      month: at.month,
      values: grid.map((price) =>
        growth.map((g) => {
          // cents, integer arithmetic: price moves net by $636/dollar, growth by $2,700/point (fixture shape only)
          const deltaCents = BigInt((price - 49) * 63600 + Math.round((g - 0.13) * 100) * 270000)
          return fmt(BigDecimal.sum(baseNet, BigDecimal.make(deltaCents, 2)))
        })
      )
    }
  }
}

/** The base case and a "plan" variant (faster growth, the plan's cheaper Redis) for comparisons. */
export const fixture = buildFixture()
export const planFixture = buildFixture({ name: "plan", growth: 1.15, redisCents: 80 })
