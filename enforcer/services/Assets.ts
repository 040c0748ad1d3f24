// Multimodal assets: bytes streamed to S3 under a storage reservation that grows with the body (so the limit holds
// with or without Content-Length), deduplicated per tenant by SHA-256, metadata in Redis (and PostgreSQL, the truth).
// Reads are charged to bandwidth as bytes actually sent; lookups by cache key are cache requests and feed tiering.
import { randomUUID } from "node:crypto"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import { assetStore, bandwidth, cacheRequest, NO_USAGE, tierOf, ttlProblem } from "../../model/index.ts"
import { EnforcerConfig } from "../config/EnforcerConfig.ts"
import {
  type AssetRow,
  deleteAsset,
  findAsset,
  findAssetByCacheKey,
  findIdempotent,
  IdempotencyConflict,
  insertAsset,
  recordAccess
} from "../db/assets.repository.ts"
import { Database } from "../db/Database.ts"
import { appendLedger } from "../db/ledger.repository.ts"
import {
  type Contention,
  DatabaseError,
  InvalidRequest,
  Missing,
  type QuotaDenied,
  RedisUnavailable,
  type StorageError,
  type UnknownUser
} from "../errors.ts"
import { PriceSheet } from "../quota/PriceSheet.ts"
import { QuotaStore, type Reservation } from "../quota/QuotaStore.ts"
import { periodOf, TimeSource } from "../quota/TimeSource.ts"
import { UsageRecorder } from "../quota/UsageRecorder.ts"
import { tenantKeys } from "../redis/keys.ts"
import { RedisClient } from "../redis/RedisClient.ts"
import { ObjectStore } from "../s3/ObjectStore.ts"

export interface StoredAsset {
  readonly asset_id: string
  readonly size_bytes: number
  readonly content_hash: string
  readonly deduplicated: boolean
}

export interface StoreRequest {
  readonly contentType: string
  readonly cacheKey: string
  readonly ttlSeconds: number | undefined
  readonly idempotencyKey: string | undefined
  readonly contentLength: bigint | undefined
}

/** An asset as its tenant sees it: where it is stored stays inside the service. */
export type AssetMeta = Omit<AssetRow, "userId" | "bucket" | "objectKey">

type Failure = QuotaDenied | RedisUnavailable | DatabaseError | StorageError | Contention | UnknownUser

export interface AssetsShape {
  /** Store a streamed body; `replayed` when an Idempotency-Key answered from its first result. */
  readonly store: <E>(userId: string, request: StoreRequest, body: Stream.Stream<Uint8Array, E>) =>
    Effect.Effect<{ readonly result: StoredAsset; readonly replayed: boolean }, Failure | InvalidRequest | E>
  readonly head: (userId: string, assetId: string) => Effect.Effect<AssetMeta, Missing | DatabaseError>
  /** Bytes of an asset, charged to bandwidth as they are sent (a stream; the charge settles when it ends). */
  readonly download: (userId: string, assetId: string) =>
    Effect.Effect<{ readonly meta: AssetMeta; readonly body: Stream.Stream<Uint8Array, StorageError> }, Failure | Missing>
  readonly remove: (userId: string, assetId: string) => Effect.Effect<void, Missing | DatabaseError | RedisUnavailable>
  /** Multimodal cache lookup: a counted cache request; a hit updates the hit count and last access. */
  readonly lookup: (userId: string, cacheKey: string) => Effect.Effect<AssetMeta | undefined, Failure>
}

const metaOf = (a: AssetRow): AssetMeta => ({
  assetId: a.assetId,
  sizeBytes: a.sizeBytes,
  contentHash: a.contentHash,
  mimeType: a.mimeType,
  cacheKey: a.cacheKey,
  hitCount: a.hitCount,
  lastAccessed: a.lastAccessed,
  ttlExpiresAt: a.ttlExpiresAt,
  createdAt: a.createdAt,
  storageClass: a.storageClass
})

const isExpired = (a: { readonly ttlExpiresAt: Date | null }, now: number) =>
  a.ttlExpiresAt !== null && a.ttlExpiresAt.getTime() <= now

