// The monthly projection: users by tier, revenue, each cost line, gross profit and margin, fixed costs, net and
// cumulative profit, the JettyThunder pool, the break-even month. Exact to the cent; the deterministic run, Monte Carlo,
// sensitivity and goal seek all call this one function.
//
// Booking rule: each line (and revenue) is booked once per month for all tiers together, as a supplier bills it:
// roundMoney(Σ per-user amount × users). Per-tier figures (CSV rows) are that booked amount split by largest remainder
// of the tiers' exact shares, so they always add up to the month's line.
import * as BigDecimal from "effect/BigDecimal"
import { allocate, type Money, percent, roundMoney } from "../../model/index.ts"
import { UserFlows } from "./flows.ts"
import { type EngineInput, LINES, REVENUE } from "./prepare.ts"

export interface MonthResult {
  readonly month: string
  /** billed users per tier, tier order */
  readonly users: ReadonlyArray<number>
  readonly signups: ReadonlyArray<number>
  readonly churned: ReadonlyArray<number>
  readonly revenue: Money
  /** booked amount per cost line, LINES order */
  readonly lines: ReadonlyArray<Money>
  readonly variableCosts: Money
  readonly grossProfit: Money
  /** gross profit / revenue × 100, one decimal half-even; undefined without revenue */
  readonly grossMarginPct: BigDecimal.BigDecimal | undefined
  readonly fixed: Money
  readonly netProfit: Money
  readonly cumulativeNetProfit: Money
  readonly jettythunderPool: Money
  /** with `detail`: byTier[r][k] = row r (each line, then revenue) allocated to tier k */
  readonly byTier?: ReadonlyArray<ReadonlyArray<Money>>
}

export interface Projection {
  readonly input: EngineInput
  readonly months: ReadonlyArray<MonthResult>
  /** first month index with net profit ≥ 0 (the plan's break-even: the month's profit covers fixed costs), or −1 */
  readonly breakEvenIndex: number
  /** first month index with cumulative net profit ≥ 0 (everything spent so far recovered), or −1 */
  readonly paybackIndex: number
}

const POW10 = Array.from({ length: 3 }, (_, i) => 10n ** BigInt(i))

/**
 * An exact amount (integer `value` at `scale`) booked to the cent, as integer cents. Amounts already on the cent grid
 * are taken as they are (roundMoney would return them unchanged); the others go through roundMoney, the one rounding.
 */
export const bookCents = (value: bigint, scale: number): bigint =>
  scale <= 2 ? value * POW10[2 - scale]! : BigDecimal.scale(roundMoney(BigDecimal.make(value, scale)), 2).value

const money = (cents: bigint): Money => BigDecimal.make(cents, 2)

export const project = (input: EngineInput, options: { readonly detail?: boolean } = {}): Projection => {
  const { tiers, monthKeys, tables, smallTables, smallRow, tableOf, rowScale, poolRows } = input
  const K = tiers.length
  const rows = REVENUE + 1
  const flows = new UserFlows(input.flows)
  const big = new Array<bigint>(K)
  const booked = new Array<bigint>(rows)
  const out: Array<MonthResult> = []
  // every booked figure is on the cent grid, so the month's arithmetic after booking is integer cents: exact, and
  // free of the scale alignment a BigDecimal sum would redo each time
  let cumulative = 0n
  let breakEvenIndex = -1
  let paybackIndex = -1
  for (let i = 0; i < monthKeys.length; i++) {
    const month = monthKeys[i]!
    flows.step(i, month)
    for (let k = 0; k < K; k++) big[k] = BigInt(flows.users[k] as number)
    const table = tables[tableOf[i]!]!
    const small = smallTables[tableOf[i]!]!
    const users = flows.users
    for (let r = 0; r < rows; r++) {
      const base = r * K
      let acc = 0n
      if (smallRow[r]) {
        // exact integers below 2^53 (see EngineInput.smallTables): one conversion instead of K bigint products
        let sum = 0
        for (let k = 0; k < K; k++) sum += small[base + k]! * (users[k] as number)
        acc = BigInt(sum)
      } else {
        for (let k = 0; k < K; k++) {
          const n = big[k]!
          if (n !== 0n) acc += table[base + k]! * n
        }
      }
      booked[r] = acc === 0n ? 0n : bookCents(acc, rowScale[r]!)
    }
    let variable = 0n
    for (let l = 0; l < REVENUE; l++) variable += booked[l]!
    let pool = 0n
    for (const r of poolRows) pool += booked[r]!
    const revenue = booked[REVENUE]!
    const gross = revenue - variable
    const fixed = BigDecimal.scale(input.fixed[i]!, 2).value
    const net = gross - fixed
    cumulative += net
    if (breakEvenIndex < 0 && net >= 0n) breakEvenIndex = i
    if (paybackIndex < 0 && cumulative >= 0n) paybackIndex = i
    let byTier: Array<Array<Money>> | undefined
    if (options.detail === true) {
      byTier = []
      for (let r = 0; r < rows; r++) {
        const weights = big.map((n, k) => table[r * K + k]! * n)
        byTier.push(allocate(money(booked[r]!), weights))
      }
    }
    const grossProfit = money(gross)
    const revenueMoney = money(revenue)
    out.push({
      month,
      users: Array.from(flows.users),
      signups: Array.from(flows.signups),
      churned: Array.from(flows.churned),
      revenue: revenueMoney,
      lines: booked.slice(0, REVENUE).map(money),
      variableCosts: money(variable),
      grossProfit,
      grossMarginPct: percent(grossProfit, revenueMoney),
      fixed: money(fixed),
      netProfit: money(net),
      cumulativeNetProfit: money(cumulative),
      jettythunderPool: money(pool),
      ...(byTier === undefined ? {} : { byTier })
    })
  }
  return { input, months: out, breakEvenIndex, paybackIndex }
}

export { LINES }
