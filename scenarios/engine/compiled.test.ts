// The compiled fast path against the exact engine: on random scenarios, with random inputs varied to random values,
// every figure of every month (users per tier, every booked line, revenue, gross, fixed, net, cumulative, pool,
// margin, break-even and payback) is the exact engine's, to the cent.
import { fc, test } from "@fast-check/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Result from "effect/Result"
import { describe, expect, it } from "vitest"
import { domainOf, type InputValue, numericInputs, resolveInput, toDomain } from "../scenario/inputs.ts"
import { loadScenario } from "../scenario/load.ts"
import { fromDraw } from "../scenario/inputs.ts"
import { compileScenario } from "./compiled.ts"
import { drawMicro, microDomain } from "./exactNumber.ts"
import { prepare } from "./prepare.ts"
import { project } from "./project.ts"
import { figuresOf, newRunFigures, type RunFigures } from "./runFigures.ts"
import { scenarioOf } from "./testScenario.ts"

const micro = (n: number) => BigDecimal.format(BigDecimal.make(BigInt(n), 6))
const cents = (n: number) => BigDecimal.format(BigDecimal.make(BigInt(n), 2))
const rate = fc.integer({ min: 0, max: 120_000 }).map(micro)
const share = fc.integer({ min: 0, max: 1_000_000 }).map(micro)
const series = fc.oneof(
  share,
  fc.record({ from: share, to: share, months: fc.integer({ min: 1, max: 14 }) })
)
const tierIds = ["free", "starter", "pro", "business", "enterprise"] as const
const perTier = <A>(arb: fc.Arbitrary<A>, tiers: ReadonlyArray<string> = tierIds) =>
  fc.record(Object.fromEntries(tiers.map((t) => [t, arb])) as Record<string, fc.Arbitrary<A>>, { requiredKeys: [] })

const MIXES = [
  { free: 0.85, starter: 0.08, pro: 0.05, business: 0.018, enterprise: 0.002 },
  { free: 0.5, pro: 0.5 },
  { starter: 0.333333, pro: 0.333333, business: 0.333334 }
]

const scenarioTree = fc.record({
  horizon_months: fc.integer({ min: 1, max: 30 }),
  users: fc.record({
    start: perTier(fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 2_000_000 }))),
    signups: fc.record({
      per_month: fc.oneof(
        fc.integer({ min: 0, max: 5_000_000_000 }).map(micro),
        fc.record({ start: fc.integer({ min: 0, max: 900_000_000 }).map(micro), growth: fc.integer({ min: -200_000, max: 300_000 }).map(micro) }),
        fc.record({ from: fc.integer({ min: 0, max: 2_000_000_000 }).map(micro), to: fc.integer({ min: 0, max: 2_000_000_000 }).map(micro), months: fc.integer({ min: 1, max: 20 }) })
      ),
      mix: fc.constantFrom(...MIXES)
    }),
    conversion: perTier(rate, tierIds.slice(1)),
    upgrade: perTier(rate, tierIds.slice(1, 4)),
    downgrade: perTier(rate, tierIds.slice(1)),
    churn: perTier(rate)
  }),
  usage: fc.record({ default: fc.record({ requests: series, redis: series, storage: series, bandwidth: series }, { requiredKeys: [] }), pro: fc.record({ storage: series, redis: series }, { requiredKeys: [] }) }, { requiredKeys: [] }),
  media: fc.record({ duplicate_ratio: share }),
  optimizations: fc.record({ dedup: fc.boolean(), compression: fc.boolean(), tiering: fc.boolean() }),
  tiering: fc.record({ cold_share: share }),
  overrides: fc.record({
    unit_prices: fc.record({
      redis_per_mb_month: fc.integer({ min: 0, max: 40_000 }).map(micro),
      lyve_per_gb_month: fc.integer({ min: 0, max: 90_000 }).map(micro),
      cold_per_gb_month: fc.integer({ min: 0, max: 90_000 }).map(micro),
      bandwidth_per_gb: fc.integer({ min: 0, max: 90_000 }).map(micro)
    }, { requiredKeys: [] }),
    tiers: perTier(fc.record({ price: fc.integer({ min: 0, max: 90_000 }).map(cents) }), tierIds.slice(1))
  }),
  fixed_costs: fc.array(fc.record({ infrastructure: fc.integer({ min: 0, max: 90_000_000 }).map(micro), development: fc.integer({ min: 0, max: 3_000_000 }).map(cents) }), { minLength: 1, maxLength: 3 })
    .map((steps) => steps.map((costs, i) => ({ from: `2026-${String(1 + 4 * i).padStart(2, "0")}`, costs }))),
  support_per_user: fc.oneof(fc.integer({ min: 0, max: 900 }).map(cents), perTier(fc.integer({ min: 0, max: 90_000_000 }).map(micro), tierIds.slice(1)))
}, { requiredKeys: ["horizon_months", "users", "media", "tiering"] })

