// Delete: answered 503 and not carried out, or carried out fully. PostgreSQL's commit is the point of no return:
// before it nothing has changed; after it the storage is given back and the object removed, and a failure of Redis or
// S3 from there on is left to reconcile instead of being reported as a failure of a delete that happened.
import * as Effect from "effect/Effect"
import { NO_USAGE } from "../../../model/index.ts"
import { deleteAsset } from "../../db/assets.repository.ts"
import { Missing } from "../../errors.ts"
import { periodOf } from "../../quota/TimeSource.ts"
import type { AssetDeps } from "./deps.ts"
import type { MetaCache } from "./metaCache.ts"

export const makeRemove = (d: AssetDeps, meta: MetaCache) => (userId: string, assetId: string) =>
  Effect.gen(function*() {
    const now = yield* d.time.now
    const period = periodOf(now)
    const opId = `del:${assetId}`
    const k = d.keysOf(userId)
    // held (as a reservation of nothing) while PostgreSQL books the deletion, until applyDelta below: reconcile's
    // repair waits while it is there, instead of taking the ledger's deletion into Redis and then seeing applyDelta
    // take the same bytes off again. A crash leaves it to expire and settle from the ledger, like any reservation.
    yield* d.redis.run((r) =>
      r.multi().hset(k.resv, opId, `${period}|0|0|0|0|asset_delete`).zadd(k.resvExp, now + d.config.reservationTtlMs, opId)
        .exec()
    )
    const dropMarker = d.redis.run((r) => r.multi().hdel(k.resv, opId).zrem(k.resvExp, opId).exec()).pipe(Effect.ignore)
    const out = yield* d.database.use((db) =>
      deleteAsset(db, {
        userId,
        assetId,
        ledger: (freed) => ({
          userId,
          period,
          occurredAt: new Date(now),
          kind: "asset_delete",
          opId,
          storageBytes: -freed,
          assetId
        })
      })
    ).pipe(Effect.tapError(() => dropMarker)) // nothing booked (or booked for reconcile to take): never stuck
    if (out.freed === undefined) yield* dropMarker
    if (!out.found) return yield* new Missing({ what: "asset", id: assetId })
    // done: what follows cannot be cut off by the client, and its failures are reconcile's to repair
    yield* Effect.uninterruptible(Effect.gen(function*() {
      yield* meta.forget(userId, assetId)
      if (out.freed === undefined) return
      const freed = out.freed
      yield* d.quota.applyDelta(userId, period, { ...NO_USAGE, storageBytes: -freed.bytes }, opId).pipe(
        Effect.catch((e) => Effect.logWarning(`storage of ${assetId} given back at the next reconcile: ${e.message}`))
      )
      // awaited (within the store's deadline): once a DELETE is answered, its object is gone, or reconcile has it
      yield* d.objects.remove(freed.bucket, freed.key).pipe(
        Effect.catch((e) => Effect.logWarning(`object ${freed.key} not deleted (reconcile will): ${e.message}`))
      )
    }))
  })
