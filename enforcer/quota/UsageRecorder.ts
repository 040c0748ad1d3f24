// Group commit of counted requests. A request admitted by the quota store joins the batch that is open at that
// moment (its reservation carries the batch's tag, "instance:seq"); when its work is done it waits here while one
// PostgreSQL transaction adds the whole batch to the per-hour counters (usage_counters) and records the batch as
// durable (ledger_batches), then one Redis script per tenant commits the batch's reservations. A request is answered
// only after that: nothing answered 2xx is lost by any crash. While one batch commits the next one fills, so the
// number of transactions follows the database's speed, not the request rate.
//
// After a crash, a reservation left behind settles from its tag: counted if the instance's recorded sequence (the
// greatest batch it made durable) is at least the batch's, dropped if not. A few batches are written at once, so a
// crash can leave Redis counting requests that were in flight and never answered (the safe side: a tenant is refused
// early, never allowed past a limit); reconcile brings Redis back to the ledger.
// A request that finishes after the batch it was admitted in closed joins the open one; before that batch is written,
// the flusher moves such reservations to it (one script per tenant), so a tag always names the batch that counts it.
import { randomUUID } from "node:crypto"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Database } from "../db/Database.ts"
import { addCounters, type CounterEntry } from "../db/ledger.repository.ts"
import type { LedgerKind } from "../db/schema.table.ts"
import { DatabaseError, type RedisUnavailable } from "../errors.ts"
import { QuotaStore, type Reservation } from "./QuotaStore.ts"

export interface CountOptions {
  /** The asset a lookup hit ('' counters otherwise). */
  readonly assetId?: string | null | undefined
  /** Commit the reservation in Redis with the batch (default); false when the caller commits it with a side effect. */
  readonly commit?: boolean
}

export interface UsageRecorderShape {
  /** The tag of the batch open now, for a request about to be admitted: give it to `reserve` so a crash can be
   * settled from the batch (the batch then waits a moment for that request to arrive). */
  readonly batch: () => string
  /** Count what `reservation` holds as `kind`, durably; returns once its batch is in PostgreSQL (and, unless the
   * caller commits it itself, committed in Redis). */
  readonly count: (reservation: Reservation, at: number, kind: LedgerKind, options?: CountOptions) =>
    Effect.Effect<void, DatabaseError | RedisUnavailable>
  /** Book counters that hold no reservation (a correction), durably. */
  readonly book: (entry: CounterEntry) => Effect.Effect<void, DatabaseError>
}

interface Item {
  readonly entry: CounterEntry
  /** The reservation counted (none for a correction) and whether the batch commits it in Redis. */
  readonly res: Reservation | undefined
  readonly commit: boolean
  readonly done: Deferred.Deferred<void, DatabaseError>
}

interface Batch {
  readonly seq: number
  readonly items: Array<Item>
  /** Requests admitted with this batch's tag, and how many of them have arrived to be counted. */
  expected: number
  arrived: number
  /** When its first item arrived, and the wait for its stragglers: none yet, a timer armed, or over (it is written at
   * the next chance whatever arrived: a timer may fire before Date.now says the wait is up, since Node measures it
   * from the event loop's cached clock, and a batch that then re-checked the clock would wait for a kick that a
   * quiet tenant never sends). */
  openedAt: number
  wait: "none" | "armed" | "over"
}

const newBatch = (seq: number): Batch => ({ seq, items: [], expected: 0, arrived: 0, openedAt: 0, wait: "none" })

/** Batches written at once. Each is one statement (one commit, one fsync); several overlap so that a batch's
 * Redis commit and the next batch's PostgreSQL write proceed together. */
const MAX_IN_FLIGHT = 4

/** How long a batch waits for requests admitted under its tag that have not arrived yet (a denied or failed request
 * never does): a bound on the latency group commit adds, and what keeps stragglers (and their retag) rare. */
const GATHER_MS = 4

