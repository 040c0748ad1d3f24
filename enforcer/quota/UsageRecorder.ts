// Group commit of counted requests. A request admitted by the quota store joins the batch that is open at that
// moment in its tenant's lane (its reservation carries the batch's tag, "instance.lane:seq"); when its work is done it
// waits here while one PostgreSQL statement adds the whole batch to the per-hour counters (usage_counters) and records
// the batch as durable (ledger_batches), then one Redis script commits the batch's reservations (one per tenant on a
// cluster). A request is answered only after that: nothing answered 2xx is lost by any crash.
//
// Classic group commit, per lane: an idle lane writes at once; while its statement is in flight the next batch fills,
// and is written the moment the previous one is durable (its Redis commit then overlaps the next write), so the number
// of statements follows the database's speed, not the request rate. Tenants are spread over two lanes, each with its
// own batch mark row: lanes never touch the same row, so their statements run (and fsync) side by side instead of
// queueing on each other's row locks, as batches of one sequence overlapping in flight did.
//
// After a crash, a reservation left behind settles from its tag: counted if its lane's recorded sequence (the greatest
// batch the lane made durable) is at least the batch's, dropped if not. A request that finishes after the batch it was
// admitted in closed joins the open one; while that batch is written, the flusher moves such reservations to it (one
// script per tenant, beside the statement, not before it: under load most batches have some, and a round trip before
// each statement lengthened every lane's cycle). A late reservation's earlier tag is never wrong for a batch that is
// durable (its sequence is below the one that counts it); it is wrong only after a crash between the earlier batch's
// commit and the move: Redis may then count a request that was in flight and never answered (the safe side: a tenant
// is refused early, never allowed past a limit); reconcile brings Redis back to the ledger.
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
  /** The tag of the batch open now in `userId`'s lane, for a request about to be admitted: give it to `reserve` so a
   * crash can be settled from the batch (the batch then waits a moment for that request to arrive). */
  readonly batch: (userId: string) => string
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

/** A sequence of batches with its own mark in ledger_batches (`id` is the instance part of its tags). */
interface Lane {
  readonly id: string
  open: Batch
  /** The batch whose statement is in flight, if any: at most one per lane. */
  writing: number | undefined
}

const newBatch = (seq: number): Batch => ({ seq, items: [], expected: 0, arrived: 0, openedAt: 0, wait: "none" })

/** Lanes per instance: statements in flight at once (a tenant always uses the same lane, so its counter rows are
 * only ever written by one statement at a time). More lanes make more, smaller batches (more statements, more CPU
 * per request); two let one statement's round trip overlap another's. */
const LANES = 2

/** How long an idle lane waits for requests admitted under its open batch's tag that have not arrived yet (a denied
 * or failed request never does): a bound on the latency group commit adds, and what keeps stragglers (and their
 * retag) rare. Nothing waits when every request admitted under the tag is there. */
const GATHER_MS = 2

/** The lane of a tenant (FNV-1a of its id): stable for the life of the process, spread evenly. */
const laneIndex = (userId: string) => {
  let h = 0x811c9dc5
  for (let i = 0; i < userId.length; i++) h = Math.imul(h ^ userId.charCodeAt(i), 0x01000193)
  return (h >>> 0) % LANES
}

