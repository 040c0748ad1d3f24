// `econ breakeven`: the least number of users (one tier or a mix) that covers fixed costs, or reaches a target profit
// or net margin, with the unit economics there and one user earlier (to show it is the least).
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Command, Flag } from "effect/cli"
import {
  BREAK_EVEN,
  breakEven,
  type BreakEvenResult,
  type CostBasis,
  fixedCostsOf,
  formatMoney,
  formatPercent,
  type Goal,
  InvalidInput,
  type Mix,
  type Money,
  percentAgainstTarget,
  type Sheet,
  TIER_IDS,
  type TierId,
  tierUnits,
  type UnitEconomics,
  unitEconomics
} from "../model/index.ts"
import { decimalFlag, Findings, formatTable, jsonFlag, nonNegativeDecimal, pctCell, printJson, printLine, sheetFlag, usdCell, UsageError, useSheet } from "./common.ts"
import { parseCountFlag, parseTierFlag } from "./transfer.ts"

/** "starter=2,pro=5,business=1" → a mix; names and weights checked, each error naming --mix and the fix. */
export const parseMix = (text: string): Effect.Effect<Mix, UsageError> =>
  Effect.gen(function*() {
    const mix: Partial<Record<TierId, bigint>> = {}
    const parts = text.split(",").map((p) => p.trim()).filter((p) => p !== "")
    if (parts.length === 0) return yield* new UsageError({ message: `--mix: expected tier=weight pairs such as starter=2,pro=5` })
    for (const part of parts) {
      const m = /^([a-z]+)\s*=\s*(\S+)$/i.exec(part)
      if (!m) return yield* new UsageError({ message: `--mix: "${part}" is not tier=weight; e.g. starter=2,pro=5,business=1` })
      const tier = yield* parseTierFlag("mix", m[1]!)
      if (!/^\d+$/.test(m[2]!)) {
        return yield* new UsageError({ message: `--mix: weight for ${tier} must be a whole number ≥ 0, got "${m[2]}"` })
      }
      if (mix[tier] !== undefined) return yield* new UsageError({ message: `--mix: ${tier} is given twice` })
      mix[tier] = BigInt(m[2]!)
    }
    return mix
  })


const pct = (p: BigDecimal.BigDecimal | undefined) => (p === undefined ? null : formatPercent(p))

export const economicsJson = (e: UnitEconomics) => ({
  users: Number(e.users),
  split: Object.fromEntries(e.split.map((s) => [s.tier, Number(s.users)])),
  revenue: formatMoney(e.revenue),
  variable_cost: formatMoney(e.variableCost),
  support: formatMoney(e.support),
  contribution: formatMoney(e.contribution),
  fixed: formatMoney(e.fixed),
  net: formatMoney(e.net),
  contribution_margin_pct: pct(e.contributionMarginPct),
  net_margin_pct: pct(e.netMarginPct),
  per_user: e.perUser === undefined ? null : {
    revenue: formatMoney(e.perUser.revenue),
    variable_cost: formatMoney(e.perUser.variableCost),
    support: formatMoney(e.perUser.support),
    contribution: formatMoney(e.perUser.contribution),
    fixed: formatMoney(e.perUser.fixed),
    net: formatMoney(e.perUser.net)
  }
})

const goalJson = (g: Goal) =>
  g._tag === "BreakEven"
    ? { kind: "break_even" }
    : g._tag === "Profit"
    ? { kind: "profit", profit: formatMoney(g.profit) }
    : { kind: "margin", margin_pct: BigDecimal.format(g.pct) }

interface Subject {
  readonly tier: TierId | undefined
  readonly mix: Mix
}

const subjectJson = (s: Subject) =>
  s.tier !== undefined ? { tier: s.tier } : { mix: Object.fromEntries(Object.entries(s.mix).map(([k, v]) => [k, Number(v)])) }

