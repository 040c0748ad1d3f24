// Label placement laws: when the labels fit they never overlap and stay in bounds, order is kept, and labels that
// were already apart do not move.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { partLabels, spreadLabels } from "./spreadLabels.ts"

const slots = fc.array(fc.record({ at: fc.integer({ min: -100, max: 1000 }), size: fc.integer({ min: 1, max: 200 }) }), { maxLength: 6 })

describe("spreadLabels", () => {
  test.prop([slots, fc.integer({ min: 0, max: 12 })])("when the labels fit: no overlap, inside the bounds, order kept", (s, gap) => {
    const { centres, fits } = spreadLabels(s, 0, 900, gap)
    if (!fits) return
    const placed = s.map((x, i) => ({ ...x, c: centres[i]!, i })).sort((a, b) => a.at - b.at || a.i - b.i)
    for (const p of placed) {
      expect(p.c - p.size / 2).toBeGreaterThanOrEqual(-1e-9)
      expect(p.c + p.size / 2).toBeLessThanOrEqual(900 + 1e-9)
    }
    for (let k = 1; k < placed.length; k++)
      expect(placed[k]!.c - placed[k]!.size / 2 - (placed[k - 1]!.c + placed[k - 1]!.size / 2)).toBeGreaterThanOrEqual(gap - 1e-9)
  })

  test.prop([slots])("labels already apart and inside the bounds stay where they are", (s) => {
    const sorted = [...s].sort((a, b) => a.at - b.at)
    const apart = sorted.every((x, k) => k === 0 || x.at - x.size / 2 >= sorted[k - 1]!.at + sorted[k - 1]!.size / 2)
    const inside = s.every((x) => x.at - x.size / 2 >= -100 && x.at + x.size / 2 <= 1200)
    if (!apart || !inside) return
    expect(spreadLabels(s, -100, 1200, 0).centres).toEqual(s.map((x) => x.at))
  })

  it("pushes a caption at the left edge inwards", () => {
    expect(spreadLabels([{ at: 10, size: 160 }], -68, 808).centres).toEqual([12])
  })

  it("parts two close end labels by moving the lower one down, and leaves distant ones", () => {
    expect(partLabels([100, 105])).toEqual([0, 11])
    expect(partLabels([100, 200])).toEqual([0, 0])
  })
})
