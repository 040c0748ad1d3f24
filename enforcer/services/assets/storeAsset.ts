// Upload: bytes streamed to S3 under a storage reservation that grows with the body (so the limit holds with or
// without Content-Length), deduplicated per tenant by SHA-256, then recorded in PostgreSQL (content, asset, ledger
// row in one transaction) and counted in Redis. An upload ends either stored and charged, or neither, whatever the
// client does: recording cannot be interrupted, and an object is only ever deleted once PostgreSQL says no row
// points to it (when it cannot say, reconcile decides later).
import { randomUUID } from "node:crypto"
import * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import { assetStore, NO_USAGE, tierOf, ttlProblem } from "../../../model/index.ts"
import { findIdempotent, IdempotencyConflict, insertAsset } from "../../db/assets.repository.ts"
import { databaseError } from "../../db/Database.ts"
import { InvalidRequest, RedisUnavailable } from "../../errors.ts"
import type { Reservation } from "../../quota/QuotaStore.ts"
import type { AssetDeps, StoredAsset, StoreRequest } from "./deps.ts"
import type { MetaCache } from "./metaCache.ts"

/** Where the object of an upload stands, for the clean-up that runs however the request ends. */
type ObjectFate = "drop" | "ask" | "keep"

export const makeStore = (d: AssetDeps, meta: MetaCache) => {
  const replay = (userId: string, key: string) =>
    Effect.map(d.database.use((db) => findIdempotent(db, userId, key)), (prior) =>
      prior !== undefined && prior.response !== ""
        ? { result: JSON.parse(prior.response) as StoredAsset, replayed: true }
        : undefined)

  /** Hold at least `total` bytes: grow by a grant at a time, or by exactly what is missing near the limit. */
  const ensureHeld = (res: Reservation, total: bigint) =>
    Effect.gen(function*() {
      const missing = total - res.held.storageBytes
      if (missing <= 0n) return
      const grant = missing > d.config.uploadGrantBytes ? missing : d.config.uploadGrantBytes
      yield* d.quota.grow(res, assetStore(grant)).pipe(
        Effect.catchTag("QuotaDenied", (denied) =>
          grant === missing ? Effect.fail(denied) : d.quota.grow(res, assetStore(missing)))
      )
    })

  /** Is this object what a content row points to? Undefined when PostgreSQL cannot say. */
  const isRecorded = (objectKey: string) =>
    d.database.use((db) =>
      db.selectFrom("content_objects").select("object_key").where("bucket", "=", d.objects.bucket)
        .where("object_key", "=", objectKey).executeTakeFirst()
    ).pipe(Effect.map((row) => row !== undefined), Effect.orElseSucceed(() => undefined))

  /** In the background: the client's answer does not wait for it (S3 may be the backend that is away). */
  const cleanUp = (objectKey: string, fate: ObjectFate) =>
    fate === "keep" ? Effect.void : Effect.gen(function*() {
      if (fate === "ask" && (yield* isRecorded(objectKey)) !== false) return // recorded, or unknown: reconcile decides
      yield* d.objects.remove(d.objects.bucket, objectKey).pipe(
        Effect.catch((e) => Effect.logWarning(`object ${objectKey} not deleted (reconcile will): ${e.message}`))
      )
    }).pipe(Effect.forkDetach, Effect.asVoid)

  const storeNew = <E>(userId: string, request: StoreRequest, body: Stream.Stream<Uint8Array, E>) =>
    Effect.gen(function*() {
      const tier = tierOf(d.sheet, (yield* d.quota.snapshot(userId)).tier)
      // a tier without the asset cache hears that from the model (below), not about its TTL
      const problem = request.ttlSeconds === undefined ? undefined : ttlProblem(tier, "asset", request.ttlSeconds)
      if (tier.multimodal && problem !== undefined) {
        return yield* new InvalidRequest({ code: "invalid_ttl", field: "ttl", message: problem })
      }
      // a declared length is reserved whole (refused before a byte is read); otherwise the hold grows as bytes arrive
      const res = yield* d.quota.reserveScoped(userId, assetStore(request.contentLength ?? 0n), { kind: "asset_store" })
      // the asset is named after its reservation: reconcile can tell a live upload from an abandoned one
      const assetId = res.id
      const objectKey = `assets/${userId}/${assetId}`
      let fate: ObjectFate = "drop"
      yield* Effect.addFinalizer(() => Effect.suspend(() => cleanUp(objectKey, fate)))
      const uploaded = yield* d.objects.upload(objectKey, body, {
        contentType: request.contentType,
        beforeChunk: (total) => ensureHeld(res, total)
      })
      // the reservation must still be ours before the work becomes durable (it is renewed, so this is a formality
      // unless Redis lost it)
      if (!(yield* d.quota.touch(res))) {
        return yield* new RedisUnavailable({ message: "reservation lost before commit; retry" })
      }
      const now = yield* d.time.now
      const ttlExpiresAt = request.ttlSeconds === undefined ? null : new Date(now + request.ttlSeconds * 1000)
      const result = (deduplicated: boolean): StoredAsset => ({
        asset_id: assetId,
        size_bytes: Number(uploaded.sizeBytes),
        content_hash: uploaded.sha256,
        deduplicated
      })
      // from here on the client cannot stop it: a disconnect waits for the record (bounded by the database deadline)
      return yield* Effect.uninterruptible(Effect.gen(function*() {
        fate = "ask"
        const inserted = yield* Effect.tryPromise({
          try: () =>
            insertAsset(d.database.db, {
              assetId,
              userId,
              contentHash: uploaded.sha256,
              sizeBytes: uploaded.sizeBytes,
              mimeType: request.contentType,
              cacheKey: request.cacheKey,
              ttlExpiresAt,
              bucket: d.objects.bucket,
              objectKey,
              now: new Date(now),
              ledger: (dedup) => ({
                userId,
                period: res.period,
                occurredAt: new Date(now),
                kind: "asset_store",
                opId: res.id,
                storageBytes: dedup ? 0n : uploaded.sizeBytes,
                assetId
              }),
              idempotency: request.idempotencyKey === undefined ? undefined : {
                key: request.idempotencyKey,
                response: (dedup) => JSON.stringify(result(dedup))
              }
            }),
          catch: (cause) => (cause instanceof IdempotencyConflict ? cause : databaseError(cause))
        }).pipe(Effect.result)
        if (inserted._tag === "Failure") {
          const e = inserted.failure
          if (e instanceof IdempotencyConflict) {
            // a concurrent retry with the same key won: answer what it answered, charge nothing here
            fate = "drop"
            const prior = yield* d.database.use((db) => findIdempotent(db, userId, request.idempotencyKey!))
            return { result: JSON.parse(prior!.response) as StoredAsset, replayed: true }
          }
          // it may have committed all the same (a COMMIT that timed out): the reservation is left to expire and
          // settle from the ledger instead of being released, and the object stays unless no row points to it
          res.settled = true
          return yield* e
        }
        const deduplicated = inserted.success.deduplicated
        fate = deduplicated ? "drop" : "keep"
        yield* d.quota.commit(res, { ...NO_USAGE, storageBytes: deduplicated ? 0n : uploaded.sizeBytes }).pipe(
          // durable in PostgreSQL already: the reservation still holds the bytes and settles from the ledger
          Effect.catch((e) => Effect.logWarning(`asset ${assetId} stored, Redis commit deferred: ${e.message}`))
        )
        yield* meta.write(userId, {
          assetId,
          sizeBytes: uploaded.sizeBytes,
          contentHash: uploaded.sha256,
          mimeType: request.contentType,
          cacheKey: request.cacheKey,
          hitCount: 0n,
          lastAccessed: new Date(now),
          ttlExpiresAt,
          createdAt: new Date(now),
          storageClass: "hot"
        })
        return { result: result(deduplicated), replayed: false }
      }))
    })

  /** Store a streamed body; `replayed` when an Idempotency-Key answered from its first result. */
  return <E>(userId: string, request: StoreRequest, body: Stream.Stream<Uint8Array, E>) =>
    Effect.gen(function*() {
      const key = request.idempotencyKey
      if (key === undefined) return yield* Effect.scoped(storeNew(userId, request, body))
      const first = yield* replay(userId, key)
      if (first !== undefined) return first
      // one attempt per key at a time (across instances); a concurrent duplicate is told to retry
      const lockKey = d.keysOf(userId).idempotencyLock(key)
      const token = randomUUID()
      const got = yield* d.redis.run((r) => r.set(lockKey, token, "PX", d.config.reservationTtlMs * 10, "NX"))
      if (got !== "OK") {
        return yield* new InvalidRequest({
          code: "idempotency_key_in_use",
          field: "Idempotency-Key",
          message: "a request with this Idempotency-Key is still in progress; retry it shortly",
          status: 409
        })
      }
      return yield* Effect.gen(function*() {
        const done = yield* replay(userId, key)
        if (done !== undefined) return done
        return yield* Effect.scoped(storeNew(userId, request, body))
      }).pipe(Effect.ensuring(d.redis.unlock(lockKey, token).pipe(Effect.ignore)))
    })
}
