// The text cache: API responses kept in Redis with a TTL bounded by the tier. Every accepted call is a cache request;
// stored bytes count against the Redis allowance until the entry is deleted or expires.
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { cacheRequest, NO_USAGE, textCacheWrite, tierOf, ttlCeiling, ttlProblem, type Usage } from "../../model/index.ts"
import { EnforcerConfig } from "../config/EnforcerConfig.ts"
import { Database } from "../db/Database.ts"
import { appendLedger } from "../db/ledger.repository.ts"
import { type Contention, type DatabaseError, InvalidRequest, type QuotaDenied, type RedisUnavailable, type UnknownUser } from "../errors.ts"
import { PriceSheet } from "../quota/PriceSheet.ts"
import { type CommitEffect, QuotaStore, type Reservation } from "../quota/QuotaStore.ts"
import { UsageRecorder } from "../quota/UsageRecorder.ts"
import { TimeSource } from "../quota/TimeSource.ts"
import { tenantKeys } from "../redis/keys.ts"
import { RedisClient } from "../redis/RedisClient.ts"

export interface CachePutResult {
  readonly key: string
  readonly sizeBytes: bigint
  readonly ttlSeconds: number
  readonly expiresAt: Date
}

type Failure = QuotaDenied | RedisUnavailable | DatabaseError | Contention | UnknownUser

export interface TextCacheShape {
  readonly put: (userId: string, key: string, value: string, ttlSeconds: number | undefined) =>
    Effect.Effect<CachePutResult, Failure | InvalidRequest>
  /** The value, or undefined on a miss (a miss is still a counted request). */
  readonly get: (userId: string, key: string) => Effect.Effect<string | undefined, Failure>
  readonly remove: (userId: string, key: string) => Effect.Effect<boolean, Failure>
}

/** Default TTL when the client gives none: an hour, or the tier's maximum if that is shorter. */
export const DEFAULT_TEXT_TTL_SECONDS = 3600

export class TextCache extends Context.Service<TextCache, TextCacheShape>()("enforcer/TextCache") {
  static readonly layer = Layer.effect(
    TextCache,
    Effect.gen(function*() {
      const config = yield* EnforcerConfig
      const quota = yield* QuotaStore
      const database = yield* Database
      const redis = yield* RedisClient
      const sheet = yield* PriceSheet
      const time = yield* TimeSource
      const recorder = yield* UsageRecorder

      /**
       * Count a request durably and apply its effect on the entry (written or deleted) in Redis, as one step a client
       * that leaves cannot cut in half. If Redis refuses the effect, the count is voided: a request answered 503 is
       * never billed, and one billed always did what it said.
       */
      const countWithEffect = (res: Reservation, now: number, usage: Usage, effect: CommitEffect) =>
        Effect.uninterruptible(Effect.gen(function*() {
          yield* recorder.count(res, now, "cache_request", { commit: false })
          yield* quota.commit(res, usage, effect).pipe(
            Effect.tapError(() =>
              recorder.book({
                userId: res.userId,
                period: res.period,
                at: now,
                kind: "void",
                requests: -usage.requests,
                redisBytes: -usage.redisBytes
              }).pipe(Effect.ignore)
            )
          )
        }))

      const put: TextCacheShape["put"] = (userId, key, value, ttlSeconds) =>
        Effect.scoped(Effect.gen(function*() {
          const size = BigInt(Buffer.byteLength(value, "utf8"))
          const snap = yield* quota.snapshot(userId)
          const tier = tierOf(sheet, snap.tier)
          const ttl = ttlSeconds ?? Math.min(DEFAULT_TEXT_TTL_SECONDS, ttlCeiling(tier, "text"))
          const problem = ttlProblem(tier, "text", ttl)
          if (problem !== undefined) return yield* new InvalidRequest({ code: "invalid_ttl", field: "ttl", message: problem })
          const res = yield* quota.reserveScoped(userId, textCacheWrite(size), { kind: "cache_put", cacheKey: key, batch: recorder.batch(userId) })
          const now = yield* time.now
          const expiresAt = now + ttl * 1000
          yield* countWithEffect(res, now, { ...NO_USAGE, requests: 1n, redisBytes: size }, {
            _tag: "CachePut",
            cacheKey: key,
            value,
            ttlMs: ttl * 1000,
            expiresAt
          })
          return { key, sizeBytes: size, ttlSeconds: ttl, expiresAt: new Date(expiresAt) }
        }))

      const get: TextCacheShape["get"] = (userId, key) =>
        Effect.scoped(Effect.gen(function*() {
          // the entry is read in the admission's own step: one round trip to Redis, then the group commit
          const res = yield* quota.reserveScoped(userId, cacheRequest, { kind: "cache_get", read: key, batch: recorder.batch(userId) })
          const now = yield* time.now
          yield* recorder.count(res, now, "cache_request")
          // the accounting's expiry is authoritative: an entry past it is a miss even if Redis has not evicted it yet
          const read = res.read
          return read?.value != null && read.expiresAt !== null && read.expiresAt > now ? read.value : undefined
        }))

      const remove: TextCacheShape["remove"] = (userId, key) =>
        Effect.scoped(Effect.gen(function*() {
          const res = yield* quota.reserveScoped(userId, cacheRequest, { kind: "cache_delete", batch: recorder.batch(userId) })
          const now = yield* time.now
          const k = tenantKeys(config.keyPrefix, userId)
          const existed = (yield* redis.run((r) => r.hexists(k.cacheSizes, key))) === 1
          yield* countWithEffect(res, now, { ...NO_USAGE, requests: 1n }, { _tag: "CacheDelete", cacheKey: key })
          return existed
        }))

      return { put, get, remove }
    })
  )
}
