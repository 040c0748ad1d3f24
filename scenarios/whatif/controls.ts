// The what-if page's inputs: which numbers of a scenario get a slider (tier prices, unit costs, sign-ups and growth,
// tier mix, churn, conversion, fixed costs), where each lives in the scenario file, and the grid it moves on.
// Values are exact decimals kept as integers at the control's scale, so a slider never produces float noise.
import * as BigDecimal from "effect/BigDecimal"
import { TIER_IDS, type TierId } from "../../model/index.ts"
import type { LoadedScenario } from "../scenario/decode.ts"
import type { TreePath } from "../scenario/uncertain.ts"
import { monthLabel } from "../report/format.ts"
import { inputLabel } from "../engine/inputLabel.ts"
import { inputUnit, type InputUnit } from "../report/inputLabel.ts"

/** money: dollars; quantity: a decimal count (sign-ups per month); rate: a share in [0, 1]; growth: a signed rate */
export type ControlKind = "money" | "quantity" | "rate" | "growth"

export interface Control {
  /** where the value goes in the scenario file, joined by dots ("overrides.tiers.pro.price", "users.churn.pro") */
  readonly id: string
  readonly path: TreePath
  readonly label: string
  readonly unit: InputUnit
  readonly kind: ControlKind
  /** decimals of the slider grid; min, max and step are integers at this scale */
  readonly scale: number
  readonly min: number
  readonly max: number
  readonly step: number
  /** the value the scenario has (a distribution's point value), exact decimal text */
  readonly value: string
  /** a share of the sign-up mix: Free takes what the paid tiers leave, so the mix keeps summing to 1 */
  readonly mix?: TierId
}

export interface ControlGroup {
  readonly title: string
  readonly controls: ReadonlyArray<Control>
}

const PAID: ReadonlyArray<TierId> = TIER_IDS.filter((t) => t !== "free")
const TIER_NAMES: Readonly<Record<TierId, string>> = { free: "Free", starter: "Starter", pro: "Pro", business: "Business", enterprise: "Enterprise" }

/** Integer `d · 10^scale`, rounded toward zero (the grid is chosen so that the scenario's own value lies on it). */
const unitsAt = (d: BigDecimal.BigDecimal, scale: number): number => Number(BigDecimal.scale(d, scale).value)

/** `units / 10^scale` as exact decimal text ("0.015", "49", "-0.02"). */
export const decimalText = (units: number, scale: number): string => BigDecimal.format(BigDecimal.make(BigInt(units), scale))

/** Position of an exact decimal on a control's grid (rounded half-even), held to its range. */
export const positionOf = (control: Control, text: string): number => {
  const d = BigDecimal.fromStringUnsafe(text)
  const units = Number(BigDecimal.scale(BigDecimal.round(d, { scale: control.scale, mode: "half-even" }), control.scale).value)
  return Math.min(control.max, Math.max(control.min, units))
}

const ceilTo = (units: number, step: number): number => Math.ceil(units / step) * step

/**
 * The grid for a value: about a hundred steps up to three times the value (rates stop at 1, growth spans −10 % to
 * +20 % at least), one step fine enough for the value itself to lie on the grid.
 */
const gridFor = (kind: ControlKind, value: BigDecimal.BigDecimal) => {
  const v = BigDecimal.toNumberUnsafe(value)
  // rates and growth span a useful range even from a small value; an amount of 0 gets 0…100
  const floor = kind === "rate" ? 0.05 : kind === "growth" ? 0.2 : v === 0 ? 100 : 0
  let high = Math.max(Math.abs(v) * 3, floor)
  if (kind === "rate") high = Math.min(1, high)
  const exponent = Math.floor(Math.log10(high)) - 2
  // the value's own decimals, so it sits on the grid (at most 6: rates carry 6), unless that makes a slider of more
  // than a million positions (a point value of 316.666667 sign-ups): then the grid is coarser and the exact box holds it
  const own = Math.min(6, Math.max(0, BigDecimal.normalize(value).scale))
  const fine = Math.max(own, -exponent, 0)
  const scale = high * 10 ** fine > 1e6 ? Math.max(-exponent, 0) : fine
  const coarse = Math.max(1, Math.round(10 ** (exponent + scale)))
  // a value off the coarse grid (19.99 on a $1 grid) gets the finest step instead, so the slider starts exactly on it
  const step = unitsAt(value, scale) % coarse === 0 ? coarse : 1
  const max = ceilTo(Math.round(high * 10 ** scale), step * 10)
  const min = kind === "growth" ? -Math.max(ceilTo(Math.round(0.1 * 10 ** scale), step), ceilTo(-unitsAt(value, scale), step)) : 0
  return { scale, step, min, max: kind === "rate" ? Math.min(max, 10 ** scale) : max }
}

