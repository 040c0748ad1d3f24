// Users are whole people. A month's flow (churn, a conversion, an upgrade, a tier's sign-ups) is a rate times users,
// rarely whole: each flow moves the whole part and carries the fraction (in micro-users) into its next month, so over
// time every flow moves exactly its rate's share to within one user, and no tier ever gains or loses a fraction.
//
// Counts are JS numbers holding exact integers: users × rate-per-million stays below 2^53 up to MAX_USERS users.

/** Rates are integers per million (6 decimals), draws and sign-ups integers in micro-users. */
export const PER_MILLION = 1_000_000

/** Largest tier population the exact integer arithmetic allows (users × 10^6 + carry < 2^53). */
export const MAX_USERS = 1_000_000_000

export class EngineRangeError extends Error {
  readonly tier: string
  readonly month: string
  constructor(tier: string, month: string, users: number) {
    super(
      `${month}: ${users.toLocaleString("en-US", { maximumSignificantDigits: 4 })} ${tier} users is beyond the engine's exact ` +
        `range of ${MAX_USERS.toLocaleString("en-US")} per tier and month; check the sign-up and growth inputs`
    )
    this.tier = tier
    this.month = month
  }
}

/** Everything that moves users, per tier in tier order (free first); a compiled run keeps them in typed arrays. */
export interface FlowRates {
  readonly tiers: ReadonlyArray<string>
  readonly months: number
  readonly start: ArrayLike<number>
  readonly churnPpm: ArrayLike<number>
  /** tier k → k + 1 */
  readonly upPpm: ArrayLike<number>
  /** tier k → k − 1 */
  readonly downPpm: ArrayLike<number>
  /** free (tier 0) → tier k */
  readonly conversionPpm: ArrayLike<number>
  /** expected sign-ups of tier k in month i at [k · months + i], micro-users */
  readonly signupsMicro: ArrayLike<number>
}

/** The deterministic run's flows, as plain arrays. */
export interface FlowPlan extends FlowRates {
  readonly start: ReadonlyArray<number>
  readonly churnPpm: ReadonlyArray<number>
  readonly upPpm: ReadonlyArray<number>
  readonly downPpm: ReadonlyArray<number>
  readonly conversionPpm: ReadonlyArray<number>
  readonly signupsMicro: ReadonlyArray<number>
}

/**
 * The user base month by month. `step(i)` applies month i's movements to last month's users (start: the close of the
 * month before the horizon): churn, conversion, downgrades and upgrades act on last month's users of each tier, then
 * the month's sign-ups join. No tier loses more users than it had: a flow that would is cut, and the cut part stays
 * owed in its carry.
 */
export class UserFlows {
  readonly plan: FlowRates
  readonly users: Float64Array
  readonly signups: Float64Array
  readonly churned: Float64Array
  private readonly prev: Float64Array
  private readonly carry: Float64Array
  private readonly k: number
  // the plan's rates in typed arrays of this instance: one element kind in the hot loop whatever the plan holds
  private readonly start: Float64Array
  private readonly churnPpm: Float64Array
  private readonly upPpm: Float64Array
  private readonly downPpm: Float64Array
  private readonly conversionPpm: Float64Array
  private readonly signupsMicro: Float64Array

  constructor(plan: FlowRates) {
    this.plan = plan
    this.k = plan.tiers.length
    this.users = Float64Array.from(plan.start)
    this.prev = new Float64Array(this.k)
    this.signups = new Float64Array(this.k)
    this.churned = new Float64Array(this.k)
    // per tier: churn, up, down, conversion-into, sign-ups
    this.carry = new Float64Array(this.k * 5)
    this.start = new Float64Array(this.k)
    this.churnPpm = new Float64Array(this.k)
    this.upPpm = new Float64Array(this.k)
    this.downPpm = new Float64Array(this.k)
    this.conversionPpm = new Float64Array(this.k)
    this.signupsMicro = new Float64Array(plan.signupsMicro.length)
    this.load()
  }

  /** Re-reads the plan (a compiled run rewrites its rates in place before a run). */
  load(): void {
    const p = this.plan
    for (let t = 0; t < this.k; t++) {
      this.start[t] = p.start[t]!
      this.churnPpm[t] = p.churnPpm[t]!
      this.upPpm[t] = p.upPpm[t]!
      this.downPpm[t] = p.downPpm[t]!
      this.conversionPpm[t] = p.conversionPpm[t]!
    }
    for (let i = 0; i < this.signupsMicro.length; i++) this.signupsMicro[i] = p.signupsMicro[i]!
  }

  /** Back to the close of the month before the horizon. */
  reset(): void {
    this.users.set(this.start)
    this.carry.fill(0)
  }

  /** Moves `ratePpm` of `n` users with the carry in slot `c`, never more than `left`; returns the whole users moved. */
  private take(n: number, ratePpm: number, c: number, left: number): number {
    if (ratePpm === 0) return 0
    const carry = this.carry
    const due = n * ratePpm + carry[c]!
    let moved = Math.floor(due / PER_MILLION)
    let rest = due - moved * PER_MILLION
    if (moved > left) {
      rest += (moved - left) * PER_MILLION
      moved = left
    }
    carry[c] = rest
    return moved
  }

  step(i: number, monthKey: string): void {
    const { k, users, prev, carry, churnPpm, upPpm, downPpm, conversionPpm, signupsMicro, churned } = this
    prev.set(users)
    for (let t = 0; t < k; t++) {
      const n = prev[t]!
      if (n === 0) {
        churned[t] = 0
        continue // no flow moves anyone out of an empty tier (its carries wait, as take() would leave them)
      }
      let left = n
      const lost = this.take(n, churnPpm[t]!, t * 5, left)
      left -= lost
      churned[t] = lost
      users[t] = users[t]! - lost
      if (t === 0) {
        for (let j = 1; j < k; j++) {
          const moved = this.take(n, conversionPpm[j]!, j * 5 + 3, left)
          left -= moved
          users[0] = users[0]! - moved
          users[j] = users[j]! + moved
        }
      } else {
        const down = this.take(n, downPpm[t]!, t * 5 + 2, left)
        left -= down
        users[t] = users[t]! - down
        users[t - 1] = users[t - 1]! + down
      }
      if (t < k - 1) {
        const up = this.take(n, upPpm[t]!, t * 5 + 1, left)
        users[t] = users[t]! - up
        users[t + 1] = users[t + 1]! + up
      }
    }
    const months = this.plan.months
    for (let t = 0; t < k; t++) {
      const due = signupsMicro[t * months + i]! + carry[t * 5 + 4]!
      const joined = Math.floor(due / PER_MILLION)
      carry[t * 5 + 4] = due - joined * PER_MILLION
      this.signups[t] = joined
      const total = users[t]! + joined
      if (total > MAX_USERS) throw new EngineRangeError(this.plan.tiers[t] as string, monthKey, total)
      users[t] = total
    }
  }
}