export const breakEvenJson = (sheet: Sheet, s: Subject, basis: CostBasis, fixed: Money, r: BreakEvenResult) => ({
  ...subjectJson(s),
  fixed: formatMoney(fixed),
  with_support: basis.withSupport ?? false,
  with_bandwidth: basis.withBandwidth ?? false,
  goal: goalJson(r.goal),
  contribution: formatMoney(r.contributionPerUser),
  users: r._tag === "Reached" ? Number(r.users) : null,
  reachable: r._tag === "Reached",
  reason: r._tag === "Unreachable" ? r.reason : null,
  tiers: tierUnits(sheet, s.mix, basis).map((u) => ({
    tier: u.tier,
    weight: Number(u.weight),
    price: formatMoney(u.price),
    variable_cost: formatMoney(u.variableCost),
    support: formatMoney(u.support),
    contribution: formatMoney(u.contribution)
  })),
  at: r._tag === "Reached" ? economicsJson(r.at) : null,
  before: r._tag === "Reached" && r.before !== undefined ? economicsJson(r.before) : null
})

const economicsTable = (columns: ReadonlyArray<readonly [string, UnitEconomics]>, goal: Goal = BREAK_EVEN): string => {
  const money = (f: (e: UnitEconomics) => Money) => columns.map(([, e]) => usdCell(f(e)))
  const perUser = (f: (p: NonNullable<UnitEconomics["perUser"]>) => Money) =>
    columns.map(([, e]) => (e.perUser === undefined ? pctCell(undefined) : usdCell(f(e.perUser))))
  const pcts = (f: (e: UnitEconomics) => BigDecimal.BigDecimal | undefined) => columns.map(([, e]) => pctCell(f(e)))
  // the net margin a --target-margin goal is judged on is shown so that a miss never reads as the target
  const netMargins = goal._tag === "Margin"
    ? columns.map(([, e]) => pctCell(percentAgainstTarget(e.net, e.revenue, goal.pct)))
    : pcts((e) => e.netMarginPct)
  const rows = [
    ["users", ...columns.map(([, e]) => e.users.toString())],
    ...(columns[0]![1].split.length > 1
      ? [["split", ...columns.map(([, e]) => e.split.map((s) => `${s.tier} ${s.users}`).join(", "))]]
      : []),
    ["revenue", ...money((e) => e.revenue)],
    ["variable cost", ...money((e) => e.variableCost)],
    ["support", ...money((e) => e.support)],
    ["contribution", ...money((e) => e.contribution)],
    ["fixed", ...money((e) => e.fixed)],
    ["net", ...money((e) => e.net)],
    ["contribution margin", ...pcts((e) => e.contributionMarginPct)],
    ["net margin", ...netMargins],
    ["per user: revenue", ...perUser((p) => p.revenue)],
    ["per user: contribution", ...perUser((p) => p.contribution)],
    ["per user: net", ...perUser((p) => p.net)]
  ]
  return formatTable(["", ...columns.map(([h]) => h)], rows, new Set(columns.map((_, i) => i + 1)))
}

