// The figures of one run month by month, in typed arrays that a caller reuses run after run: what Monte Carlo,
// sensitivity and goal seek read, without a MonthResult object per month. Money is integer cents held in a float64
// (exact below 2^53); the compiled fast path fills it directly, an exact Projection is copied into it.
import * as BigDecimal from "effect/BigDecimal"
import type { Money } from "../../model/index.ts"
import type { MonthResult, Projection } from "./project.ts"
import { REVENUE } from "./prepare.ts"

/** Rows of `booked`: each cost line (LINES order), then revenue. */
export const BOOKED_ROWS = REVENUE + 1

export interface RunFigures {
  readonly months: number
  readonly tiers: number
  /** users[i · tiers + k]: billed users of tier k in month i; sign-ups and churned users the same way */
  readonly users: Float64Array
  readonly signups: Float64Array
  readonly churned: Float64Array
  /** booked[i · BOOKED_ROWS + r]: cents booked in month i on row r (each line, then revenue) */
  readonly booked: Float64Array
  /** per month, cents */
  readonly variableCosts: Float64Array
  readonly grossProfit: Float64Array
  readonly fixed: Float64Array
  readonly netProfit: Float64Array
  readonly cumulativeNetProfit: Float64Array
  readonly jettythunderPool: Float64Array
  /** gross margin in tenths of a percent (half-even), NaN in a month without revenue */
  readonly grossMarginTenths: Float64Array
  /** first month index with net profit ≥ 0, or −1 */
  breakEvenIndex: number
  /** first month index with cumulative net profit ≥ 0, or −1 */
  paybackIndex: number
}

export const newRunFigures = (months: number, tiers: number): RunFigures => ({
  months,
  tiers,
  users: new Float64Array(months * tiers),
  signups: new Float64Array(months * tiers),
  churned: new Float64Array(months * tiers),
  booked: new Float64Array(months * BOOKED_ROWS),
  variableCosts: new Float64Array(months),
  grossProfit: new Float64Array(months),
  fixed: new Float64Array(months),
  netProfit: new Float64Array(months),
  cumulativeNetProfit: new Float64Array(months),
  jettythunderPool: new Float64Array(months),
  grossMarginTenths: new Float64Array(months),
  breakEvenIndex: -1,
  paybackIndex: -1
})

/** An exact amount on the cent grid (or a one-decimal percentage) as its integer at that scale. */
const unitsAt = (d: BigDecimal.BigDecimal, scale: number): number => Number(BigDecimal.scale(d, scale).value)

/** Copies an exact projection into `out` (same months and tiers). */
export const figuresOf = (p: Projection, out: RunFigures): RunFigures => {
  const K = out.tiers
  p.months.forEach((m, i) => {
    for (let k = 0; k < K; k++) {
      out.users[i * K + k] = m.users[k]!
      out.signups[i * K + k] = m.signups[k]!
      out.churned[i * K + k] = m.churned[k]!
    }
    for (let r = 0; r < REVENUE; r++) out.booked[i * BOOKED_ROWS + r] = unitsAt(m.lines[r]!, 2)
    out.booked[i * BOOKED_ROWS + REVENUE] = unitsAt(m.revenue, 2)
    out.variableCosts[i] = unitsAt(m.variableCosts, 2)
    out.grossProfit[i] = unitsAt(m.grossProfit, 2)
    out.fixed[i] = unitsAt(m.fixed, 2)
    out.netProfit[i] = unitsAt(m.netProfit, 2)
    out.cumulativeNetProfit[i] = unitsAt(m.cumulativeNetProfit, 2)
    out.jettythunderPool[i] = unitsAt(m.jettythunderPool, 2)
    out.grossMarginTenths[i] = m.grossMarginPct === undefined ? NaN : unitsAt(m.grossMarginPct, 1)
  })
  out.breakEvenIndex = p.breakEvenIndex
  out.paybackIndex = p.paybackIndex
  return out
}

const money = (cents: number): Money => BigDecimal.make(BigInt(cents), 2)

/** Month i as the exact engine's MonthResult (without per-tier detail), for code that reads figures by name. */
export const monthResultOf = (f: RunFigures, i: number, month: string): MonthResult => {
  const K = f.tiers
  const tiers = (a: Float64Array) => Array.from(a.subarray(i * K, (i + 1) * K))
  const row = (r: number) => money(f.booked[i * BOOKED_ROWS + r]!)
  const margin = f.grossMarginTenths[i]!
  return {
    month,
    users: tiers(f.users),
    signups: tiers(f.signups),
    churned: tiers(f.churned),
    revenue: row(REVENUE),
    lines: Array.from({ length: REVENUE }, (_, r) => row(r)),
    variableCosts: money(f.variableCosts[i]!),
    grossProfit: money(f.grossProfit[i]!),
    grossMarginPct: Number.isNaN(margin) ? undefined : BigDecimal.make(BigInt(margin), 1),
    fixed: money(f.fixed[i]!),
    netProfit: money(f.netProfit[i]!),
    cumulativeNetProfit: money(f.cumulativeNetProfit[i]!),
    jettythunderPool: money(f.jettythunderPool[i]!)
  }
}