export class Assets extends Context.Service<Assets, AssetsShape>()("enforcer/Assets") {
  static readonly layer = Layer.effect(
    Assets,
    Effect.gen(function*() {
      const config = yield* EnforcerConfig
      const quota = yield* QuotaStore
      const database = yield* Database
      const redis = yield* RedisClient
      const objects = yield* ObjectStore
      const sheet = yield* PriceSheet
      const time = yield* TimeSource
      const recorder = yield* UsageRecorder
      const keysOf = (userId: string) => tenantKeys(config.keyPrefix, userId)

      const cacheMeta = (userId: string, a: AssetMeta) =>
        redis.run(async (r) => {
          const k = keysOf(userId)
          await r.hset(k.asset(a.assetId), {
            size: a.sizeBytes.toString(),
            hash: a.contentHash,
            mime: a.mimeType,
            cache_key: a.cacheKey,
            created: String(a.createdAt.getTime()),
            expires: a.ttlExpiresAt === null ? "" : String(a.ttlExpiresAt.getTime()),
            hits: a.hitCount.toString(),
            last_access: String(a.lastAccessed.getTime())
          })
          await r.set(k.assetByCacheKey(a.cacheKey), a.assetId)
        })

      const replay = (userId: string, key: string) =>
        Effect.map(database.use((db) => findIdempotent(db, userId, key)), (prior) =>
          prior !== undefined && prior.response !== ""
            ? { result: JSON.parse(prior.response) as StoredAsset, replayed: true }
            : undefined)

      const store: AssetsShape["store"] = (userId, request, body) =>
        Effect.gen(function*() {
          const key = request.idempotencyKey
          if (key === undefined) return yield* Effect.scoped(storeNew(userId, request, body))
          const first = yield* replay(userId, key)
          if (first !== undefined) return first
          // one attempt per key at a time (across instances); a concurrent duplicate is told to retry
          const lockKey = keysOf(userId).idempotencyLock(key)
          const token = randomUUID()
          const got = yield* redis.run((r) => r.set(lockKey, token, "PX", config.reservationTtlMs * 10, "NX"))
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
          }).pipe(Effect.ensuring(redis.unlock(lockKey, token).pipe(Effect.ignore)))
        })

      const storeNew = <E>(userId: string, request: StoreRequest, body: Stream.Stream<Uint8Array, E>) =>
        Effect.gen(function*() {
          const tier = tierOf(sheet, (yield* quota.snapshot(userId)).tier)
          // a tier without the asset cache hears that from the model (below), not about its TTL
          const problem = request.ttlSeconds === undefined ? undefined : ttlProblem(tier, "asset", request.ttlSeconds)
          if (tier.multimodal && problem !== undefined) {
            return yield* new InvalidRequest({ code: "invalid_ttl", field: "ttl", message: problem })
          }
          // a declared length is reserved whole (refused before a byte is read); otherwise the hold grows as bytes arrive
          const res = yield* quota.reserveScoped(userId, assetStore(request.contentLength ?? 0n), { kind: "asset_store" })
          // the asset is named after its reservation: reconcile can tell a live upload from an abandoned one
          const assetId = res.id
          const objectKey = `assets/${userId}/${assetId}`
          // whatever happens after the upload started, an object that is not recorded must not stay in the bucket
          let recorded = false
          yield* Effect.addFinalizer(() =>
            recorded ? Effect.void : objects.remove(objects.bucket, objectKey).pipe(Effect.ignore)
          )
          const uploaded = yield* objects.upload(objectKey, body, {
            contentType: request.contentType,
            beforeChunk: (total) => ensureHeld(res, total)
          })
          // the reservation must still be ours before the work becomes durable (it is renewed, so this is a formality
          // unless Redis lost it)
          if (!(yield* quota.touch(res))) {
            return yield* new RedisUnavailable({ message: "reservation lost before commit; retry" })
          }
          const now = yield* time.now
          const ttlExpiresAt = request.ttlSeconds === undefined ? null : new Date(now + request.ttlSeconds * 1000)
          const result = (deduplicated: boolean): StoredAsset => ({
            asset_id: assetId,
            size_bytes: Number(uploaded.sizeBytes),
            content_hash: uploaded.sha256,
            deduplicated
          })
          const inserted = yield* Effect.tryPromise({
            try: () =>
              insertAsset(database.db, {
                assetId,
                userId,
                contentHash: uploaded.sha256,
                sizeBytes: uploaded.sizeBytes,
                mimeType: request.contentType,
                cacheKey: request.cacheKey,
                ttlExpiresAt,
                bucket: objects.bucket,
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
            catch: (cause) =>
              cause instanceof IdempotencyConflict
                ? cause
                : new DatabaseError({ message: `database: ${cause instanceof Error ? cause.message : String(cause)}`, cause })
          }).pipe(Effect.result)
          if (inserted._tag === "Failure") {
            const e = inserted.failure
            if (e instanceof IdempotencyConflict) {
              // a concurrent retry with the same key won: answer what it answered, charge nothing here
              const prior = yield* database.use((db) => findIdempotent(db, userId, request.idempotencyKey!))
              return { result: JSON.parse(prior!.response) as StoredAsset, replayed: true }
            }
            return yield* e
          }
          recorded = !inserted.success.deduplicated
          yield* quota.commit(res, {
            ...NO_USAGE,
            storageBytes: inserted.success.deduplicated ? 0n : uploaded.sizeBytes
          }).pipe(Effect.catch((e) =>
            // durable in PostgreSQL already: the reservation still holds the bytes and settles from the ledger
            Effect.logWarning(`asset ${assetId} stored, Redis commit deferred: ${e.message}`)
          ))
          yield* cacheMeta(userId, {
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
          }).pipe(Effect.ignore)
          return { result: result(inserted.success.deduplicated), replayed: false }
        })

      /** Hold at least `total` bytes: grow by a grant at a time, or by exactly what is missing near the limit. */
      const ensureHeld = (res: Reservation, total: bigint) =>
        Effect.gen(function*() {
          const missing = total - res.held.storageBytes
          if (missing <= 0n) return
          const grant = missing > config.uploadGrantBytes ? missing : config.uploadGrantBytes
          yield* quota.grow(res, assetStore(grant)).pipe(
            Effect.catchTag("QuotaDenied", (denied) =>
              grant === missing ? Effect.fail(denied) : quota.grow(res, assetStore(missing)))
          )
        })

      const load = (userId: string, assetId: string) =>
        Effect.gen(function*() {
          const a = yield* database.use((db) => findAsset(db, userId, assetId))
          const now = yield* time.now
          // another tenant's asset is answered exactly like a missing one
          if (a === undefined || isExpired(a, now)) return yield* new Missing({ what: "asset", id: assetId })
          return a
        })

      const head: AssetsShape["head"] = (userId, assetId) => Effect.map(load(userId, assetId), metaOf)

      const download: AssetsShape["download"] = (userId, assetId) =>
        Effect.gen(function*() {
          const a = yield* load(userId, assetId)
          const res = yield* quota.reserve(userId, bandwidth(a.sizeBytes), { kind: "download" })
          const opened = yield* objects.download(a.bucket, a.objectKey).pipe(
            Effect.onExit((exit) => (Exit.isFailure(exit) ? quota.release(res).pipe(Effect.ignore) : Effect.void))
          )
          // renewed while the body streams; stops at the end of the stream, or after a day at the latest. Started by
          // the stream itself: a response never sent (the client left first) never runs its body, and its reservation
          // must then expire after a TTL, not be renewed for a day
          let keepAlive: Fiber.Fiber<unknown, unknown> | undefined
          const startKeepAlive = Effect.suspend(() =>
            keepAlive !== undefined ? Effect.void : quota.touch(res).pipe(
              Effect.ignore,
              Effect.repeat(Schedule.spaced(Math.max(50, Math.floor(config.reservationTtlMs / 3)))),
              Effect.timeout("1 day"),
              Effect.forkDetach,
              Effect.map((fiber) => {
                keepAlive = fiber
              })
            )
          )
          let sent = 0n
          const settle = Effect.gen(function*() {
            if (keepAlive !== undefined) yield* Fiber.interrupt(keepAlive)
            const now = yield* time.now
            if (sent === 0n) return yield* quota.release(res)
            yield* database.use((db) =>
              appendLedger(db, [{
                userId,
                period: res.period,
                occurredAt: new Date(now),
                kind: "bandwidth",
                opId: res.id,
                bandwidthBytes: sent,
                assetId
              }])
            )
            yield* quota.commit(res, { ...NO_USAGE, bandwidthBytes: sent })
            yield* database.use((db) => recordAccess(db, assetId, new Date(now), false))
          }).pipe(Effect.catch((e) => Effect.logWarning(`bandwidth of ${assetId} not settled yet: ${e.message}`)))
          const body = opened.body.pipe(
            Stream.tap((chunk) => Effect.sync(() => {
              sent += BigInt(chunk.length)
            })),
            Stream.onStart(startKeepAlive),
            Stream.ensuring(settle)
          )
          return { meta: metaOf(a), body }
        })

      const remove: AssetsShape["remove"] = (userId, assetId) =>
        Effect.gen(function*() {
          const now = yield* time.now
          const period = periodOf(now)
          const opId = `del:${assetId}`
          const k = keysOf(userId)
          // held (as a reservation of nothing) while PostgreSQL books the deletion, until applyDelta below: reconcile's
          // repair waits while it is there, instead of taking the ledger's deletion into Redis and then seeing applyDelta
          // take the same bytes off again. A crash leaves it to expire and settle from the ledger, like any reservation.
          yield* redis.run((r) =>
            r.multi().hset(k.resv, opId, `${period}|0|0|0|0|asset_delete`).zadd(k.resvExp, now + config.reservationTtlMs, opId)
              .exec()
          )
          const dropMarker = redis.run((r) => r.multi().hdel(k.resv, opId).zrem(k.resvExp, opId).exec()).pipe(Effect.ignore)
          const out = yield* database.use((db) =>
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
          yield* redis.run(async (r) => {
            await r.del(k.asset(assetId))
          }).pipe(Effect.ignore)
          if (out.freed !== undefined) {
            const freed = out.freed
            // the storage comes back after PostgreSQL has booked it; if Redis is away now, reconcile repairs it
            yield* quota.applyDelta(userId, period, { ...NO_USAGE, storageBytes: -freed.bytes }, opId)
            yield* objects.remove(freed.bucket, freed.key).pipe(
              Effect.tapError((e) => Effect.logWarning(`object ${freed.key} not deleted (reconcile will): ${e.message}`)),
              Effect.ignore
            )
          }
        })

      const metaFromRedis = (userId: string, cacheKey: string) =>
        redis.run(async (r) => {
          const k = keysOf(userId)
          const id = await r.get(k.assetByCacheKey(cacheKey))
          if (id === null) return undefined
          const h = await r.hgetall(k.asset(id))
          if (!h["size"] || !h["hash"] || !h["mime"] || !h["created"]) return undefined
          return {
            assetId: id,
            sizeBytes: BigInt(h["size"]),
            contentHash: h["hash"],
            mimeType: h["mime"],
            cacheKey,
            hitCount: BigInt(h["hits"] ?? "0"),
            lastAccessed: new Date(Number(h["last_access"] ?? h["created"])),
            ttlExpiresAt: h["expires"] ? new Date(Number(h["expires"])) : null,
            createdAt: new Date(Number(h["created"])),
            storageClass: h["class"] === "cold" ? "cold" as const : "hot" as const
          } satisfies AssetMeta
        })

      const lookup: AssetsShape["lookup"] = (userId, cacheKey) =>
        Effect.scoped(Effect.gen(function*() {
          const res = yield* quota.reserveScoped(userId, cacheRequest, { kind: "lookup", batch: recorder.batch() })
          const now = yield* time.now
          // metadata from Redis; PostgreSQL answers when Redis lost it (and the hit refills it)
          let meta: AssetMeta | undefined = yield* metaFromRedis(userId, cacheKey)
          if (meta === undefined) {
            const row = yield* database.use((db) => findAssetByCacheKey(db, userId, cacheKey))
            meta = row === undefined ? undefined : metaOf(row)
          }
          const hit = meta !== undefined && !isExpired(meta, now) ? meta : undefined
          yield* recorder.count(res, now, "lookup", { assetId: hit?.assetId ?? null })
          if (hit === undefined) return undefined
          const updated: AssetMeta = { ...hit, hitCount: hit.hitCount + 1n, lastAccessed: new Date(now) }
          const refreshed = yield* redis.run(async (r) => {
            const k = keysOf(userId)
            if (!(await r.exists(k.asset(hit.assetId)))) return false
            await r.hincrby(k.asset(hit.assetId), "hits", 1)
            await r.hset(k.asset(hit.assetId), "last_access", String(now))
            return true
          }).pipe(Effect.orElseSucceed(() => true))
          if (!refreshed) yield* cacheMeta(userId, updated).pipe(Effect.ignore)
          yield* database.use((db) => recordAccess(db, hit.assetId, new Date(now), true))
          return updated
        }))

      return { store, head, download, remove, lookup }
    })
  )
}