export const breakevenCommand = Command.make(
  "breakeven",
  {
    sheet: sheetFlag,
    json: jsonFlag,
    tier: Flag.String("tier").pipe(Flag.withDescription(`One tier: ${TIER_IDS.join(", ")}`), Flag.optional),
    mix: Flag.String("mix").pipe(Flag.withDescription("A tier mix by relative weights, e.g. starter=2,pro=5,business=1"), Flag.optional),
    fixed: Flag.String("fixed").pipe(Flag.withDescription("Fixed monthly costs (default: the sheet's fixed_costs)"), Flag.optional),
    withSupport: Flag.Boolean("with-support").pipe(
      Flag.withDescription("Add support_per_user_month to every user's cost"),
      Flag.withDefault(false)
    ),
    withBandwidth: Flag.Boolean("with-bandwidth").pipe(
      Flag.withDescription("Add bandwidth at each tier's full allowance to its cost"),
      Flag.withDefault(false)
    ),
    targetProfit: Flag.String("target-profit").pipe(Flag.withDescription("Least users for at least this monthly net profit"), Flag.optional),
    targetMargin: Flag.String("target-margin").pipe(Flag.withDescription("Least users for at least this net margin %"), Flag.optional),
    users: Flag.String("users").pipe(Flag.withDescription("Show the unit economics at exactly this many users instead"), Flag.optional)
  },
  Effect.fn(function*(f) {
    const sheet = yield* useSheet(f.sheet)
    if (Option.isSome(f.tier) === Option.isSome(f.mix)) {
      return yield* new UsageError({ message: "give exactly one of --tier (e.g. --tier pro) or --mix (e.g. --mix starter=2,pro=5)" })
    }
    if (Option.isSome(f.targetProfit) && Option.isSome(f.targetMargin)) {
      return yield* new UsageError({ message: "give at most one of --target-profit and --target-margin" })
    }
    const tier = Option.isSome(f.tier) ? yield* parseTierFlag("tier", f.tier.value) : undefined
    const mix: Mix = tier !== undefined ? { [tier]: 1n } : yield* parseMix(Option.getOrThrow(f.mix))
    const fixed: Money = Option.isSome(f.fixed)
      ? BigDecimal.fromStringUnsafe(yield* nonNegativeDecimal("fixed", f.fixed.value))
      : fixedCostsOf(sheet)
    const basis: CostBasis = { fixed, withSupport: f.withSupport, withBandwidth: f.withBandwidth }
    const goal: Goal = Option.isSome(f.targetProfit)
      ? { _tag: "Profit", profit: yield* decimalFlag("target-profit", f.targetProfit.value) }
      : Option.isSome(f.targetMargin)
      ? { _tag: "Margin", pct: BigDecimal.fromStringUnsafe(yield* nonNegativeDecimal("target-margin", f.targetMargin.value)) }
      : { _tag: "BreakEven" }
    const subject: Subject = { tier, mix }
    const label = tier ?? Object.entries(mix).map(([k, v]) => `${k}=${v}`).join(",")
    // The model validates the mix too (e.g. weights too fine to cycle through); pass its message on as a usage error.
    const guard = <A>(f: () => A) =>
      Effect.try({
        try: f,
        catch: (e) => e instanceof InvalidInput ? new UsageError({ message: `--mix: ${e.message.replace(/^mix: /, "")}` }) : e as never
      })

    if (Option.isSome(f.users)) {
      const n = yield* parseCountFlag("users", f.users.value)
      const e = yield* guard(() => unitEconomics(sheet, mix, n, basis))
      if (f.json) return yield* printJson({ ...subjectJson(subject), ...economicsJson(e) })
      yield* printLine(`Unit economics: ${label} at ${n} users\n`)
      return yield* printLine(economicsTable([[`at ${n}`, e]]))
    }

    const r = yield* guard(() => breakEven(sheet, mix, basis, goal))
    if (f.json) {
      yield* printJson(breakEvenJson(sheet, subject, basis, fixed, r))
    } else {
      const goalText = goal._tag === "BreakEven"
        ? "break even (net ≥ 0)"
        : goal._tag === "Profit"
        ? `net profit ≥ ${usdCell(goal.profit)}`
        : `net margin ≥ ${BigDecimal.format(goal.pct)}%`
      const basisText = [f.withSupport ? "with per-user support" : "no per-user support", f.withBandwidth ? "with bandwidth" : "no bandwidth"]
      yield* printLine(`Goal: ${goalText} for ${label}; fixed ${usdCell(fixed)}/month; ${basisText.join(", ")}`)
      yield* printLine(`Contribution per user: ${usdCell(r.contributionPerUser)}\n`)
      if (r._tag === "Unreachable") {
        yield* printLine(`Unreachable: ${r.reason}`)
      } else {
        yield* printLine(`Least users: ${r.users}\n`)
        const cols: Array<readonly [string, UnitEconomics]> = [[`at ${r.users}`, r.at]]
        if (r.before !== undefined) cols.push([`at ${r.before.users}`, r.before])
        yield* printLine(economicsTable(cols, goal))
      }
    }
    // An unreachable goal is a failed check, not bad input: the report is printed, exit 1.
    if (r._tag === "Unreachable") return yield* new Findings({ count: 1 })
  })
).pipe(Command.withDescription("Least users (one tier or a mix) to break even, or reach a target profit or margin"))
