// The what-if page's inputs, without a browser: every slider starts on the scenario's own value, moves on an exact
// decimal grid, and the tree it writes decodes (mix still summing to 1, correlations of fixed inputs dropped).
import { fileURLToPath } from "node:url"
import * as BigDecimal from "effect/BigDecimal"
import * as Result from "effect/Result"
import { describe, expect, it } from "vitest"
import { decodeScenario, loadScenario } from "../scenario/load.ts"
import { decimalText, positionOf, whatIfControls } from "./controls.ts"
import { treeWithValues } from "./scenarioTree.ts"

const SCENARIOS = ["mixed-growth-36m.yaml", "plan-pro-1000.yaml", "q2-2025-targets.yaml", "optimizations.yaml"]
const load = (name: string) => Result.getOrThrow(loadScenario(fileURLToPath(new URL(`../${name}`, import.meta.url))))

describe("what-if controls", () => {
  it.each(SCENARIOS)("%s: each slider's range holds the scenario's value, on the grid unless the grid would pass a million steps", (name) => {
    const controls = whatIfControls(load(name)).flatMap((g) => g.controls)
    expect(controls.length).toBeGreaterThan(10)
    for (const c of controls) {
      const pos = positionOf(c, c.value)
      expect(pos, c.id).toBeGreaterThanOrEqual(c.min)
      expect(pos, c.id).toBeLessThanOrEqual(c.max)
      expect((c.max - c.min) / c.step, c.id).toBeLessThanOrEqual(1_000_000)
      const onGrid = BigDecimal.equals(BigDecimal.fromStringUnsafe(decimalText(pos, c.scale)), BigDecimal.fromStringUnsafe(c.value))
      expect(onGrid || c.kind === "quantity", c.id).toBe(true)
      expect(c.label, c.id).not.toMatch(/_/)
    }
  })

  it("a moved mix share leaves Free exactly the rest, and a fixed uncertain input loses its correlations", () => {
    const loaded = load("mixed-growth-36m.yaml")
    const controls = whatIfControls(loaded).flatMap((g) => g.controls)
    const values = new Map([["users.signups.mix.pro", "0.123457"], ["users.signups.per_month.growth", "0.07"]])
    const tree = treeWithValues(loaded.source.tree, controls, values) as {
      users: { signups: { mix: Record<string, number> } }
      correlations?: ReadonlyArray<unknown>
    }
    const mix = tree.users.signups.mix
    expect(mix["pro"]).toBe(0.123457)
    const total = Object.values(mix).reduce((s, v) => BigDecimal.sum(s, BigDecimal.fromStringUnsafe(String(v))), BigDecimal.fromBigInt(0n))
    expect(BigDecimal.equals(total, BigDecimal.fromBigInt(1n))).toBe(true)
    expect(tree.correlations).toBeUndefined()
    expect(Result.isSuccess(decodeScenario({ ...loaded.source, tree }))).toBe(true)
    // the original tree is untouched
    expect((loaded.source.tree as typeof tree).users.signups.mix["pro"]).toBe(0.05)
  })
})
