// Live quota accounting: reserve before doing the work, commit on success, release on failure. Every allow/deny is
// the model's `decide` on a snapshot of committed + reserved usage; the reservation is then written only if no other
// request raised usage since that snapshot (compare-and-set in Lua), else the model is asked again on a fresh one.
// So no interleaving of requests, on one instance or many sharing Redis, can take usage past a limit.
import { randomUUID } from "node:crypto"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import {
  addUsage,
  decide,
  demandOf,
  isTierId,
  NO_USAGE,
  type QuotaRequest,
  type TierId,
  type Usage
} from "../../model/index.ts"
import { EnforcerConfig } from "../config/EnforcerConfig.ts"
import { Database } from "../db/Database.ts"
import { ledgerForOp, ledgerUsage } from "../db/ledger.repository.ts"
import { getUser } from "../db/users.repository.ts"
import { Contention, type DatabaseError, QuotaDenied, RedisUnavailable, UnknownUser } from "../errors.ts"
import { DONE_TTL_SECONDS, PERIOD_TTL_SECONDS, tenantKeys } from "../redis/keys.ts"
import { RedisClient } from "../redis/RedisClient.ts"
import { PriceSheet } from "./PriceSheet.ts"
import { periodOf, TimeSource } from "./TimeSource.ts"

export interface Snapshot {
  readonly userId: string
  readonly tier: TierId
  readonly period: string
  /** Usage recorded as done: storage and Redis bytes now, requests and bandwidth in `period`. */
  readonly committed: Usage
  /** Usage reserved by requests in flight (requests and bandwidth only those of `period`). */
  readonly held: Usage
  /** Bytes of the cache entry asked about (0 if none): a rewrite gives these back. */
  readonly entryBytes: bigint
  readonly ver: string
  readonly cseq: string
}

/** A reservation in flight. `held` grows while a body streams in. */
export interface Reservation {
  readonly id: string
  readonly userId: string
  readonly period: string
  readonly kind: string
  held: Usage
  settled: boolean
}

export type CommitEffect =
  | { readonly _tag: "None" }
  | { readonly _tag: "CachePut"; readonly cacheKey: string; readonly value: string; readonly ttlMs: number; readonly expiresAt: number }
  | { readonly _tag: "CacheDelete"; readonly cacheKey: string }

type Infra = RedisUnavailable | DatabaseError | Contention

export interface QuotaStoreShape {
  readonly snapshot: (userId: string, cacheKey?: string) => Effect.Effect<Snapshot, Infra | UnknownUser>
  /** Ask the model; if allowed, hold the request's demand until commit or release. */
  readonly reserve: (
    userId: string,
    request: QuotaRequest,
    options?: { readonly kind?: string; readonly cacheKey?: string }
  ) => Effect.Effect<Reservation, QuotaDenied | Infra | UnknownUser>
  /** Add a further demand to a held reservation (a streaming body crossing its grant). */
  readonly grow: (reservation: Reservation, request: QuotaRequest) => Effect.Effect<void, QuotaDenied | Infra | UnknownUser>
  /** Renew the expiry; false if the reservation is gone (expired and settled). */
  readonly touch: (reservation: Reservation) => Effect.Effect<boolean, RedisUnavailable>
  /** Record the actual usage (never more than held) and apply the cache side effect atomically with it. */
  readonly commit: (reservation: Reservation, actual: Usage, effect?: CommitEffect) => Effect.Effect<void, RedisUnavailable>
  readonly release: (reservation: Reservation) => Effect.Effect<void, RedisUnavailable>
  /** Reserve for the lifetime of the current scope: renewed while it lives, released at its end unless committed. */
  readonly reserveScoped: (
    userId: string,
    request: QuotaRequest,
    options?: { readonly kind?: string; readonly cacheKey?: string }
  ) => Effect.Effect<Reservation, QuotaDenied | Infra | UnknownUser, Scope.Scope>
  /** Whether a reservation is still held (its request is alive, or crashed less than a TTL ago). */
  readonly isHeld: (userId: string, reservationId: string) => Effect.Effect<boolean, RedisUnavailable>
  /** Apply a change that needs no permission (a freed asset's storage, given back), once per `opId`. */
  readonly applyDelta: (userId: string, period: string, delta: Usage, opId: string) => Effect.Effect<void, RedisUnavailable>
  /** Apply a tier change at once: every snapshot taken before it is invalidated. */
  readonly setTier: (userId: string, tier: TierId) => Effect.Effect<boolean, RedisUnavailable>
  /** Compare Redis with the ledger and overwrite Redis when they differ (only when no request is in flight). */
  readonly repair: (userId: string) => Effect.Effect<RepairResult, Infra | UnknownUser>
}

