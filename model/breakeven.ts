// Break-even and goal seek: the least number of users (of one tier, or of a tier mix split by largest remainder) whose
// contribution covers the fixed costs, reaches a target profit or a target net margin; and unit economics at N users.
import * as BigDecimal from "effect/BigDecimal"
import { InvalidInput } from "./invalidInput.ts"
import {
  divideRounded,
  formatMoney,
  formatFixed,
  formatPercent,
  type Money,
  MONEY_ROUNDING,
  percent,
  roundMoney,
  sumMoney,
  ZERO
} from "./money.ts"
import { type Sheet, TIER_IDS, type TierId, tierOf } from "./sheet.ts"
import { supportPerUser } from "./support.ts"
import { limitsOf, tierEconomics } from "./tiers.ts"
import { priceOfBytes } from "./units.ts"

/** Relative numbers of users per tier ("starter=2,pro=5,business=1"); a single tier is `{ pro: 1n }`. */
export type Mix = Partial<Readonly<Record<TierId, bigint>>>

export interface CostBasis {
  /** Fixed monthly costs; default: the sheet's `fixed_costs` summed. */
  readonly fixed?: Money
  /** Add support to every paying user's variable cost (`supportPerUser`: the plan's projection does; its break-even does not). */
  readonly withSupport?: boolean
  /** Add bandwidth at the tier's full allowance (the plan's tier tables leave it out; its transfer record charges it). */
  readonly withBandwidth?: boolean
}

/** What one user of a tier brings in and costs, per month. */
export interface TierUnit {
  readonly tier: TierId
  readonly weight: bigint
  readonly price: Money
  /** Tier cost lines at allowance (+ bandwidth at allowance when asked). */
  readonly variableCost: Money
  readonly support: Money
  /** price − variable cost − support. */
  readonly contribution: Money
}

export const fixedCostsOf = (sheet: Sheet): Money => sumMoney(Object.values(sheet.fixed_costs).map(roundMoney))

/** Largest weights sum the search will cycle through; beyond it the mix should be given in smaller whole numbers. */
export const MAX_MIX_WEIGHT = 1_000_000n

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b))

/** The mix's tiers in sheet order with weights divided by their common factor (same split, shorter cycle). */
export const tierUnits = (sheet: Sheet, mix: Mix, basis: CostBasis = {}): ReadonlyArray<TierUnit> => {
  const entries = TIER_IDS.flatMap((id) => {
    const w = mix[id]
    return w === undefined || w === 0n ? [] : [[id, w] as const]
  })
  for (const key of Object.keys(mix)) {
    if (!(TIER_IDS as ReadonlyArray<string>).includes(key)) {
      throw new InvalidInput({ field: "mix", message: `mix: unknown tier "${key}"; use ${TIER_IDS.join(", ")}` })
    }
  }
  const negative = entries.find(([, w]) => w < 0n)
  if (negative) {
    throw new InvalidInput({ field: "mix", message: `mix: weight for ${negative[0]} is negative; use whole numbers ≥ 0` })
  }
  if (entries.length === 0) {
    throw new InvalidInput({ field: "mix", message: "mix: no tier has a positive weight; give at least one, e.g. pro=1" })
  }
  const g = entries.reduce((acc, [, w]) => gcd(acc, w), 0n)
  const total = entries.reduce((acc, [, w]) => acc + w / g, 0n)
  if (total > MAX_MIX_WEIGHT) {
    throw new InvalidInput({
      field: "mix",
      message: `mix: weights sum to ${total} after removing their common factor; use smaller whole numbers (sum ≤ ${MAX_MIX_WEIGHT})`
    })
  }
  return entries.map(([id, w]) => {
    const support = basis.withSupport ? roundMoney(supportPerUser(sheet, id)) : ZERO
    const e = tierEconomics(sheet, id)
    const bw = limitsOf(tierOf(sheet, id)).bandwidthBytes
    const bandwidth = basis.withBandwidth && bw !== null
      ? roundMoney(priceOfBytes(bw, sheet.unit_prices.bandwidth_per_gb))
      : ZERO
    const variableCost = BigDecimal.sum(e.cost, bandwidth)
    return {
      tier: id,
      weight: w / g,
      price: e.price,
      variableCost,
      support,
      contribution: BigDecimal.subtract(BigDecimal.subtract(e.price, variableCost), support)
    }
  })
}