export class UsageRecorder extends Context.Service<UsageRecorder, UsageRecorderShape>()("enforcer/UsageRecorder") {
  static readonly layer = Layer.effect(
    UsageRecorder,
    Effect.gen(function*() {
      const database = yield* Database
      const quota = yield* QuotaStore
      const scope = yield* Effect.scope
      // a new identity per process: sequences restart at 0 with it
      const instanceId = randomUUID()
      const tagOf = (seq: number) => `${instanceId}:${seq}`
      let open: Batch = newBatch(1)
      let inFlight = 0

      /** Counters and the batch mark, in one statement. A failure is answered as one (503), even when the commit's
       * outcome is unknown (the link broke during COMMIT): never a 2xx for usage that may not be durable. */
      const persist = (batch: Batch) =>
        database.use((db) => addCounters(db, batch.items.map((i) => i.entry), { instanceId, seq: batch.seq }))

      /** Commit the batch's reservations in Redis, one script per tenant and period (best effort: a reservation
       * that misses it settles from its batch tag). */
      const commitInRedis = (batch: Batch) => {
        const groups = new Map<string, Array<Reservation>>()
        for (const item of batch.items) {
          if (item.res === undefined || !item.commit) continue
          const key = `${item.res.userId}\u0000${item.res.period}`
          groups.set(key, [...(groups.get(key) ?? []), item.res])
        }
        return Effect.forEach(groups.values(), (list) =>
          quota.commitBatch(list[0]!.userId, list[0]!.period, list).pipe(
            Effect.catch((e) => Effect.logWarning(`batch commit in Redis deferred (settles from the ledger): ${e.message}`))
          ), { concurrency: "unbounded", discard: true })
      }

      /** Reservations admitted in an earlier batch are moved to this one before it is written; those that cannot be
       * moved (Redis away) leave the batch with an error, uncounted. */
      const adopt = (batch: Batch) =>
        Effect.gen(function*() {
          const tag = tagOf(batch.seq)
          const byUser = new Map<string, Array<Item>>()
          for (const item of batch.items) {
            if (item.res === undefined || item.res.batch === tag) continue
            byUser.set(item.res.userId, [...(byUser.get(item.res.userId) ?? []), item])
          }
          const failed = new Set<Item>()
          yield* Effect.forEach(byUser, ([userId, items]) =>
            quota.retag(userId, items.map((i) => i.res!), tag).pipe(
              Effect.catch((e) =>
                Effect.gen(function*() {
                  for (const i of items) {
                    failed.add(i)
                    yield* Deferred.fail(i.done, new DatabaseError({ message: `not counted: ${e.message}` }))
                  }
                })
              )
            ), { concurrency: "unbounded", discard: true })
          return failed.size === 0 ? batch : { ...batch, items: batch.items.filter((i) => !failed.has(i)) }
        })

      const flushOne = (closed: Batch): Effect.Effect<void> =>
        Effect.gen(function*() {
          const batch = yield* adopt(closed)
          const persisted = yield* persist(batch).pipe(Effect.result)
          if (persisted._tag === "Failure") {
            // the requests that queued behind a batch PostgreSQL just failed would each wait another deadline for the
            // same answer: they get it now (503), so an outage costs a request at most one batch's deadlines (the
            // bound README "Faults" states); their reservations are released like the failed batch's
            const behind = open.items
            open = newBatch(open.seq + 1)
            for (const item of [...batch.items, ...behind]) yield* Deferred.fail(item.done, persisted.failure)
            return
          }
          yield* commitInRedis(batch)
          for (const item of batch.items) yield* Deferred.succeed(item.done, undefined)
        }).pipe(Effect.ensuring(Effect.suspend(() => {
          inFlight--
          return kick
        })))

      /** Close the open batch and write it, unless MAX_IN_FLIGHT are being written already (the open one then grows
       * until one of them is done: under load, batches get larger instead of more numerous). */
      const kick: Effect.Effect<void> = Effect.suspend((): Effect.Effect<void> => {
        if (inFlight >= MAX_IN_FLIGHT || open.items.length === 0) return Effect.void
        const waited = Date.now() - open.openedAt
        if (open.wait !== "over" && open.arrived < open.expected && waited < GATHER_MS) {
          if (open.wait === "armed") return Effect.void
          const gathering = open
          gathering.wait = "armed"
          return Effect.asVoid(Effect.forkIn(
            Effect.andThen(Effect.sleep(GATHER_MS - waited), Effect.suspend(() => {
              gathering.wait = "over"
              return kick
            })),
            scope
          ))
        }
        const closed = open
        open = newBatch(closed.seq + 1)
        inFlight++
        return Effect.asVoid(Effect.forkIn(flushOne(closed), scope))
      })

      const enqueue = (entry: CounterEntry, res: Reservation | undefined, commit: boolean) =>
        Effect.gen(function*() {
          const done = yield* Deferred.make<void, DatabaseError>()
          if (open.items.length === 0) open.openedAt = Date.now()
          open.items.push({ entry, res, commit, done })
          if (res !== undefined && res.batch === tagOf(open.seq)) open.arrived++
          yield* kick
          yield* Deferred.await(done)
        })

      const count: UsageRecorderShape["count"] = (res, at, kind, options = {}) =>
        Effect.gen(function*() {
          const entry: CounterEntry = {
            userId: res.userId,
            period: res.period,
            at,
            kind,
            assetId: options.assetId,
            requests: res.held.requests,
            redisBytes: res.held.redisBytes,
            bandwidthBytes: res.held.bandwidthBytes
          }
          yield* enqueue(entry, res, options.commit !== false)
        })


      return {
        batch: () => {
          open.expected++
          return tagOf(open.seq)
        },
        count,
        book: (entry) => enqueue(entry, undefined, false)
      }
    })
  )
}
