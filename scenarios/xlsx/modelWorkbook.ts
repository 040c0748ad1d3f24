// The scenario as a workbook of live formulas: Inputs (every input, named cells, units), Monthly (users by tier and
// flow, revenue, each cost line, profit, margins), Tiers (per-user cost lines and margins), Monte Carlo (percentiles),
// Workings (the engine's integer steps: carries, micro-users, sub-cent sums) and Notes (the rules, any deviation).
//
// Formulas restate the engine's rules (flows.ts, series.ts, project.ts) cell by cell; each formula is built together
// with its floating-point value (formula.ts), the figures people read are cached from the exact engine, and the two
// are compared here: a disagreement is listed on the Notes sheet, and the LibreOffice test requires there be none.
import * as BigDecimal from "effect/BigDecimal"
import { formatMoney, JETTYTHUNDER_LINES, MEDIA_TYPES, percent, TIER_IDS, type TierId, tierOf } from "../../model/index.ts"
import { type LineName, LINES, REVENUE } from "../engine/prepare.ts"
import { costLineLabel } from "../report/figures.ts"
import type { ScenarioRun } from "../engine/runScenario.ts"
import { type FractionSeries, USAGE_DIMENSIONS, type UsageDimension } from "../scenario/schema.ts"
import {
  add,
  bookHalfEven,
  cmp,
  div,
  type Expr,
  floorDiv,
  halfEvenDiv,
  ifElse,
  min,
  mod2,
  mul,
  num,
  ref,
  round,
  sub
} from "./formula.ts"
import { type CellFormat, colName, Grid, type WorkbookSpec } from "./grid.ts"

const DIM_LABELS: Readonly<Record<UsageDimension, string>> = {
  requests: "requests",
  redis: "Redis",
  storage: "storage",
  bandwidth: "bandwidth"
}

const MILLION = num(1_000_000)
const dec = (d: BigDecimal.BigDecimal | undefined, fallback = 0): number => (d === undefined ? fallback : Number(BigDecimal.format(d)))
const moneyNumber = (d: BigDecimal.BigDecimal): number => Number(formatMoney(d))
const ppmOf = (e: Expr): Expr => round(mul(e, MILLION), 0)

export interface ModelWorkbook extends WorkbookSpec {
  /** formula figures whose floating-point value disagrees with the engine (empty when the workbook is exact) */
  readonly deviations: ReadonlyArray<string>
  /** where the figures are, for tests: Monthly row of month i, and the column of each figure */
  readonly layout: {
    readonly monthlyFirstRow: number
    readonly monthlyColumns: Readonly<Record<string, number>>
  }
}

const NOTE_CHARS = 80

/** The Inputs sheet: label, value (a defined name), unit, note; and the tier table, one column per tier. */
class InputsSheet {
  readonly grid = new Grid("Inputs", { freeze: { row: 0, col: 1 }, print: "fit-width", wrap: new Set([9]) })
  readonly names = new Map<string, string>()
  row = 2
  private readonly notes: (ids: ReadonlyArray<string>) => string
  constructor(notes: (ids: ReadonlyArray<string>) => string) {
    this.notes = notes
  }

  /** The note column (names, uncertain inputs), wrapped in its width. */
  note(row: number, text: string): void {
    this.grid.text(9, row, text)
    this.grid.fitText(row, text, NOTE_CHARS)
  }

  heading(title: string): void {
    this.row++
    this.grid.text(1, this.row++, title, true)
  }

  name(name: string, col: number, row: number): void {
    this.names.set(name, this.grid.abs(col, row))
  }

  /** One named input; returns it as an expression through its name. */
  input(name: string, label: string, value: number, unit: string, format: CellFormat, ids: ReadonlyArray<string> = []): Expr {
    const r = this.row++
    this.grid.text(1, r, label)
    this.grid.value(2, r, value, format)
    this.grid.text(8, r, unit)
    this.note(r, [name, this.notes(ids)].filter((s) => s !== "").join(" · "))
    this.name(name, 2, r)
    return ref(name, value)
  }

  /** A row of the tier table: one named cell per tier (`pro_price`). */
  tierRow(
    field: string,
    label: string,
    values: ReadonlyArray<number | undefined>,
    unit: string,
    format: CellFormat,
    ids: ReadonlyArray<string> = []
  ): Array<Expr> {
    const r = this.row++
    this.grid.text(1, r, label)
    const out = TIER_IDS.map((t, k) => {
      const v = values[k]
      if (v === undefined) return num(0)
      this.grid.value(2 + k, r, v, format)
      this.name(`${t}_${field}`, 2 + k, r)
      return ref(`${t}_${field}`, v)
    })
    this.grid.text(8, r, unit)
    this.note(r, [`${TIER_IDS[0]}_${field} …`, this.notes(ids)].filter((s) => s !== "").join(" · "))
    return out
  }
}

interface Ramp {
  readonly from: number
  readonly to: number
  readonly months: number
  readonly path: string
}