const allocateUsers = (units: ReadonlyArray<TierUnit>, users: bigint): ReadonlyArray<bigint> => {
  // Inline largest remainder (same rule and tie-break as money.allocateUnits) to keep the search loop allocation-light.
  const sumW = units.reduce((a, u) => a + u.weight, 0n)
  const shares = units.map((u) => (users * u.weight) / sumW)
  let left = users - shares.reduce((a, b) => a + b, 0n)
  if (left > 0n) {
    const order = units
      .map((u, i) => ({ i, r: (users * u.weight) % sumW }))
      .sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1))
    for (const { i } of order) {
      if (left === 0n) break
      shares[i] = shares[i]! + 1n
      left -= 1n
    }
  }
  return shares
}

/** Users per tier when `users` are split by the mix (largest remainder, ties to the tier listed first). */
export const splitUsers = (
  sheet: Sheet,
  mix: Mix,
  users: bigint
): ReadonlyArray<{ readonly tier: TierId; readonly users: bigint }> => {
  const units = tierUnits(sheet, mix)
  return allocateUsers(units, users).map((n, i) => ({ tier: units[i]!.tier, users: n }))
}

export interface PerUser {
  readonly revenue: Money
  readonly variableCost: Money
  readonly support: Money
  readonly contribution: Money
  readonly fixed: Money
  readonly net: Money
}

export interface UnitEconomics {
  readonly users: bigint
  readonly split: ReadonlyArray<{ readonly tier: TierId; readonly users: bigint }>
  readonly revenue: Money
  readonly variableCost: Money
  readonly support: Money
  /** revenue − variable cost − support: what the users bring before fixed costs. */
  readonly contribution: Money
  readonly fixed: Money
  /** contribution − fixed. */
  readonly net: Money
  /** Totals ÷ users, each rounded half-even to the cent (so they need not add up exactly); undefined at 0 users. */
  readonly perUser: PerUser | undefined
  /** contribution / revenue × 100 (without fixed costs), one decimal half-even; undefined at zero revenue. */
  readonly contributionMarginPct: BigDecimal.BigDecimal | undefined
  /** net / revenue × 100 (with fixed costs). */
  readonly netMarginPct: BigDecimal.BigDecimal | undefined
}

const times = (m: Money, n: bigint) => BigDecimal.multiply(m, BigDecimal.fromBigInt(n))

const perUserOf = (total: Money, users: bigint): Money =>
  divideRounded(total, BigDecimal.fromBigInt(users), MONEY_ROUNDING.scale, MONEY_ROUNDING.mode)

const economicsOf = (units: ReadonlyArray<TierUnit>, users: bigint, fixed: Money): UnitEconomics => {
  const counts = allocateUsers(units, users)
  const total = (f: (u: TierUnit) => Money) => sumMoney(units.map((u, i) => times(f(u), counts[i]!)))
  const revenue = total((u) => u.price)
  const variableCost = total((u) => u.variableCost)
  const support = total((u) => u.support)
  const contribution = total((u) => u.contribution)
  const net = BigDecimal.subtract(contribution, fixed)
  return {
    users,
    split: units.map((u, i) => ({ tier: u.tier, users: counts[i]! })),
    revenue,
    variableCost,
    support,
    contribution,
    fixed,
    net,
    perUser: users === 0n ? undefined : {
      revenue: perUserOf(revenue, users),
      variableCost: perUserOf(variableCost, users),
      support: perUserOf(support, users),
      contribution: perUserOf(contribution, users),
      fixed: perUserOf(fixed, users),
      net: perUserOf(net, users)
    },
    contributionMarginPct: percent(contribution, revenue),
    netMarginPct: percent(net, revenue)
  }
}

