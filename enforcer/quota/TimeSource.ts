// Wall-clock time for periods and expiries, behind a service so that tests can move a running service across a month
// boundary. Instances must agree on the time (NTP): periods and reservation expiries are compared across them.
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

export interface TimeSourceShape {
  readonly now: Effect.Effect<number>
}

export class TimeSource extends Context.Service<TimeSource, TimeSourceShape>()("enforcer/TimeSource") {
  static readonly layer = Layer.succeed(TimeSource, { now: Effect.sync(() => Date.now()) })

  /** Real time plus an offset the test controls (`shift`), so sleeps and TTLs stay real. */
  static readonly adjustable = () => {
    let offsetMs = 0
    return {
      layer: Layer.succeed(TimeSource, { now: Effect.sync(() => Date.now() + offsetMs) }),
      shift: (ms: number) => {
        offsetMs += ms
      },
      set: (epochMs: number) => {
        offsetMs = epochMs - Date.now()
      }
    }
  }
}

// Every request asks for its period: the month last computed is remembered with its bounds (a Date and a string per
// request showed in profiles), and asked again only for an instant outside it.
let knownPeriod = { period: "", startMs: 0, endMs: -1 }

/** Billing periods are calendar months in UTC: "2026-11". */
export const periodOf = (epochMs: number): string => {
  if (epochMs >= knownPeriod.startMs && epochMs < knownPeriod.endMs) return knownPeriod.period
  const d = new Date(epochMs)
  const startMs = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)
  const period = d.toISOString().slice(0, 7)
  // a year beyond 9999 or before 0 prints longer: not remembered, still answered
  if (period.length === 7 && period[4] === "-") {
    knownPeriod = { period, startMs, endMs: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) }
  }
  return period
}

/** First day of the period, as stored in the ledger's `period_start` DATE. */
export const periodStartDate = (period: string): string => `${period}-01`

export const periodBounds = (period: string): { readonly start: Date; readonly end: Date } => {
  if (period === knownPeriod.period) return { start: new Date(knownPeriod.startMs), end: new Date(knownPeriod.endMs) }
  const [y, m] = period.split("-").map(Number) as [number, number]
  return { start: new Date(Date.UTC(y, m - 1, 1)), end: new Date(Date.UTC(y, m, 1)) }
}

export const nextPeriod = (period: string): string => periodOf(periodBounds(period).end.getTime())