/** Every figure of two runs, as plain data, so a failing test shows the first month that differs. */
const snapshot = (f: RunFigures) => ({
  users: Array.from(f.users),
  signups: Array.from(f.signups),
  churned: Array.from(f.churned),
  booked: Array.from(f.booked),
  variable: Array.from(f.variableCosts),
  gross: Array.from(f.grossProfit),
  fixed: Array.from(f.fixed),
  net: Array.from(f.netProfit),
  cumulative: Array.from(f.cumulativeNetProfit),
  pool: Array.from(f.jettythunderPool),
  margin: Array.from(f.grossMarginTenths),
  breakEven: f.breakEvenIndex,
  payback: f.paybackIndex
})

let fastRuns = 0
let allRuns = 0

// A case FAST_SEED=random found (seed 422869048, path 1978): moved inputs bring a month's gross margin within 0.05% below
// zero, which the fast path booked as −0 and the exact engine as 0. Shrinking that failure is what once kept a CI
// worker busy for over ten minutes (some 250,000 runs of the property, each decoding its scenario).
type ScenarioTree = typeof scenarioTree extends fc.Arbitrary<infer T> ? T : never
const CAPTURED: [ScenarioTree, Array<number>, Array<number>, boolean] = [{
  horizon_months: 10,
  users: {
    start: { free: 1393561, pro: 2914, business: 2986, enterprise: 918845 },
    signups: { per_month: "1815.945667", mix: { free: 0.5, pro: 0.5 } },
    conversion: { starter: "0.042039", pro: "0.000003", business: "0.020604", enterprise: "0.114759" },
    upgrade: { starter: "0.110209", pro: "0.076013", business: "0.071209" },
    downgrade: { starter: "0.000008", pro: "0.000004", business: "0.033575", enterprise: "0.013079" },
    churn: { free: "0.053608", starter: "0.003311", pro: "0.11871", business: "0.038827", enterprise: "0.021034" }
  },
  usage: { pro: { storage: { from: "0.999987", to: "0.000001", months: 1 } } },
  media: { duplicate_ratio: "0.251036" },
  optimizations: { dedup: false, compression: false, tiering: false },
  tiering: { cold_share: "0.000008" },
  overrides: { unit_prices: { bandwidth_per_gb: "0.008434" }, tiers: { starter: { price: "552.49" }, pro: { price: "76.15" }, enterprise: { price: "130.89" } } },
  fixed_costs: [
    { from: "2026-01", costs: { infrastructure: "49.561064", development: "26717.53" } },
    { from: "2026-05", costs: { infrastructure: "12.616002", development: "21797.58" } },
    { from: "2026-09", costs: { infrastructure: "82.670928", development: "27261.27" } }
  ]
}, [931088943, 2029859783, 891867164, 1636359211], [143961, -899992, 414907, -899994, 127345, -429679, 344318], false]