/** Revenue, costs, contribution, net and margins at exactly `users` users of the mix. */
export const unitEconomics = (sheet: Sheet, mix: Mix, users: bigint, basis: CostBasis = {}): UnitEconomics => {
  if (users < 0n) throw new InvalidInput({ field: "users", message: `users: expected a whole number ≥ 0, got ${users}` })
  return economicsOf(tierUnits(sheet, mix, basis), users, basis.fixed ?? fixedCostsOf(sheet))
}

/** net(N) = contribution(N) − fixed. */
export const profitAt = (sheet: Sheet, mix: Mix, users: bigint, basis: CostBasis = {}): Money =>
  unitEconomics(sheet, mix, users, basis).net

export type Goal =
  | { readonly _tag: "BreakEven" }
  | { readonly _tag: "Profit"; readonly profit: Money }
  /** Net margin (with fixed costs) of at least `pct` percent, compared exactly (not after rounding). */
  | { readonly _tag: "Margin"; readonly pct: BigDecimal.BigDecimal }

export const BREAK_EVEN: Goal = { _tag: "BreakEven" }

export type BreakEvenResult =
  | {
    readonly _tag: "Reached"
    readonly goal: Goal
    readonly users: bigint
    /** Average contribution per user of the mix, rounded half-even to the cent. */
    readonly contributionPerUser: Money
    readonly at: UnitEconomics
    /** The economics one user earlier, which miss the goal (undefined when the answer is 0 users). */
    readonly before: UnitEconomics | undefined
  }
  | {
    readonly _tag: "Unreachable"
    readonly goal: Goal
    readonly contributionPerUser: Money
    /** Why no number of users reaches the goal, in figures. */
    readonly reason: string
  }

const HUNDRED = BigDecimal.fromBigInt(100n)

/**
 * The least N ≥ 0 with g(N) = Σ nᵢ(N)·vᵢ − K ≥ 0 (and, when asked, revenue(N) > 0), where nᵢ(N) is the largest
 * remainder split of N users by weights wᵢ (sum W). That split is not monotone (a tier can LOSE a user when N grows:
 * the Alabama paradox), so g need not be either: no bisection. But it is periodic: nᵢ(N + W) = nᵢ(N) + wᵢ exactly,
 * hence g(r + kW) = g(r) + k·S with S = Σ wᵢvᵢ. The answer is the least N < W that works, else the least over each
 * residue r of r + kᵣW with the least kᵣ ≥ 1 that works: W evaluations, exact.
 */
const leastUsers = (
  units: ReadonlyArray<TierUnit>,
  values: ReadonlyArray<BigDecimal.BigDecimal>,
  constant: BigDecimal.BigDecimal,
  requireRevenue: boolean
): bigint | undefined => {
  const W = units.reduce((a, u) => a + u.weight, 0n)
  const g = (n: bigint) =>
    BigDecimal.subtract(sumMoney(allocateUsers(units, n).map((c, i) => BigDecimal.multiply(values[i]!, BigDecimal.fromBigInt(c)))), constant)
  const earns = (n: bigint) => allocateUsers(units, n).some((c, i) => c > 0n && BigDecimal.isPositive(units[i]!.price))
  const gs: Array<BigDecimal.BigDecimal> = []
  for (let r = 0n; r < W; r++) {
    const v = g(r)
    if (!BigDecimal.isNegative(v) && (!requireRevenue || earns(r))) return r
    gs.push(v)
  }
  // From N ≥ W on, every tier with weight > 0 has a user: revenue is positive iff some weighted tier has a price.
  if (requireRevenue && !units.some((u) => BigDecimal.isPositive(u.price))) return undefined
  const S = sumMoney(units.map((u, i) => BigDecimal.multiply(values[i]!, BigDecimal.fromBigInt(u.weight))))
  let best: bigint | undefined
  gs.forEach((gr, idx) => {
    const r = BigInt(idx)
    let k: bigint | undefined
    if (BigDecimal.isPositive(S)) {
      const need = BigDecimal.isNegative(gr) ? divideRounded(BigDecimal.negate(gr), S, 0, "ceil").value : 0n
      k = need < 1n ? 1n : need
    } else if (!BigDecimal.isNegative(BigDecimal.sum(gr, S))) {
      k = 1n // S ≤ 0: later cycles only lose, so only the first may still work
    }
    if (k !== undefined) {
      const n = r + k * W
      if (best === undefined || n < best) best = n
    }
  })
  return best
}