export class UsageRecorder extends Context.Service<UsageRecorder, UsageRecorderShape>()("enforcer/UsageRecorder") {
  static readonly layer = Layer.effect(
    UsageRecorder,
    Effect.gen(function*() {
      const database = yield* Database
      const quota = yield* QuotaStore
      const scope = yield* Effect.scope
      // a new identity per process: sequences restart at 0 with it
      const instanceId = randomUUID()
      const lanes: ReadonlyArray<Lane> = Array.from({ length: LANES }, (_, n) => ({
        id: `${instanceId}.${n}`,
        open: newBatch(1),
        writing: undefined
      }))
      const laneOf = (userId: string) => lanes[laneIndex(userId)]!
      const tagOf = (lane: Lane, seq: number) => `${lane.id}:${seq}`

      /** Counters and the batch mark, in one statement. A failure is answered as one (503), even when the commit's
       * outcome is unknown (the link broke during COMMIT): never a 2xx for usage that may not be durable. */
      const persist = (lane: Lane, batch: Batch) =>
        database.use((db) => addCounters(db, batch.items.map((i) => i.entry), { instanceId: lane.id, seq: batch.seq }))

      /** Commit the batch's reservations in Redis, one script per tenant and period, all sent at once (best effort: a
       * reservation that misses it settles from its batch tag). */
      const commitInRedis = (batch: Batch) => {
        const groups = new Map<string, Array<Reservation>>()
        for (const item of batch.items) {
          if (item.res === undefined || !item.commit) continue
          const key = `${item.res.userId}\u0000${item.res.period}`
          const list = groups.get(key)
          if (list === undefined) groups.set(key, [item.res])
          else list.push(item.res)
        }
        return groups.size === 0 ? Effect.void : quota.commitBatches([...groups.values()]).pipe(
          Effect.flatMap((failures) =>
            failures.length === 0 ? Effect.void : Effect.logWarning(
              `batch commit in Redis deferred for ${failures.length} tenants (settles from the ledger): ${failures[0]!.message}`
            )
          )
        )
      }

      /** Reservations admitted in an earlier batch are moved to this one while it is written (one script per
       * tenant). Best effort: a reservation that keeps its earlier tag still settles as counted once this batch is
       * durable (its tag's sequence is below this one's); the move only narrows what a crash can leave counted in Redis
       * and not in the ledger (see the header). */
      const adopt = (lane: Lane, batch: Batch) =>
        Effect.suspend(() => {
          const tag = tagOf(lane, batch.seq)
          const byUser = new Map<string, Array<Reservation>>()
          for (const item of batch.items) {
            if (item.res === undefined || item.res.batch === tag) continue
            const list = byUser.get(item.res.userId)
            if (list === undefined) byUser.set(item.res.userId, [item.res])
            else list.push(item.res)
          }
          if (byUser.size === 0) return Effect.void
          return Effect.forEach(byUser, ([userId, list]) =>
            quota.retag(userId, list, tag).pipe(
              Effect.catch((e) => Effect.logWarning(`late reservations of ${userId} keep their earlier batch: ${e.message}`))
            ), { concurrency: "unbounded", discard: true })
        })

      const write = (lane: Lane, batch: Batch): Effect.Effect<void> =>
        Effect.gen(function*() {
          // the move of late reservations runs beside the statement: it is not on the lane's critical path
          const [, persisted] = yield* Effect.all([adopt(lane, batch), persist(lane, batch).pipe(Effect.result)], {
            concurrency: 2
          })
          lane.writing = undefined
          if (persisted._tag === "Failure") {
            // the requests that queued behind a batch PostgreSQL just failed would each wait another deadline for the
            // same answer: they get it now (503), so an outage costs a request at most one batch's deadlines (the
            // bound README "Faults" states); their reservations are released like the failed batch's
            const behind = lane.open.items
            lane.open = newBatch(lane.open.seq + 1)
            for (const item of [...batch.items, ...behind]) yield* Deferred.fail(item.done, persisted.failure)
            return
          }
          // durable: the next batch of the lane is written while this one commits in Redis
          yield* kick(lane)
          yield* commitInRedis(batch)
          for (const item of batch.items) yield* Deferred.succeed(item.done, undefined)
        }).pipe(Effect.ensuring(Effect.suspend(() => {
          if (lane.writing !== batch.seq) return Effect.void
          lane.writing = undefined // interrupted or failed unexpectedly: the lane must not stay closed
          return kick(lane)
        })))

      /** Close the lane's open batch and write it, unless a batch of the lane is being written already (the open one
       * then fills until that one is durable: under load, batches get larger instead of more numerous). */
      const kick = (lane: Lane): Effect.Effect<void> =>
        Effect.suspend((): Effect.Effect<void> => {
          const open = lane.open
          if (lane.writing !== undefined || open.items.length === 0) return Effect.void
          const waited = Date.now() - open.openedAt
          if (open.wait !== "over" && open.arrived < open.expected && waited < GATHER_MS) {
            if (open.wait === "armed") return Effect.void
            open.wait = "armed"
            return Effect.asVoid(Effect.forkIn(
              Effect.andThen(Effect.sleep(GATHER_MS - waited), Effect.suspend(() => {
                open.wait = "over"
                return kick(lane)
              })),
              scope
            ))
          }
          lane.open = newBatch(open.seq + 1)
          lane.writing = open.seq
          return Effect.asVoid(Effect.forkIn(write(lane, open), scope))
        })

      const enqueue = (entry: CounterEntry, res: Reservation | undefined, commit: boolean) =>
        Effect.suspend(() => {
          const lane = laneOf(entry.userId)
          const done = Deferred.makeUnsafe<void, DatabaseError>()
          const open = lane.open
          if (open.items.length === 0) open.openedAt = Date.now()
          open.items.push({ entry, res, commit, done })
          if (res !== undefined && res.batch === tagOf(lane, open.seq)) open.arrived++
          return Effect.andThen(kick(lane), Deferred.await(done))
        })

      const count: UsageRecorderShape["count"] = (res, at, kind, options = {}) =>
        enqueue({
          userId: res.userId,
          period: res.period,
          at,
          kind,
          assetId: options.assetId,
          requests: res.held.requests,
          redisBytes: res.held.redisBytes,
          bandwidthBytes: res.held.bandwidthBytes
        }, res, options.commit !== false)

      return {
        batch: (userId) => {
          const lane = laneOf(userId)
          lane.open.expected++
          return tagOf(lane, lane.open.seq)
        },
        count,
        book: (entry) => enqueue(entry, undefined, false)
      }
    })
  )
}