describe("the compiled fast path", () => {
  test.prop([scenarioTree, fc.array(fc.nat(), { minLength: 1, maxLength: 7 }), fc.array(fc.integer({ min: -900_000, max: 900_000 }), { minLength: 7, maxLength: 7 }), fc.boolean()], {
    numRuns: Number(process.env["FAST_RUNS"] ?? 150),
    examples: [CAPTURED],
    // seeded in CI; FAST_SEED=random explores new cases
    ...(process.env["FAST_SEED"] === "random" ? {} : { seed: Number(process.env["FAST_SEED"] ?? 20261125) }),
    // a failure found among near-ties shrinks in tiny steps, for minutes: stop before vitest's 60 s test timeout (which
    // fails the test but cannot stop the loop) and report the smallest counterexample found so far. A run without a
    // failure that reaches the limit (thousands of FAST_RUNS on a busy machine) passes with the cases it ran.
    interruptAfterTimeLimit: 50_000
  })(
    "books every figure of every month exactly as the exact engine, whatever inputs vary",
    (tree, picks, moves, withMix) => {
      const loaded = scenarioOf(tree)
      const all = numericInputs(loaded)
      const chosen = [...new Set(picks.map((p) => all[p % all.length]!))]
      if (withMix) chosen.push(resolveInput(loaded, "users.signups.mix.pro") ?? all[0]!)
      const varied = [...new Map(chosen.map((i) => [i.id, i])).values()]
      const compiled = compileScenario(loaded.state, varied.map((i) => ({ target: i.target, domain: domainOf(i.target), current: i.value })))
      // each input moved by up to ±90% at 6 decimals (ties at a half cent come up often on such round values)
      const values: Array<InputValue> = varied.map((input, j) => {
        const v = BigDecimal.multiply(BigDecimal.fromBigInt(BigInt(1_000_000 + moves[j % moves.length]!)), input.value === undefined ? BigDecimal.fromBigInt(0n) : BigDecimal.isBigDecimal(input.value) ? input.value : BigDecimal.fromBigInt(BigInt(input.value)))
        return toDomain(BigDecimal.scale(BigDecimal.make(v.value, v.scale + 6), 6), domainOf(input.target))
      })
      const reference = snapshot(figuresOf(project(prepare(compiled.exactState(values))), newRunFigures(compiled.figures.months, 5)))
      const before = compiled.exactRuns
      const got = snapshot(compiled.run(values))
      allRuns++
      if (compiled.exactRuns === before) fastRuns++
      expect(got).toEqual(reference)
    }
  )

  it("books a gross margin that rounds to zero from below as 0, as the exact engine does (not −0)", () => {
    // the captured case above, reduced by hand: one tier priced so the month's gross profit is −$3.00 on $18,000
    const loaded = scenarioOf({ horizon_months: 1, users: { start: { pro: 1000 } }, overrides: { tiers: { pro: { price: "18.00" } } } })
    const compiled = compileScenario(loaded.state, [])
    const got = compiled.run([])
    expect(got.grossProfit[0]).toBe(-300)
    expect(got.grossMarginTenths[0]).toBe(0)
    expect(snapshot(got)).toEqual(snapshot(figuresOf(project(prepare(compiled.exactState([]))), newRunFigures(1, 5))))
  })

  it("took the fast path in most of those runs (the property is not about the exact engine against itself)", () => {
    expect(allRuns).toBeGreaterThan(0)
    console.log("fast", fastRuns, "of", allRuns)
    expect(fastRuns / allRuns).toBeGreaterThan(0.6)
  })

  it("matches the exact engine on every drawn run of the shipped Monte Carlo scenario, without declining any", () => {
    const loaded = Result.getOrThrow(loadScenario("scenarios/mixed-growth-36m.yaml"))
    const inputs = loaded.inputs.map((i) => ({ target: i.target, domain: domainOf(i.target), current: resolveInput(loaded, i.id)!.value }))
    const compiled = compileScenario(loaded.state, inputs)
    expect(compiled.exactOnly).toBeUndefined()
    const domains = inputs.map((i) => microDomain(i.domain))
    const ref = newRunFigures(36, 5)
    let seed = 7
    const uniform = () => (seed = (seed * 16807) % 2147483647) / 2147483647
    for (let n = 0; n < 150; n++) {
      // draws spread over each input's range and beyond it (clamped), with ties at half cents where they fall
      const x = inputs.map((i) => Number(BigDecimal.format(BigDecimal.normalize(i.current as BigDecimal.BigDecimal))) * (0.5 + uniform()))
      const values = x.map((v, j) => fromDraw(v, inputs[j]!.domain))
      expect(compiled.runMicro(x.map((v, j) => drawMicro(v, domains[j]!)))).toBe(true)
      expect(snapshot(compiled.figures)).toEqual(snapshot(figuresOf(project(prepare(compiled.exactState(values))), ref)))
    }
  })
  it("books support as the exact engine when a run moves a tier's price to zero and back (support is for paid tiers)", () => {
    const loaded = Result.getOrThrow(loadScenario("scenarios/mixed-growth-36m.yaml"))
    const price = resolveInput(loaded, "sheet.tiers.pro.price")!
    const compiled = compileScenario(loaded.state, [{ target: price.target, domain: domainOf(price.target), current: price.value }])
    const ref = newRunFigures(36, 5)
    for (const v of ["0", "0.01", "49", "0"]) {
      const values = [BigDecimal.fromStringUnsafe(v)]
      expect(snapshot(compiled.run(values))).toEqual(snapshot(figuresOf(project(prepare(compiled.exactState(values))), ref)))
    }
  })
})

describe("drawMicro", () => {
  const domains = ["users.churn.pro", "users.start.pro", "users.signups.per_month.growth", "sheet.tiers.pro.price", "usage.default.storage.to"]
  const loaded = Result.getOrThrow(loadScenario("scenarios/mixed-growth-36m.yaml"))
  test.prop([fc.constantFrom(...domains), fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -1e7, max: 1e7, noNaN: true }), fc.integer({ min: -3_000_000, max: 3_000_000 }).map((n) => n / 2_000_000))])(
    "is fromDraw in millionths (quantized half-even, clamped, rounded to the domain's decimals)",
    (id, x) => {
      const input = resolveInput(loaded, id)
      const target = input?.target ?? { in: "scenario" as const, path: id.split(".") }
      const domain = domainOf(target)
      const exact = fromDraw(x, domain)
      const m = drawMicro(x, microDomain(domain))
      expect(m).toBe(Number(BigDecimal.scale(BigDecimal.isBigDecimal(exact) ? exact : BigDecimal.fromBigInt(BigInt(exact)), 6).value))
    }
  )
})