const goalLabel = (goal: Goal): string =>
  goal._tag === "BreakEven"
    ? "break even"
    : goal._tag === "Profit"
    ? `a net profit of ${formatMoney(goal.profit)}`
    : `a net margin of ${BigDecimal.format(goal.pct)}%`

/**
 * The least number of users of `mix` that reaches `goal` (default: break even, net ≥ 0) on `basis`, or why none does.
 * Every figure is exact; the comparison is made on unrounded totals.
 */
export const breakEven = (sheet: Sheet, mix: Mix, basis: CostBasis = {}, goal: Goal = BREAK_EVEN): BreakEvenResult => {
  const units = tierUnits(sheet, mix, basis)
  const fixed = basis.fixed ?? fixedCostsOf(sheet)
  const W = units.reduce((a, u) => a + u.weight, 0n)
  const S = sumMoney(units.map((u) => times(u.contribution, u.weight)))
  const R = sumMoney(units.map((u) => times(u.price, u.weight)))
  const contributionPerUser = perUserOf(S, W)
  let found: bigint | undefined
  if (goal._tag === "Margin") {
    // net/revenue ≥ pct/100  ⇔  Σ nᵢ(100·cᵢ − pct·pᵢ) − 100·F ≥ 0, with revenue > 0
    const values = units.map((u) => BigDecimal.subtract(BigDecimal.multiply(u.contribution, HUNDRED), BigDecimal.multiply(goal.pct, u.price)))
    found = leastUsers(units, values, BigDecimal.multiply(fixed, HUNDRED), true)
  } else {
    const target = goal._tag === "Profit" ? BigDecimal.sum(fixed, goal.profit) : fixed
    found = leastUsers(units, units.map((u) => u.contribution), target, false)
  }
  if (found === undefined) {
    let reason: string
    if (goal._tag === "Margin" && !BigDecimal.isPositive(R)) {
      reason = "the mix earns no revenue (only free tiers), so it has no margin"
    } else if (goal._tag === "Margin") {
      const limit = percent(S, R)!
      reason = `net margin only approaches the contribution margin of ${formatPercent(limit)}% as users grow ` +
        `(fixed costs ${formatMoney(fixed)} shrink per user but never vanish), so ${BigDecimal.format(goal.pct)}% is out of reach`
    } else {
      reason = `each user contributes ${formatMoney(contributionPerUser)} on average (price − variable cost − support), ` +
        `so no number of users reaches ${goalLabel(goal)} over fixed costs of ${formatMoney(fixed)}`
    }
    return { _tag: "Unreachable", goal, contributionPerUser, reason }
  }
  return {
    _tag: "Reached",
    goal,
    users: found,
    contributionPerUser,
    at: economicsOf(units, found, fixed),
    before: found === 0n ? undefined : economicsOf(units, found - 1n, fixed)
  }
}

/** Does `economics` meet `goal`? (The law `breakEven` is tested against.) */
export const meetsGoal = (economics: UnitEconomics, goal: Goal): boolean => {
  if (goal._tag === "BreakEven") return !BigDecimal.isNegative(economics.net)
  if (goal._tag === "Profit") return BigDecimal.isGreaterThanOrEqualTo(economics.net, goal.profit)
  return BigDecimal.isPositive(economics.revenue) &&
    BigDecimal.isGreaterThanOrEqualTo(BigDecimal.multiply(economics.net, HUNDRED), BigDecimal.multiply(goal.pct, economics.revenue))
}