const rampOf = (s: FractionSeries | undefined, path: string): Ramp => {
  if (s === undefined) return { from: 1, to: 1, months: 0, path }
  if (BigDecimal.isBigDecimal(s)) return { from: dec(s), to: dec(s), months: 0, path }
  return { from: dec(s.from), to: dec(s.to), months: s.months, path }
}

export const modelWorkbook = (run: ScenarioRun): ModelWorkbook => {
  const { loaded, projection } = run
  const { scenario, sheet } = loaded.state
  const input = projection.input
  const months = projection.months
  const K = TIER_IDS.length
  const deviations: Array<string> = []
  const tierName = (t: TierId): string => tierOf(sheet, t).name

  const uncertain = new Map(loaded.inputs.map((i) => [i.id, i.dist]))
  const notes = (ids: ReadonlyArray<string>): string =>
    ids
      .filter((id) => uncertain.has(id))
      .map((id) => {
        const d = uncertain.get(id)!
        const params = Object.entries(d).filter(([k, v]) => k !== "dist" && v !== undefined).map(([k, v]) => `${k} ${v}`)
        return `uncertain ${id}: ${d.dist}(${params.join(", ")}), point value shown`
      })
      .join("; ")

  // ---------------------------------------------------------------------------------------------------- Inputs
  const inp = new InputsSheet(notes)
  const g = inp.grid
  g.text(1, 1, `Inputs: ${scenario.name}`, true)
  g.text(1, 2, `${loaded.file} on ${loaded.source.sheetFile}. Change a value in column B: every formula of Monthly, Tiers and Workings follows.`)
  ;[[1, 44], [2, 12], [3, 12], [4, 12], [5, 12], [6, 12], [7, 2], [8, 18], [9, NOTE_CHARS]].forEach(([c, w]) => g.width(c!, w!))

  inp.heading("Unit prices (price sheet)")
  const p = sheet.unit_prices
  const up = (key: keyof typeof p, label: string, unit: string) =>
    inp.input(key, label, dec(p[key] as BigDecimal.BigDecimal), unit, "usd4", [`overrides.unit_prices.${key}`])
  const redisPrice = up("redis_per_mb_month", "Redis (Upstash)", "$ per MB-month")
  const lyvePrice = up("lyve_per_gb_month", "Hot storage (Lyve)", "$ per GB-month")
  const coldPrice = up("cold_per_gb_month", "Cold storage", "$ per GB-month")
  const bandwidthPrice = up("bandwidth_per_gb", "Bandwidth", "$ per GB")
  up("jettythunder_api_per_block", "JettyThunder API (internal record only)", "$ per block")
  inp.input("jettythunder_api_block_requests", "JettyThunder API block (internal record only)", p.jettythunder_api_block_requests, "requests", "int")
  const textPrice = up("text_cache_per_100k_requests", "Text cache", "$ per 100k requests")
  inp.input("support_per_user_month", "Support per paid user (sheet default)", dec(sheet.support_per_user_month), "$ per user-month", "usd", [
    "overrides.support_per_user_month"
  ])

  inp.heading("Storage: dedup, compression, tiering")
  const opt = scenario.optimizations ?? {}
  const dedupOn = inp.input("dedup_on", "Dedup on (1 = yes)", opt.dedup === true ? 1 : 0, "1 / 0", "int")
  const dupRatio = inp.input("duplicate_ratio", "Duplicate ratio", dec(scenario.media?.duplicate_ratio), "share", "share", ["media.duplicate_ratio"])
  const compressionOn = inp.input("compression_on", "Compression on (1 = yes)", opt.compression === true ? 1 : 0, "1 / 0", "int")
  const mix = scenario.media?.mix ?? sheet.media.default_mix
  const ratios = MEDIA_TYPES.map((m) =>
    inp.input(`ratio_${m}`, `Compressed size, ${m.replace("_", " ")}`, dec(sheet.media.compression_ratios[m]), "share of original", "share")
  )
  const mixes = MEDIA_TYPES.map((m) => inp.input(`mix_${m}`, `Media mix, ${m.replace("_", " ")}`, dec(mix[m]), "share of bytes", "share", [`media.mix.${m}`]))
  const tieringOn = inp.input("tiering_on", "Tiering on (1 = yes)", opt.tiering === true ? 1 : 0, "1 / 0", "int")
  const coldShareIn = inp.input("cold_share", "Share of stored bytes kept cold", dec(scenario.tiering?.cold_share), "share", "share", ["tiering.cold_share"])

  inp.heading("Sign-ups")
  const s = scenario.users.signups?.per_month
  const sg = s === undefined
    ? { start: 0, growth: 0, to: 0, months: 0 }
    : BigDecimal.isBigDecimal(s)
    ? { start: dec(s), growth: 0, to: dec(s), months: 0 }
    : "months" in s
    ? { start: dec(s.from), growth: 0, to: dec(s.to), months: s.months }
    : { start: dec(s.start), growth: dec(s.growth), to: dec(s.start), months: 0 }
  const sp = "users.signups.per_month"
  const suStart = inp.input("signups_start", "Sign-ups in the first month", sg.start, "users", "decimal", [sp, `${sp}.start`, `${sp}.from`])
  const suGrowth = inp.input("signups_growth", "Sign-up growth, month on month", sg.growth, "share", "share", [`${sp}.growth`])
  const suTo = inp.input("signups_ramp_to", "Sign-ups at the end of a ramp", sg.to, "users", "decimal", [`${sp}.to`])
  const suMonths = inp.input("signups_ramp_months", "Ramp length (0 = growth instead)", sg.months, "months", "int")

  inp.heading("Tiers (price sheet and scenario)")
  TIER_IDS.forEach((t, k) => g.text(2 + k, inp.row, tierName(t), true))
  g.text(1, inp.row++, "field", true)
  const tiers = TIER_IDS.map((t) => tierOf(sheet, t))
  const table0 = input.tables[0]!
  const exactAt = (r: number, k: number): number => Number(table0[r * K + k]!) / 10 ** input.rowScale[r]!
  const sheetIds = (field: string) => TIER_IDS.map((t) => `overrides.tiers.${t}.${field}`)
  const price = inp.tierRow("price", "Price", TIER_IDS.map((_, k) => exactAt(REVENUE, k)), "$ per user-month", "usd", sheetIds("price"))
  const requests = inp.tierRow(
    "costed_requests",
    "Cache requests priced",
    tiers.map((t) => t.limits.cache_requests ?? t.costed_requests ?? 0),
    "requests per month",
    "int"
  )
  const redisMb = inp.tierRow("redis_mb", "Redis allowance", tiers.map((t) => dec(t.limits.redis_mb ?? undefined)), "MB", "decimal")
  const storageGb = inp.tierRow("storage_gb", "Storage allowance", tiers.map((t) => dec(t.limits.storage_gb ?? undefined)), "GB", "decimal")
  const bandwidthGb = inp.tierRow("bandwidth_gb", "Bandwidth allowance", tiers.map((t) => dec(t.limits.bandwidth_gb ?? undefined)), "GB", "decimal")
  const flat = (["workers", "jettythunder_api", "jettyspeed"] as const).map((l) =>
    inp.tierRow(l, `${costLineLabel(l)} (flat)`, tiers.map((t) => dec(t.flat_lines[l])), "$ per user-month", "usd4", sheetIds(`flat_lines.${l}`))
  )
  const support = inp.tierRow(
    "support",
    "Support",
    TIER_IDS.map((_, k) => exactAt(LINES.indexOf("support"), k)),
    "$ per user-month",
    "usd",
    TIER_IDS.map((t) => `support_per_user.${t}`)
  )
  const fl = input.flows
  const startUsers = inp.tierRow("start_users", "Users before the first month", fl.start, "users", "int")
  const userIds = (flow: string) => TIER_IDS.map((t) => `users.${flow}.${t}`)
  // a flow's rate per tier, as the engine holds it (per million); tiers the flow cannot leave are left blank
  const rate = (flow: string, label: string, unit: string, ppm: ReadonlyArray<number>, has: (k: number) => boolean) =>
    inp.tierRow(flow, label, ppm.map((x, k) => (has(k) ? x / 1e6 : undefined)), unit, "share", userIds(flow))
  const churn = rate("churn", "Churn", "share per month", fl.churnPpm, () => true)
  const conversion = rate("conversion", "Conversion from Free", "share of Free per month", fl.conversionPpm, (k) => k > 0)
  const upgrade = rate("upgrade", "Upgrade one tier up", "share per month", fl.upPpm, (k) => k > 0 && k < K - 1)
  const downgrade = rate("downgrade", "Downgrade one tier down", "share per month", fl.downPpm, (k) => k > 0)
  const signupMix = inp.tierRow(
    "signup_mix",
    "Share of sign-ups",
    TIER_IDS.map((t) => dec(scenario.users.signups?.mix[t])),
    "share (sums to 1)",
    "share",
    TIER_IDS.map((t) => `users.signups.mix.${t}`)
  )
  const usage = USAGE_DIMENSIONS.map((dim) => {
    const ramps = TIER_IDS.map((t) => {
      const own = scenario.usage?.[t]?.[dim]
      return rampOf(own ?? scenario.usage?.default?.[dim], own !== undefined ? `usage.${t}.${dim}` : `usage.default.${dim}`)
    })
    const idsOf = (part: string) => ramps.map((r) => (part === "" ? r.path : `${r.path}.${part}`))
    return {
      from: inp.tierRow(`${dim}_from`, `Usage of the ${DIM_LABELS[dim]} allowance, first month`, ramps.map((r) => r.from), "share", "share", [
        ...idsOf(""),
        ...idsOf("from")
      ]),
      to: inp.tierRow(`${dim}_to`, `… at the end of its ramp`, ramps.map((r) => r.to), "share", "share", idsOf("to")),
      months: inp.tierRow(`${dim}_months`, `… ramp length (0 = constant)`, ramps.map((r) => r.months), "months", "int")
    }
  })

  inp.heading("Fixed costs (each step applies from its month on)")
  const f = scenario.fixed_costs ?? sheet.fixed_costs
  type Step = { readonly from: string; readonly costs: Readonly<Record<string, BigDecimal.BigDecimal>> }
  const steps: ReadonlyArray<Step> = Array.isArray(f)
    ? (f as ReadonlyArray<Step>)
    : [{ from: input.monthKeys[0]!, costs: f as Readonly<Record<string, BigDecimal.BigDecimal>> }]
  const items = [...new Set(steps.flatMap((st) => Object.keys(st.costs)))]
  g.text(1, inp.row, "from month", true)
  items.forEach((it, j) => g.text(2 + j, inp.row, it, true))
  g.text(2 + items.length, inp.row, "total", true)
  g.text(8, inp.row++, "$ per month")
  const firstStep = inp.row
  const stepTotals = steps.map((st, n) => {
    const r = inp.row++
    g.text(1, r, st.from)
    const cells = items.map((it, j) => g.value(2 + j, r, dec(st.costs[it]), "usd"))
    inp.note(r, notes(items.map((it) => `fixed_costs.${n}.costs.${it}`)))
    const sum = cells.length === 0 ? num(0) : { f: `SUM(${cells[0]!.f}:${cells.at(-1)!.f.split("!")[1]})`, v: cells.reduce((a, c) => a + c.v, 0) }
    return g.formula(2 + items.length, r, sum, "usd")
  })
  inp.names.set("fixed_from", `Inputs!$A$${firstStep}:$A$${inp.row - 1}`)
  const totalCol = colName(2 + items.length)
  inp.names.set("fixed_total", `Inputs!$${totalCol}$${firstStep}:$${totalCol}$${inp.row - 1}`)

  // ---------------------------------------------------------------------------------------------------- Tiers (derived)
  const tg = new Grid("Tiers", { freeze: { row: 7, col: 1 }, print: "fit-width" })
  tg.text(1, 1, "Tiers: what one user costs and earns per month", true)
  const mixSum = add(...mixes)
  const blended = tg.formula(
    2,
    3,
    ifElse(cmp(mixSum, "=", num(0)), num(1), div(add(...ratios.map((r, j) => mul(r, mixes[j]!))), mixSum)),
    "share"
  )
  tg.text(1, 3, "Compressed size of the media mix")
  const kept = tg.formula(
    2,
    4,
    mul(ifElse(cmp(dedupOn, "=", num(1)), sub(num(1), dupRatio), num(1)), ifElse(cmp(compressionOn, "=", num(1)), blended, num(1))),
    "share"
  )
  tg.text(1, 4, "Stored bytes per logical byte (dedup, compression)")
  const cold = tg.formula(2, 5, ifElse(mul(cmp(tieringOn, "=", num(1)), cmp(coldPrice, "<", lyvePrice)), coldShareIn, num(0)), "share")
  tg.text(1, 5, "Share of stored bytes kept cold (tiering, when cold is cheaper)")
  ;[[1, 46], ...Array.from({ length: 16 }, (_, i) => [i + 2, 13])].forEach(([c, w]) => tg.width(c!, w!))

  // ---------------------------------------------------------------------------------------------------- Workings
  const wg = new Grid("Workings", { freeze: { row: 1, col: 2 } })
  let nextCol = 1
  const cols = new Map<string, number>()
  const colOf = (key: string, header: string): number => {
    let c = cols.get(key)
    if (c === undefined) {
      c = nextCol++
      cols.set(key, c)
      wg.text(c, 1, header, true)
      wg.width(c, Math.max(10, Math.min(24, header.length)))
    }
    return c
  }
  const prevRow = new Map<string, Expr>()
  const put = (key: string, header: string, row: number, e: Expr, format: CellFormat): Expr => {
    const out = wg.formula(colOf(key, header), row, e, format)
    prevRow.set(key, out)
    return out
  }
  const prev = (key: string, first: Expr): Expr => prevRow.get(key) ?? first

  const gppm = ppmOf(suGrowth)
  const startM = ppmOf(suStart)
  const toM = ppmOf(suTo)
  const monthly = new Grid("Monthly", { freeze: { row: 3, col: 1 }, print: { scale: 55 } })
  const lastAmounts: Array<Array<Expr>> = []
  const usersByMonth: Array<Array<Expr>> = []
  const flowsByMonth: Array<{ signups: Array<Expr>; churned: Array<Expr>; conv: Expr; up: Expr; down: Expr }> = []
  const bookedByMonth: Array<Array<Expr>> = []

  months.forEach((m, i) => {
    const row = i + 2
    const idx = wg.value(colOf("i", "month index"), row, i, "int")
    wg.text(colOf("month", "month"), row, m.month)
    // sign-ups of the month in micro-users: compounding (half-even each step) or a ramp (series.ts)
    let compound: Expr
    if (i === 0) compound = put("su_v", "sign-ups compounding (µusers)", row, startM, "int")
    else {
      const v = prevRow.get("su_v")!
      const n = mul(v, gppm)
      const q = put("su_q", "growth step ⌊v·g⌋ (µusers)", row, floorDiv(n, MILLION), "int")
      const twice = mul(num(2), sub(n, mul(q, MILLION)))
      const base = add(v, q)
      compound = put("su_v", "sign-ups compounding (µusers)", row, add(base, cmp(twice, ">", MILLION), mul(cmp(twice, "=", MILLION), mod2(base))), "int")
    }
    const span = ifElse(cmp(suMonths, ">", num(0)), suMonths, num(1))
    const rampN = put("su_rn", "ramp step numerator", row, mul(sub(toM, startM), min(idx, span)), "int")
    const ramp = put("su_ramp", "sign-ups ramp (µusers)", row, ifElse(cmp(idx, ">=", suMonths), toM, add(startM, halfEvenDiv(rampN, span))), "int")
    const total = put("su_total", "sign-ups of the month (µusers)", row, ifElse(cmp(suMonths, ">", num(0)), ramp, compound), "int")
    const whole = put("su_whole", "whole sign-ups", row, floorDiv(total, MILLION), "int")
    const rest = sub(total, mul(whole, MILLION))
    const due = TIER_IDS.map((t, k) => {
      const share = ppmOf(signupMix[k]!)
      return put(`su_${t}`, `${t} sign-ups (µusers)`, row, add(mul(whole, share), floorDiv(mul(rest, share), MILLION)), "int")
    })

    // flows: each moves ⌊(users·rate + carry) / 10^6⌋ users, never more than are left, and carries the rest (flows.ts)
    const before = TIER_IDS.map((t, k) => prev(`users_${t}`, startUsers[k]!))
    const take = (key: string, header: string, n: Expr, rate: Expr, left: Expr): Expr => {
      const carry = prevRow.get(`${key}_carry`)
      const owed = carry === undefined ? mul(n, ppmOf(rate)) : add(mul(n, ppmOf(rate)), carry)
      const moved = put(key, header, row, min(floorDiv(owed, MILLION), left), "int")
      put(`${key}_carry`, `${header}: carry (µusers)`, row, sub(owed, mul(moved, MILLION)), "int")
      return moved
    }
    const churned: Array<Expr> = []
    const ups: Array<Expr | undefined> = []
    const downs: Array<Expr | undefined> = []
    const convs: Array<Expr | undefined> = [undefined]
    TIER_IDS.forEach((t, k) => {
      const n = before[k]!
      let left: Expr = n
      const c = take(`churn_${t}`, `${t} churned`, n, churn[k]!, left)
      churned.push(c)
      left = sub(left, c)
      if (k === 0) {
        for (let j = 1; j < K; j++) {
          const moved = take(`conv_${TIER_IDS[j]}`, `free → ${TIER_IDS[j]}`, n, conversion[j]!, left)
          convs.push(moved)
          left = sub(left, moved)
        }
      } else {
        const d = take(`down_${t}`, `${t} → ${TIER_IDS[k - 1]}`, n, downgrade[k]!, left)
        downs[k] = d
        left = sub(left, d)
      }
      if (k > 0 && k < K - 1) ups[k] = take(`up_${t}`, `${t} → ${TIER_IDS[k + 1]}`, n, upgrade[k]!, left)
    })
    const joined = TIER_IDS.map((t, k) => {
      const carry = prevRow.get(`join_${t}_carry`)
      const owed = carry === undefined ? due[k]! : add(due[k]!, carry)
      const j = put(`join_${t}`, `${t} signed up`, row, floorDiv(owed, MILLION), "int")
      put(`join_${t}_carry`, `${t} signed up: carry (µusers)`, row, sub(owed, mul(j, MILLION)), "int")
      return j
    })
    const users = TIER_IDS.map((t, k) => {
      const terms: Array<Expr> = [before[k]!]
      let e = sub(terms[0]!, churned[k]!)
      if (k === 0) for (let j = 1; j < K; j++) e = sub(e, convs[j]!)
      else e = add(sub(e, downs[k]!), convs[k]!)
      if (ups[k] !== undefined) e = sub(e, ups[k]!)
      if (k > 0 && ups[k - 1] !== undefined) e = add(e, ups[k - 1]!)
      if (downs[k + 1] !== undefined) e = add(e, downs[k + 1]!)
      e = add(e, joined[k]!)
      const u = put(`users_${t}`, `${t} users`, row, e, "int")
      if (u.v !== m.users[k]) deviations.push(`${m.month}: ${t} users ${u.v} in formulas, ${m.users[k]} in the engine`)
      return u
    })
    usersByMonth.push(users)
    flowsByMonth.push({
      signups: joined,
      churned,
      conv: add(...convs.slice(1).map((x) => x!)),
      up: add(...ups.filter((x): x is Expr => x !== undefined)),
      down: add(...downs.filter((x): x is Expr => x !== undefined))
    })

    // usage shares: a constant or a ramp held at 6 decimals (series.ts)
    const share = (dim: number, k: number): Expr => {
      const u = usage[dim]!
      const from = u.from[k]!
      const to = u.to[k]!
      const span = u.months[k]!
      const step = halfEvenDiv(mul(sub(ppmOf(to), ppmOf(from)), idx), ifElse(cmp(span, ">", num(0)), span, num(1)))
      return put(
        `share_${TIER_IDS[k]}_${USAGE_DIMENSIONS[dim]}`,
        `${TIER_IDS[k]} ${USAGE_DIMENSIONS[dim]} usage`,
        row,
        ifElse(cmp(span, "=", num(0)), from, ifElse(cmp(idx, ">=", span), to, add(from, div(step, MILLION)))),
        "share"
      )
    }
    const shares = TIER_IDS.map((_, k) => USAGE_DIMENSIONS.map((_, d) => share(d, k)))
    // per-user amounts (usageCost.ts): allowance × used share × unit price; storage after dedup and compression, split hot/cold
    const amounts: Array<Array<Expr>> = LINES.map(() => [])
    amounts.push([])
    TIER_IDS.forEach((t, k) => {
      const [req, red, sto, bw] = shares[k]!
      const stored = mul(storageGb[k]!, sto!, kept)
      const perLine: Record<LineName, Expr> = {
        redis: mul(redisMb[k]!, red!, redisPrice),
        hot_storage: mul(stored, sub(num(1), cold), lyvePrice),
        cold_storage: mul(stored, cold, coldPrice),
        bandwidth: mul(bandwidthGb[k]!, bw!, bandwidthPrice),
        workers: flat[0]![k]!,
        jettythunder_api: flat[1]![k]!,
        jettyspeed: flat[2]![k]!,
        text_cache: div(mul(requests[k]!, req!, textPrice), num(100000)),
        support: support[k]!
      }
      LINES.forEach((l, r) => amounts[r]!.push(put(`amt_${l}_${t}`, `${t} ${costLineLabel(l)} per user ($)`, row, perLine[l], "usd4")))
      amounts[REVENUE]!.push(put(`amt_revenue_${t}`, `${t} price ($)`, row, price[k]!, "usd"))
    })
    if (i === months.length - 1) lastAmounts.push(...amounts)
    // each line booked once for all tiers: Σ amount × users in cents, half-even to the cent (project.ts)
    const booked = amounts.map((row_, r) => {
      const key = r === REVENUE ? "revenue" : LINES[r]!
      const cents = put(`x_${key}`, `${key}: Σ amount × users (cents)`, row, mul(num(100), add(...row_.map((a, k) => mul(a, users[k]!)))), "decimal")
      const b = put(`b_${key}`, `${key} booked (cents)`, row, bookHalfEven(cents), "int")
      const engine = Number(BigDecimal.scale(r === REVENUE ? m.revenue : m.lines[r]!, 2).value)
      if (b.v !== engine) deviations.push(`${m.month}: ${key} books ${b.v} cents in formulas, ${engine} in the engine`)
      return b
    })
    bookedByMonth.push(booked)
  })

  // ---------------------------------------------------------------------------------------------------- Monthly
  const mg = monthly
  mg.text(1, 1, `Monthly projection: ${scenario.name}`, true)
  mg.text(
    2,
    2,
    "Live formulas over Inputs (named cells). Users are whole, money is booked to the cent half-even, as the engine does: see Notes."
  )
  const headers: Array<[string, string, CellFormat]> = [
    ["month", "Month", "text"],
    ...TIER_IDS.map((t): [string, string, CellFormat] => [`users_${t}`, `${tierName(t)} users`, "int"]),
    ["users", "Users", "int"],
    ["paying_users", "Paying users", "int"],
    ["revenue", "Revenue", "usd"],
    ...LINES.map((l): [string, string, CellFormat] => [l, costLineLabel(l), "usd"]),
    ["variable_costs", "Variable costs", "usd"],
    ["gross_profit", "Gross profit", "usd"],
    ["gross_margin_pct", "Gross margin %", "pct1"],
    ["fixed", "Fixed costs", "usd"],
    ["net_profit", "Net profit", "usd"],
    ["net_margin_pct", "Net margin %", "pct1"],
    ["cumulative_net_profit", "Cumulative net profit", "usd"],
    ["jettythunder_pool", "JettyThunder pool", "usd"],
    ...TIER_IDS.map((t): [string, string, CellFormat] => [`signups_${t}`, `${tierName(t)} sign-ups`, "int"]),
    ...TIER_IDS.map((t): [string, string, CellFormat] => [`churned_${t}`, `${tierName(t)} churned`, "int"]),
    ["conversions", "Free → paid", "int"],
    ["upgrades", "Upgrades", "int"],
    ["downgrades", "Downgrades", "int"]
  ]
  const mc: Record<string, number> = {}
  mg.spec.heights.set(3, 30)
  headers.forEach(([key, label], j) => {
    mc[key] = j + 1
    mg.set(j + 1, 3, { value: label, format: "text", bold: true, wrap: true })
    mg.width(j + 1, j === 0 ? 9 : Math.max(11, Math.min(16, label.length + 2)))
  })
  const FIRST = 4
  const pctOf = (num_: Expr, den: Expr): Expr =>
    ifElse(
      cmp(den, "=", num(0)),
      num(0),
      div(halfEvenDiv(mul(round(mul(num_, num(100)), 0), num(1000)), round(mul(den, num(100)), 0)), num(10))
    )
  let cumulative: Expr | undefined
  months.forEach((m, i) => {
    const row = FIRST + i
    const cell = (key: string, e: Expr, cached: number): Expr => {
      const c = mg.formula(mc[key]!, row, e, headers[mc[key]! - 1]![2], cached)
      if (Math.round(e.v * 100) !== Math.round(cached * 100)) deviations.push(`${m.month}: ${key} ${e.v} in formulas, ${cached} in the engine`)
      return { f: c.f.replace("Monthly!", ""), v: c.v }
    }
    mg.text(1, row, m.month)
    const users = usersByMonth[i]!.map((u, k) => cell(`users_${TIER_IDS[k]}`, u, m.users[k]!))
    cell("users", add(...users), m.users.reduce((a, b) => a + b, 0))
    cell("paying_users", add(...users.slice(1)), m.users.slice(1).reduce((a, b) => a + b, 0))
    const fm = flowsByMonth[i]!
    fm.signups.forEach((x, k) => cell(`signups_${TIER_IDS[k]}`, x, m.signups[k]!))
    fm.churned.forEach((x, k) => cell(`churned_${TIER_IDS[k]}`, x, m.churned[k]!))
    cell("conversions", fm.conv, fm.conv.v)
    cell("upgrades", fm.up, fm.up.v)
    cell("downgrades", fm.down, fm.down.v)
    const booked = bookedByMonth[i]!
    const revenue = cell("revenue", div(booked[REVENUE]!, num(100)), moneyNumber(m.revenue))
    const lines = LINES.map((l, r) => cell(l, div(booked[r]!, num(100)), moneyNumber(m.lines[r]!)))
    const variable = cell("variable_costs", { f: `SUM(${lines[0]!.f}:${lines.at(-1)!.f})`, v: lines.reduce((a, x) => a + x.v, 0) }, moneyNumber(m.variableCosts))
    const gross = cell("gross_profit", sub(revenue, variable), moneyNumber(m.grossProfit))
    cell("gross_margin_pct", pctOf(gross, revenue), dec(m.grossMarginPct))
    const monthCell = ref(`$A${row}`, 0)
    const fixedValue = stepTotals.reduce((acc, t, n) => (steps[n]!.from <= m.month ? t.v : acc), 0)
    const fixed = cell("fixed", { f: `IFERROR(LOOKUP(${monthCell.f},fixed_from,fixed_total),0)`, v: fixedValue }, moneyNumber(m.fixed))
    const net = cell("net_profit", sub(gross, fixed), moneyNumber(m.netProfit))
    cell("net_margin_pct", pctOf(net, revenue), dec(percent(m.netProfit, m.revenue)))
    cumulative = cell("cumulative_net_profit", cumulative === undefined ? net : add(cumulative, net), moneyNumber(m.cumulativeNetProfit))
    const pool = add(...JETTYTHUNDER_LINES.map((l) => lines[LINES.indexOf(l)]!))
    cell("jettythunder_pool", pool, moneyNumber(m.jettythunderPool))
  })

  // ---------------------------------------------------------------------------------------------------- Tiers (table)
  const last = months.at(-1)!
  const T0 = 7
  const tierHeaders = ["Tier", "Price", ...LINES.map((l) => costLineLabel(l)), "Cost per user", "Margin per user", "Margin %", `Users ${last.month}`]
  tg.spec.heights.set(T0, 30)
  tierHeaders.forEach((h, j) => tg.set(j + 1, T0, { value: h, format: "text", bold: true, wrap: true }))
  tg.text(1, T0 - 1, `Per user per month at ${last.month}'s usage (the last month: ramps have run), from Workings`)
  TIER_IDS.forEach((t, k) => {
    const row = T0 + 1 + k
    tg.text(1, row, tierName(t))
    const priceCell = tg.formula(2, row, lastAmounts[REVENUE]![k]!, "usd")
    const lineCells = LINES.map((_, r) => tg.formula(3 + r, row, lastAmounts[r]![k]!, "usd4"))
    const cost = tg.formula(3 + LINES.length, row, add(...lineCells), "usd4")
    const margin = tg.formula(4 + LINES.length, row, sub(priceCell, cost), "usd4")
    tg.formula(5 + LINES.length, row, ifElse(cmp(priceCell, "=", num(0)), num(0), mul(div(margin, priceCell), num(100))), "pct1")
    tg.formula(6 + LINES.length, row, usersByMonth.at(-1)![k]!, "int")
  })

  // ---------------------------------------------------------------------------------------------------- Monte Carlo
  const mcg = new Grid("Monte Carlo", { freeze: { row: 3, col: 1 }, print: { scale: 55 } })
  const mcj = run.summary.monte_carlo
  mcg.width(1, 26)
  if (mcj === undefined) {
    mcg.text(1, 1, "Monte Carlo: not run. Run `econ run FILE --runs 10000 --xlsx OUT.xlsx` for percentiles.", true)
  } else {
    mcg.text(1, 1, `Monte Carlo: ${mcj.runs} runs from seed ${mcj.seed}; percentiles within ${mcj.relative_accuracy * 100}% (values, not formulas)`, true)
    mcg.text(1, 2, `Uncertain inputs: ${mcj.uncertain_inputs.join(", ")}`)
    const figures = Object.keys(mcj.percentiles)
    mcg.text(1, 3, "month", true)
    mcg.spec.heights.set(3, 30)
    figures.forEach((fig, j) => {
      ;(["p5", "p50", "p95"] as const).forEach((q, n) => {
        mcg.set(2 + j * 3 + n, 3, { value: `${fig.replace(/_/g, " ")} ${q}`, format: "text", bold: true, wrap: true })
        mcg.width(2 + j * 3 + n, 14)
      })
    })
    const pCol = 2 + figures.length * 3
    mcg.set(pCol, 3, { value: "P(break-even by month)", format: "text", bold: true, wrap: true })
    mcg.width(pCol, 14)
    months.forEach((m, i) => {
      mcg.text(1, 4 + i, m.month)
      figures.forEach((fig, j) => {
        const band = mcj.percentiles[fig]![i]
        if (band === undefined) return
        const format: CellFormat = /pct/.test(fig) ? "pct1" : /users/.test(fig) ? "int" : "usd"
        mcg.value(2 + j * 3, 4 + i, band.p5, format)
        mcg.value(3 + j * 3, 4 + i, band.p50, format)
        mcg.value(4 + j * 3, 4 + i, band.p95, format)
      })
      const pb = mcj.p_break_even_by_month[i]
      if (pb !== undefined) mcg.value(pCol, 4 + i, pb.p, "share")
    })
  }

  // ---------------------------------------------------------------------------------------------------- Notes
  const ng = new Grid("Notes", { print: { scale: 100 }, wrap: new Set([1]) })
  ng.width(1, 100)
  const noteLines = [
    "How this workbook computes (the engine's rules, as formulas)",
    "• Users are whole people. Each flow (churn, a conversion, an upgrade or downgrade, a tier's sign-ups) moves ⌊(users × rate per million + carry) / 10^6⌋ users, never more than are left, and carries the rest, in millionths of a user, into its next month (Workings: the *carry columns).",
    "• Sign-ups compound at micro-user precision, half-even each month; ramps are straight lines held at 6 decimals, half-even (Workings: su_* columns).",
    "• Money: each cost line and revenue is booked once a month for all tiers: Σ per-user amount × users, in cents, rounded half-even to the cent (a half cent goes to the even cent). Spreadsheet ROUND rounds halves away from zero, so the booked cells test for the half cent explicitly.",
    "• Margins are gross (or net) profit / revenue × 100 at one decimal, half-even; 0 without revenue, as the engine's summary shows them.",
    "• Fixed costs: the step in force for the month (LOOKUP on the month), as entered (in cents).",
    "",
    "Where the workbook can differ from the engine (none of these happen in this file's figures unless listed below)",
    "• The sub-cent part of each line is held in floating point to 10^-6 cent: a line above about $1,000,000 a month, or an amount within 10^-6 cent of a half cent without being one, may book one cent differently.",
    "• Rates, shares and the sign-up mix are used at 6 decimals (per million), as the engine takes them; the engine renormalises a sign-up mix that does not sum to 1, the workbook does not.",
    "• The engine holds the blended compression ratio of a mix that does not divide evenly at 12 more decimals; the workbook at floating-point precision.",
    "• Months, the start month and the horizon are structure, not inputs: change them in the scenario file.",
    "• Monte Carlo percentiles are values from the run that wrote this file, not formulas.",
    "",
    deviations.length === 0
      ? "Checked when written: every figure of Monthly computed by these formulas equals the engine's to the cent."
      : `Deviations found when written (${deviations.length}); the cached values are the engine's:`,
    ...deviations.slice(0, 200).map((d) => `• ${d}`)
  ]
  noteLines.forEach((line, j) => {
    ng.text(1, 1 + j, line, j === 0 || line.startsWith("Where") || line.startsWith("Checked") || line.startsWith("Deviations"))
    ng.fitText(1 + j, line, 90)
  })

  return {
    sheets: [inp.grid.spec, mg.spec, tg.spec, mcg.spec, wg.spec, ng.spec],
    names: inp.names,
    deviations,
    layout: { monthlyFirstRow: FIRST, monthlyColumns: mc }
  }
}
