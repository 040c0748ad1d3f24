// The billing period of an instant, with the month last asked remembered: the same answers as computing it afresh,
// whatever order instants come in (a month boundary, a jump back in a test clock, years apart).
import { fc, it } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import { nextPeriod, periodBounds, periodOf } from "./TimeSource.ts"

const afresh = (ms: number) => new Date(ms).toISOString().slice(0, 7)
const MONTH_EDGE = Date.UTC(2026, 11, 1)
const instant = fc.oneof(
  fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2200, 0, 1) }),
  fc.integer({ min: MONTH_EDGE - 2, max: MONTH_EDGE + 1 })
)

describe("periodOf / periodBounds", () => {
  it.prop([fc.array(instant, { minLength: 1, maxLength: 50 })])("agree with a fresh computation in any order", (instants) => {
    for (const ms of instants) {
      const period = periodOf(ms)
      expect(period).toBe(afresh(ms))
      const { start, end } = periodBounds(period)
      expect(start.getTime()).toBeLessThanOrEqual(ms)
      expect(end.getTime()).toBeGreaterThan(ms)
      expect(periodOf(start.getTime())).toBe(period)
      expect(periodOf(end.getTime() - 1)).toBe(period)
      expect(nextPeriod(period)).toBe(afresh(end.getTime()))
    }
  })
})