/**
 * The plan's "positive unit economics at N users", decided in one place for the audit and the scenario checks: what
 * the users bring before fixed costs (revenue − variable costs, support included) divided among the paying users is
 * above zero. Fixed costs are not unit economics (covering them is break-even, a separate question): 100 Pro users
 * have positive unit economics and still lose money after $12,500 of fixed costs.
 */
export interface UnitEconomicsVerdict {
  readonly payingUsers: bigint
  /** contribution ÷ paying users, half-even to the cent; undefined without paying users */
  readonly perPayingUser: Money | undefined
  /** contribution > 0 with at least one paying user, decided on the exact total (never on the rounded per-user figure) */
  readonly positive: boolean
}

export const unitEconomicsVerdict = (contribution: Money, payingUsers: bigint): UnitEconomicsVerdict => ({
  payingUsers,
  perPayingUser: payingUsers > 0n ? perUserOf(contribution, payingUsers) : undefined,
  positive: payingUsers > 0n && BigDecimal.isPositive(contribution)
})

/** Where a monthly net-profit series breaks even: first, for good, and the months it falls back into a loss between. */
export interface BreakEvenRun {
  /** first month index with net profit ≥ 0, or −1 */
  readonly first: number
  /** first month index from which net profit stays ≥ 0 to the end of the series, or −1 (the last month loses) */
  readonly sustained: number
  /** runs of loss months after `first` (inclusive index ranges): "net loss again in Jul–Aug 2026" */
  readonly relapses: ReadonlyArray<{ readonly from: number; readonly to: number }>
}

/**
 * The first month from which every later month keeps net profit ≥ 0, scanning back from the end: O(months) and
 * allocation-free, so a Monte Carlo run can call it. −1 when the last month is a loss.
 */
export const sustainedBreakEvenIndex = (months: number, isLoss: (i: number) => boolean): number => {
  let i = months
  while (i > 0 && !isLoss(i - 1)) i--
  return i === months ? -1 : i
}

/** Break-even of a series of monthly net profits (one flag per month: true = a loss, net profit < 0). */
export const breakEvenRun = (loss: ReadonlyArray<boolean>): BreakEvenRun => {
  const first = loss.indexOf(false)
  const sustained = sustainedBreakEvenIndex(loss.length, (i) => loss[i]!)
  const relapses: Array<{ from: number; to: number }> = []
  if (first >= 0) {
    const end = sustained < 0 ? loss.length : sustained
    for (let i = first; i < end; i++) {
      if (!loss[i]) continue
      const from = i
      while (i + 1 < end && loss[i + 1]) i++
      relapses.push({ from, to: i })
    }
  }
  return { first, sustained, relapses }
}

/**
 * num/den as text for a comparison with `target`: `places` decimals (half-even), and more, up to six, while the
 * rounded text would land on a target the exact figure misses. A figure compared with a target is never rounded onto
 * it: 29.96 against 30 reads "29.96" (not "30.0"), 69.995 against 70 "69.995", 30.04 "30.04", 30.06 "30.1".
 */
export const shownAgainstTarget = (num: BigDecimal.BigDecimal, den: BigDecimal.BigDecimal, target: BigDecimal.BigDecimal, places: number): string => {
  const hitsTarget = BigDecimal.equals(num, BigDecimal.multiply(target, den))
  for (let p = places; ; p++) {
    const shown = divideRounded(num, den, p, "half-even")
    if (hitsTarget || p >= 6 || !BigDecimal.equals(shown, target)) return formatFixed(shown, p)
  }
}

/** net/revenue × 100 against a target margin in percent (see shownAgainstTarget); undefined without revenue. */
export const percentAgainstTarget = (num: Money, den: Money, targetPct: BigDecimal.BigDecimal): string | undefined =>
  BigDecimal.isZero(den) ? undefined : shownAgainstTarget(BigDecimal.multiply(num, HUNDRED), den, targetPct, 1)