const control = (
  path: TreePath,
  kind: ControlKind,
  value: BigDecimal.BigDecimal | number | undefined,
  label?: string,
  mix?: TierId
): Control => {
  const d = value === undefined ? BigDecimal.fromBigInt(0n) : typeof value === "number" ? BigDecimal.fromBigInt(BigInt(value)) : value
  const id = path.join(".")
  const grid = gridFor(kind, d)
  return {
    id,
    path,
    label: label ?? inputLabel(id),
    unit: kind === "money" ? "usd" : kind === "quantity" ? "number" : inputUnit(id, [BigDecimal.toNumberUnsafe(d)]),
    kind,
    ...grid,
    value: BigDecimal.format(BigDecimal.normalize(d)),
    ...(mix === undefined ? {} : { mix })
  }
}

const words = (id: string): string => id.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase())

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === "object" && u !== null && !Array.isArray(u)

/** The sliders of a scenario, grouped as the page shows them. Only inputs the scenario's engine actually reads. */
export const whatIfControls = (loaded: LoadedScenario): ReadonlyArray<ControlGroup> => {
  const { scenario, sheet } = loaded.state
  const groups: Array<ControlGroup> = []

  groups.push({
    title: "Tier prices",
    controls: sheet.tiers.filter((t) => !BigDecimal.isZero(t.price)).map((t) =>
      control(["overrides", "tiers", t.id, "price"], "money", t.price, `${TIER_NAMES[t.id]} price per month`))
  })

  const support = scenario.support_per_user
  const supportControls: Array<Control> = support === undefined
    ? [control(["overrides", "support_per_user_month"], "money", sheet.support_per_user_month, "Support per paying user")]
    : BigDecimal.isBigDecimal(support)
      ? [control(["support_per_user"], "money", support, "Support per paying user")]
      : PAID.map((t) => control(["support_per_user", t], "money", support[t] ?? sheet.support_per_user_month))
  groups.push({
    title: "Unit costs",
    controls: [
      ...Object.entries(sheet.unit_prices)
        // projections book the JettyThunder API as each tier's flat line; the per-block price only prices transfers
        .filter(([k]) => k !== "jettythunder_api_block_requests" && k !== "jettythunder_api_per_block")
        .map(([k, v]) => control(["overrides", "unit_prices", k], "money", v as BigDecimal.BigDecimal)),
      ...supportControls
    ]
  })

  const signups = scenario.users.signups
  if (signups !== undefined) {
    const per = signups.per_month
    const base = ["users", "signups", "per_month"]
    const volume: Array<Control> = BigDecimal.isBigDecimal(per)
      ? [control(base, "quantity", per, "Sign-ups per month")]
      : "growth" in per
        ? [control([...base, "start"], "quantity", per.start), control([...base, "growth"], "growth", per.growth)]
        : [
          control([...base, "from"], "quantity", per.from, "Sign-ups in month 1 (ramp start)"),
          control([...base, "to"], "quantity", per.to, `Sign-ups from month ${per.months + 1} (ramp end)`)
        ]
    groups.push({ title: "Sign-ups and growth", controls: volume })
    groups.push({
      title: "Sign-up mix (Free takes the rest)",
      controls: PAID.map((t) =>
        control(["users", "signups", "mix", t], "rate", signups.mix[t], `${TIER_NAMES[t]} share of sign-ups`, t))
    })
  }

  groups.push({ title: "Churn per month", controls: TIER_IDS.map((t) => control(["users", "churn", t], "rate", scenario.users.churn?.[t])) })
  groups.push({
    title: "Conversion from Free per month",
    controls: PAID.map((t) => control(["users", "conversion", t], "rate", (scenario.users.conversion as Partial<Record<TierId, BigDecimal.BigDecimal>> | undefined)?.[t]))
  })

  const fixed = scenario.fixed_costs
  const fixedControls: Array<Control> = []
  if (fixed === undefined) {
    for (const [item, v] of Object.entries(sheet.fixed_costs)) fixedControls.push(control(["overrides", "fixed_costs", item], "money", v, words(item)))
  } else if (Array.isArray(fixed)) {
    const steps = fixed as ReadonlyArray<{ readonly from: string; readonly costs: Readonly<Record<string, BigDecimal.BigDecimal>> }>
    steps.forEach((s, i) => {
      for (const [item, v] of Object.entries(s.costs))
        fixedControls.push(control(["fixed_costs", i, "costs", item], "money", v, `${words(item)} from ${monthLabel(s.from)}`))
    })
  } else if (isRecord(fixed)) {
    for (const [item, v] of Object.entries(fixed)) fixedControls.push(control(["fixed_costs", item], "money", v as BigDecimal.BigDecimal, words(item)))
  }
  groups.push({ title: "Fixed costs per month", controls: fixedControls })
  return groups.filter((g) => g.controls.length > 0)
}