export interface RepairResult {
  readonly userId: string
  readonly status: "in_sync" | "repaired" | "busy"
  readonly redis: Usage
  readonly ledger: Usage
}

const MAX_ATTEMPTS = 2_000

const usageFrom = (requests: unknown, redis: unknown, storage: unknown, bandwidth: unknown): Usage => ({
  requests: BigInt(String(requests)),
  redisBytes: BigInt(String(redis)),
  storageBytes: BigInt(String(storage)),
  bandwidthBytes: BigInt(String(bandwidth))
})

const encodeHeld = (period: string, u: Usage, kind: string) =>
  `${period}|${u.requests}|${u.redisBytes}|${u.storageBytes}|${u.bandwidthBytes}|${kind}`

const decodeHeld = (data: string): { readonly period: string; readonly usage: Usage } | undefined => {
  const f = data.split("|")
  if (f.length < 5) return undefined
  return { period: f[0]!, usage: usageFrom(f[1], f[2], f[3], f[4]) }
}

export class QuotaStore extends Context.Service<QuotaStore, QuotaStoreShape>()("enforcer/QuotaStore") {
  static readonly layer = Layer.effect(
    QuotaStore,
    Effect.gen(function*() {
      const config = yield* EnforcerConfig
      const redis = yield* RedisClient
      const database = yield* Database
      const sheet = yield* PriceSheet
      const time = yield* TimeSource
      const keysOf = (userId: string) => tenantKeys(config.keyPrefix, userId)

      const hydrate = (userId: string, period: string) =>
        Effect.gen(function*() {
          const k = keysOf(userId)
          const user = yield* database.use((db) => getUser(db, userId))
          if (user === undefined) return yield* new UnknownUser({ userId })
          const usage = yield* database.use((db) => ledgerUsage(db, userId, period))
          yield* redis.script("econHydrate", [k.state, k.period(period), k.cacheSizes], [
            user.tier,
            usage.storageBytes,
            usage.requests,
            usage.bandwidthBytes,
            String(Math.floor(Math.random() * 1e12)),
            PERIOD_TTL_SECONDS
          ])
        })

      // A reservation nobody renews (its instance crashed): the ledger says whether the work was done.
      const settleExpired = (userId: string, expired: ReadonlyArray<readonly [string, string]>, now: number) =>
        Effect.forEach(expired, ([id, data]) =>
          Effect.gen(function*() {
            const k = keysOf(userId)
            const held = decodeHeld(data)
            const period = held?.period ?? periodOf(now)
            const done = yield* database.use((db) => ledgerForOp(db, id))
            yield* redis.script("econSettle", [k.state, k.resv, k.resvExp, k.period(period), k.done(id)], [
              id,
              now,
              done?.requests ?? 0n,
              done?.storageBytes ?? 0n,
              done?.bandwidthBytes ?? 0n,
              done === undefined ? "0" : "1",
              DONE_TTL_SECONDS,
              PERIOD_TTL_SECONDS
            ])
          }), { discard: true })

      const snapshot = (userId: string, cacheKey?: string): Effect.Effect<Snapshot, Infra | UnknownUser> =>
        Effect.gen(function*() {
          const k = keysOf(userId)
          for (let round = 0; round < 5; round++) {
            const now = yield* time.now
            const period = periodOf(now)
            const raw = (yield* redis.script("econSnapshot", [
              k.state,
              k.resv,
              k.resvExp,
              k.cacheSizes,
              k.cacheExp,
              k.period(period)
            ], [now, k.cachePrefix, period, cacheKey ?? ""])) as Array<string | number>
            if (raw[0] !== "1") {
              yield* hydrate(userId, period)
              continue
            }
            const expired: Array<readonly [string, string]> = []
            for (let i = 13; i + 1 < raw.length; i += 2) expired.push([String(raw[i]), String(raw[i + 1])])
            if (expired.length > 0 && round < 4) {
              // leave them held (the safe side) if PostgreSQL cannot say what happened
              yield* settleExpired(userId, expired, now).pipe(Effect.ignore)
              continue
            }
            const tier = String(raw[2])
            if (!isTierId(tier)) return yield* Effect.die(new Error(`tenant ${userId} has unknown tier "${tier}" in Redis`))
            return {
              userId,
              tier,
              period,
              committed: usageFrom(raw[5], raw[4], raw[3], raw[6]),
              held: usageFrom(raw[7], raw[8], raw[9], raw[10]),
              entryBytes: BigInt(String(raw[11])),
              ver: String(raw[1]),
              cseq: String(raw[12])
            }
          }
          return yield* new Contention({ userId, attempts: 5 })
        })

      const casLoop = (
        userId: string,
        request: QuotaRequest,
        write: (snap: Snapshot, demand: Usage, expiresAt: number) => Effect.Effect<number, RedisUnavailable>,
        options: { readonly cacheKey?: string | undefined; readonly onGone?: () => Effect.Effect<never, QuotaDenied | Infra> }
      ) =>
        Effect.gen(function*() {
          for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            const snap = yield* snapshot(userId, options.cacheKey)
            // a rewrite of a cache entry gives its old bytes back: the model sees usage without them
            const usage = addUsage(addUsage(snap.committed, snap.held), { ...NO_USAGE, redisBytes: -snap.entryBytes })
            const decision = decide(sheet, snap.tier, usage, request)
            if (decision._tag === "Deny") return yield* new QuotaDenied({ denial: decision.denial })
            const now = yield* time.now
            const r = yield* write(snap, demandOf(request), now + config.reservationTtlMs)
            if (r === 1) return snap
            if (r === -1 && options.onGone) return yield* options.onGone()
            // someone raised usage since the snapshot: back off a little (more under heavy contention) and ask again
            yield* Effect.sleep(Math.floor(Math.random() * Math.min(1 + attempt, 10)))
          }
          return yield* new Contention({ userId, attempts: MAX_ATTEMPTS })
        })

      const reserve: QuotaStoreShape["reserve"] = (userId, request, options = {}) =>
        Effect.gen(function*() {
          const id = randomUUID()
          const kind = options.kind ?? request.kind
          const k = keysOf(userId)
          let held: Usage = NO_USAGE
          let period = ""
          yield* casLoop(userId, request, (snap, demand, expiresAt) => {
            held = demand
            period = snap.period
            return redis.script("econReserve", [k.state, k.resv, k.resvExp], [
              snap.ver,
              id,
              encodeHeld(snap.period, demand, kind),
              expiresAt,
              "new"
            ]).pipe(Effect.map(Number))
          }, { cacheKey: options.cacheKey })
          return { id, userId, period, kind, held, settled: false }
        })

      const grow: QuotaStoreShape["grow"] = (res, request) =>
        Effect.gen(function*() {
          const k = keysOf(res.userId)
          let next = res.held
          yield* casLoop(res.userId, request, (snap, demand, expiresAt) => {
            next = addUsage(res.held, demand)
            return redis.script("econReserve", [k.state, k.resv, k.resvExp], [
              snap.ver,
              res.id,
              encodeHeld(res.period, next, res.kind),
              expiresAt,
              "grow"
            ]).pipe(Effect.map(Number))
          }, {
            // expired under us (we stalled past the TTL): the space may be gone, so the request cannot go on
            onGone: () =>
              Effect.fail(new RedisUnavailable({ message: `reservation ${res.id} expired while its request was still running` }))
          })
          res.held = next
        })

      const touch: QuotaStoreShape["touch"] = (res) =>
        Effect.gen(function*() {
          const k = keysOf(res.userId)
          const now = yield* time.now
          const r = yield* redis.script("econTouch", [k.resv, k.resvExp], [res.id, now + config.reservationTtlMs])
          return Number(r) === 1
        })

      const commitWith = (res: Reservation, actual: Usage, effect: CommitEffect, late: boolean) =>
        Effect.gen(function*() {
          const k = keysOf(res.userId)
          const cacheKey = effect._tag === "None" ? "" : effect.cacheKey
          return Number(
            yield* redis.script("econCommit", [
              k.state,
              k.resv,
              k.resvExp,
              k.period(res.period),
              k.done(res.id),
              k.cacheSizes,
              k.cacheExp,
              k.cacheEntry(cacheKey)
            ], [
              res.id,
              actual.requests,
              actual.redisBytes,
              actual.storageBytes,
              actual.bandwidthBytes,
              late ? "late" : effect._tag === "CachePut" ? "cache_put" : effect._tag === "CacheDelete" ? "cache_del" : "plain",
              cacheKey,
              effect._tag === "CachePut" ? effect.value : "",
              effect._tag === "CachePut" ? Math.max(1, effect.ttlMs) : 0,
              effect._tag === "CachePut" ? effect.expiresAt : 0,
              DONE_TTL_SECONDS,
              PERIOD_TTL_SECONDS
            ])
          )
        })

      const commit: QuotaStoreShape["commit"] = (res, actual, effect = { _tag: "None" }) =>
        Effect.gen(function*() {
          for (const [d, a, h] of [
            ["requests", actual.requests, res.held.requests],
            ["redis", actual.redisBytes, res.held.redisBytes],
            ["storage", actual.storageBytes, res.held.storageBytes],
            ["bandwidth", actual.bandwidthBytes, res.held.bandwidthBytes]
          ] as const) {
            if (a > h) return yield* Effect.die(new Error(`commit of ${a} ${d} exceeds the ${h} reserved (${res.id})`))
          }
          // every caller books the work in the ledger before it commits: if Redis cannot take the commit now, the
          // reservation must not be released (that would forget the work) but left to expire and settle from the ledger
          const r = yield* commitWith(res, actual, effect, false).pipe(Effect.tapError(() => Effect.sync(() => {
            res.settled = true
          })))
          if (r === 0) {
            // the work is done and in the ledger, but the reservation expired first: count it anyway, never lose it
            yield* Effect.logWarning(`reservation ${res.id} of ${res.userId} expired before its commit; counted late`)
            yield* commitWith(res, actual, effect, true)
          }
          res.settled = true
        })

      const release: QuotaStoreShape["release"] = (res) =>
        Effect.gen(function*() {
          const k = keysOf(res.userId)
          yield* redis.script("econRelease", [k.resv, k.resvExp], [res.id])
          res.settled = true
        })

      const reserveScoped: QuotaStoreShape["reserveScoped"] = (userId, request, options) =>
        Effect.gen(function*() {
          const res = yield* Effect.acquireRelease(
            reserve(userId, request, options),
            // if Redis is down here, the reservation expires by itself after the TTL
            (r) => (r.settled ? Effect.void : release(r).pipe(Effect.ignore))
          )
          const keepAlive = yield* touch(res).pipe(
            Effect.ignore,
            Effect.repeat(Schedule.spaced(Math.max(50, Math.floor(config.reservationTtlMs / 3)))),
            Effect.forkScoped
          )
          yield* Effect.addFinalizer(() => Fiber.interrupt(keepAlive))
          return res
        })

      const applyDelta: QuotaStoreShape["applyDelta"] = (userId, period, delta, opId) =>
        commitWith({ id: opId, userId, period, kind: "delta", held: delta, settled: false }, delta, { _tag: "None" }, true)
          .pipe(Effect.asVoid)

      const setTier: QuotaStoreShape["setTier"] = (userId, tier) =>
        redis.script("econSetTier", [keysOf(userId).state], [tier]).pipe(Effect.map((r) => Number(r) === 1))

      const repair: QuotaStoreShape["repair"] = (userId) =>
        Effect.gen(function*() {
          const k = keysOf(userId)
          const snap = yield* snapshot(userId)
          const user = yield* database.use((db) => getUser(db, userId))
          if (user === undefined) return yield* new UnknownUser({ userId })
          const ledger = yield* database.use((db) => ledgerUsage(db, userId, snap.period))
          const redisUsage = snap.committed
          const same = redisUsage.storageBytes === ledger.storageBytes && redisUsage.requests === ledger.requests &&
            redisUsage.bandwidthBytes === ledger.bandwidthBytes && snap.tier === user.tier
          if (same) return { userId, status: "in_sync" as const, redis: redisUsage, ledger: { ...ledger, redisBytes: redisUsage.redisBytes } }
          const r = Number(
            yield* redis.script("econRepair", [k.state, k.period(snap.period), k.resv], [
              snap.cseq,
              ledger.storageBytes,
              ledger.requests,
              ledger.bandwidthBytes,
              user.tier,
              snap.ver
            ])
          )
          return {
            userId,
            status: r === 1 ? "repaired" as const : "busy" as const,
            redis: redisUsage,
            ledger: { ...ledger, redisBytes: redisUsage.redisBytes }
          }
        })

      const isHeld: QuotaStoreShape["isHeld"] = (userId, reservationId) =>
        redis.run((r) => r.hexists(keysOf(userId).resv, reservationId)).pipe(Effect.map((n) => n === 1))

      return { snapshot, reserve, grow, touch, commit, release, reserveScoped, isHeld, applyDelta, setTier, repair }
    })
  )
}
