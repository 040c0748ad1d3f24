// Download: the bytes of an asset, charged to bandwidth as bytes actually sent (written to the connection, as CDNs
// bill): a client that leaves early pays for what was sent before it left, not for the whole asset. The charge is
// booked when the stream ends; if PostgreSQL is away then, the reservation stays held and the booking is retried
// until it lands, so bytes delivered during an outage are billed once it is over.
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import { bandwidth, NO_USAGE } from "../../../model/index.ts"
import { findAsset, recordAccess } from "../../db/assets.repository.ts"
import { appendLedger } from "../../db/ledger.repository.ts"
import { Missing, StorageError } from "../../errors.ts"
import type { Reservation } from "../../quota/QuotaStore.ts"
import { type AssetDeps, isExpired, metaOf } from "./deps.ts"

export const makeLoad = (d: AssetDeps) => (userId: string, assetId: string) =>
  Effect.gen(function*() {
    const a = yield* d.database.use((db) => findAsset(db, userId, assetId))
    const now = yield* d.time.now
    // another tenant's asset is answered exactly like a missing one
    if (a === undefined || isExpired(a, now)) return yield* new Missing({ what: "asset", id: assetId })
    return a
  })

export const makeDownload = (d: AssetDeps) => {
  const load = makeLoad(d)

  /** Book `sent` bytes (retried while PostgreSQL is away; the reservation is renewed meanwhile), then count them. */
  const settle = (res: Reservation, assetId: string, sent: bigint, keepAlive: () => Fiber.Fiber<unknown, unknown> | undefined) =>
    Effect.gen(function*() {
      if (sent === 0n) {
        const k = keepAlive()
        if (k !== undefined) yield* Fiber.interrupt(k)
        return yield* d.quota.release(res)
      }
      const now = yield* d.time.now
      yield* d.database.use((db) =>
        appendLedger(db, [{
          userId: res.userId,
          period: res.period,
          occurredAt: new Date(now),
          kind: "bandwidth",
          opId: res.id,
          bandwidthBytes: sent,
          assetId
        }])
      ).pipe(
        Effect.tapError((e) => Effect.logWarning(`bandwidth of ${assetId} not booked yet (retrying): ${e.message}`)),
        Effect.retry(Schedule.min([Schedule.exponential("200 millis"), Schedule.spaced("5 seconds")])),
        Effect.timeout("1 day")
      )
      const k = keepAlive()
      if (k !== undefined) yield* Fiber.interrupt(k)
      // booked: if Redis cannot count it now, the reservation expires and settles from the ledger
      yield* d.quota.commit(res, { ...NO_USAGE, bandwidthBytes: sent })
      yield* d.database.use((db) => recordAccess(db, assetId, new Date(now), false))
    }).pipe(
      Effect.catch((e) => Effect.logWarning(`bandwidth of ${assetId}: ${(e as { message?: string }).message ?? String(e)}`)),
      Effect.forkDetach,
      Effect.asVoid
    )

  return (userId: string, assetId: string) =>
    Effect.gen(function*() {
      const a = yield* load(userId, assetId)
      const res = yield* d.quota.reserve(userId, bandwidth(a.sizeBytes), { kind: "download" })
      const opened = yield* d.objects.download(a.bucket, a.objectKey).pipe(
        Effect.onExit((exit) => (Exit.isFailure(exit) ? d.quota.release(res).pipe(Effect.ignore) : Effect.void)),
        // deleted since it was read: a DELETE won the race and this is a 404; a row without its object is a fault
        // (reconcile repairs it)
        Effect.catchTag("Missing", () =>
          Effect.flatMap(load(userId, assetId), () =>
            Effect.fail(new StorageError({ message: `s3: the object of asset ${assetId} is missing` }))))
      )
      // renewed while the body streams; stops when its charge is booked, or after a day at the latest. Started by the
      // stream itself: a response never sent (the client left first) never runs its body, and its reservation must
      // then expire after a TTL, not be renewed for a day
      let keepAlive: Fiber.Fiber<unknown, unknown> | undefined
      const startKeepAlive = Effect.suspend(() =>
        keepAlive !== undefined ? Effect.void : d.quota.touch(res).pipe(
          Effect.ignore,
          Effect.repeat(Schedule.spaced(Math.max(50, Math.floor(d.config.reservationTtlMs / 3)))),
          Effect.timeout("1 day"),
          Effect.forkDetach,
          Effect.map((fiber) => {
            keepAlive = fiber
          })
        )
      )
      let sent = 0n
      const body = opened.body.pipe(
        Stream.tap((chunk) => Effect.sync(() => {
          sent += BigInt(chunk.length)
        })),
        Stream.onStart(startKeepAlive),
        Stream.ensuring(Effect.suspend(() => settle(res, assetId, sent, () => keepAlive)))
      )
      return { meta: metaOf(a), body }
    })
}
