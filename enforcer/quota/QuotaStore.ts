// Live quota accounting: reserve before doing the work, commit on success, release on failure. Each reservation is
// admitted by one Lua script that applies the model's limit rule to committed + held usage and, if it fits, holds the
// demand in the same atomic step: no snapshot to go stale, so no compare-and-set retries, however busy a tenant is.
// The limits come from the model (`limitsOf` of the tier Redis holds; a tier changed meanwhile sends the caller back
// once with the new tier's limits), and a denial is worded by the model's own `decide` on the usage the script saw.
// So no interleaving of requests, on one instance or many sharing Redis (or a Redis Cluster), takes usage past a limit.
import { randomUUID } from "node:crypto"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import * as Scope from "effect/Scope"
import {
  addUsage,
  decide,
  demandOf,
  type Denial,
  isTierId,
  limitsOf,
  NO_USAGE,
  type QuotaRequest,
  type TierId,
  tierOf,
  type Usage
} from "../../model/index.ts"
import { EnforcerConfig } from "../config/EnforcerConfig.ts"
import { Database } from "../db/Database.ts"
import { lastBatch, ledgerForOp, ledgerUsage } from "../db/ledger.repository.ts"
import { getUser } from "../db/users.repository.ts"
import { Contention, type DatabaseError, QuotaDenied, RedisUnavailable, UnknownUser } from "../errors.ts"
import { DONE_TTL_SECONDS, PERIOD_TTL_SECONDS, tenantKeys } from "../redis/keys.ts"
import { type AdmitReply, decodeAdmit, decodeHeld, encodeHeld, heldOf, usedOf } from "../redis/replies.ts"
import { RedisClient, type ScriptCall } from "../redis/RedisClient.ts"
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
  /** The commit batch it will be counted in ("-" for none: the caller commits it itself). */
  batch: string
  /** What the admission read (option `read`): a text cache entry's value and its accounted expiry (epoch ms). */
  readonly read?: { readonly value: string | null; readonly expiresAt: number | null }
}

export type CommitEffect =
  | { readonly _tag: "None" }
  | { readonly _tag: "CachePut"; readonly cacheKey: string; readonly value: string; readonly ttlMs: number; readonly expiresAt: number }
  | { readonly _tag: "CacheDelete"; readonly cacheKey: string }

type Infra = RedisUnavailable | DatabaseError | Contention

export interface ReserveOptions {
  readonly kind?: string
  /** A cache entry this request rewrites: its old bytes are given back before the check. */
  readonly cacheKey?: string
  /** A text cache entry to read in the same step as the admission (a counted GET is then one round trip). */
  readonly read?: string
  /** The commit batch (UsageRecorder) that will count it. */
  readonly batch?: string
}

export interface QuotaStoreShape {
  readonly snapshot: (userId: string, cacheKey?: string) => Effect.Effect<Snapshot, Infra | UnknownUser>
  /** Ask the model; if allowed, hold the request's demand until commit or release. */
  readonly reserve: (userId: string, request: QuotaRequest, options?: ReserveOptions) =>
    Effect.Effect<Reservation, QuotaDenied | Infra | UnknownUser>
  /** Add a further demand to a held reservation (a streaming body crossing its grant). */
  readonly grow: (reservation: Reservation, request: QuotaRequest) => Effect.Effect<void, QuotaDenied | Infra | UnknownUser>
  /** Renew the expiry; false if the reservation is gone (expired and settled). */
  readonly touch: (reservation: Reservation) => Effect.Effect<boolean, RedisUnavailable>
  /** Record the actual usage (never more than held) and apply the cache side effect atomically with it. */
  readonly commit: (reservation: Reservation, actual: Usage, effect?: CommitEffect) => Effect.Effect<void, RedisUnavailable>
  /** Count many reservations of one tenant and period, each exactly what it holds (a durable batch). */
  readonly commitBatch: (userId: string, period: string, reservations: ReadonlyArray<Reservation>) =>
    Effect.Effect<void, RedisUnavailable>
  /** `commitBatch` for several groups (each of one tenant and period) sent at once; returns the groups' failures. */
  readonly commitBatches: (groups: ReadonlyArray<ReadonlyArray<Reservation>>) => Effect.Effect<ReadonlyArray<RedisUnavailable>>
  /** Move reservations of one tenant to another commit batch (those still held). */
  readonly retag: (userId: string, reservations: ReadonlyArray<Reservation>, batch: string) => Effect.Effect<void, RedisUnavailable>
  readonly release: (reservation: Reservation) => Effect.Effect<void, RedisUnavailable>
  /** Reserve for the lifetime of the current scope: renewed while it lives, released at its end unless committed. */
  readonly reserveScoped: (userId: string, request: QuotaRequest, options?: ReserveOptions) =>
    Effect.Effect<Reservation, QuotaDenied | Infra | UnknownUser, Scope.Scope>
  /** Whether a reservation is still held (its request is alive, or crashed less than a TTL ago). */
  readonly isHeld: (userId: string, reservationId: string) => Effect.Effect<boolean, RedisUnavailable>
  /** Apply a change that needs no permission (a freed asset's storage, given back), once per `opId`. */
  readonly applyDelta: (userId: string, period: string, delta: Usage, opId: string) => Effect.Effect<void, RedisUnavailable>
  /** Apply a tier change at once: every admission after it uses the new tier's limits. */
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

/** Rounds of one admission: loading the tenant, settling crashed reservations, learning a changed tier. Bounded and
 * independent of load: concurrent requests never send each other back. */
const MAX_ROUNDS = 8

/** The model's multimodal rule alone (it depends on the tier and the kind of request, not on usage). */
const multimodalDenial = (sheet: Parameters<typeof decide>[0], tier: TierId, request: QuotaRequest): Denial | undefined => {
  const d = decide(sheet, tier, NO_USAGE, request.kind === "cache_request" ? request : { ...request, bytes: 0n })
  return d._tag === "Deny" && d.denial.reason === "multimodal_not_in_tier" ? d.denial : undefined
}

/** The model's limits of a tier as script arguments ("" = unlimited). */
const limitArgs = (sheet: Parameters<typeof decide>[0], tier: string): ReadonlyArray<string> => {
  if (!isTierId(tier)) return ["", "", "", ""]
  const l = limitsOf(tierOf(sheet, tier))
  return [l.requests, l.redisBytes, l.storageBytes, l.bandwidthBytes].map((x) => (x === null ? "" : x.toString()))
}

/** Usage as the model sees it for a decision: committed + held, a rewritten cache entry's old bytes given back. */
const decisionUsage = (r: AdmitReply): Usage =>
  addUsage(addUsage(usedOf(r), heldOf(r)), { ...NO_USAGE, redisBytes: -BigInt(r.entryBytes ?? 0) })

/** "instance:seq" of a commit batch. */
const parseBatch = (tag: string) => {
  const i = tag.lastIndexOf(":")
  return i <= 0 ? undefined : { instanceId: tag.slice(0, i), seq: Number(tag.slice(i + 1)) }
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
      const scope = yield* Effect.scope
      const keysOf = (userId: string) => tenantKeys(config.keyPrefix, userId)
      // the tier each tenant had at its last admission: the limits to send (a stale one costs one more round)
      const tiers = new Map<string, TierId>()
      // what depends on the tier alone (the sheet is fixed for the life of the layer), computed once per tier
      const limitsByTier = new Map<string, ReadonlyArray<string>>()
      const tierLimits = (tier: string) => {
        let l = limitsByTier.get(tier)
        if (l === undefined) limitsByTier.set(tier, l = limitArgs(sheet, tier))
        return l
      }
      const multimodalByTier = new Map<string, Denial | undefined>()
      const tierMultimodalDenial = (tier: TierId, request: QuotaRequest) => {
        const key = `${tier}\u0000${request.kind}`
        if (!multimodalByTier.has(key)) multimodalByTier.set(key, multimodalDenial(sheet, tier, request))
        return multimodalByTier.get(key)
      }
      const rememberTier = (userId: string, tier: TierId) => {
        if (tiers.size >= 100_000 && !tiers.has(userId)) tiers.clear()
        tiers.set(userId, tier)
      }

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

      /** Whether a crashed holder's work became durable, and how much it was. */
      const durableAmounts = (id: string, held: ReturnType<typeof decodeHeld>) =>
        Effect.gen(function*() {
          const batch = held === undefined ? undefined : parseBatch(held.batch)
          if (held !== undefined && batch !== undefined) {
            // a batched request counts exactly what it held, if its batch reached PostgreSQL
            const last = yield* database.use((db) => lastBatch(db, batch.instanceId))
            return last >= batch.seq ? held.usage : undefined
          }
          return yield* database.use((db) => ledgerForOp(db, id))
        })

      // A reservation nobody renews (its instance crashed): the ledger says whether the work was done.
      const settleExpired = (userId: string, expired: ReadonlyArray<readonly [string, string]>, now: number) =>
        Effect.forEach(expired, ([id, data]) =>
          Effect.gen(function*() {
            const k = keysOf(userId)
            const held = decodeHeld(data)
            const period = held?.period ?? periodOf(now)
            const done = yield* durableAmounts(id, held)
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

      interface Admission {
        readonly mode: "new" | "grow" | "peek"
        readonly request?: QuotaRequest | undefined
        readonly id?: string
        readonly data?: (period: string) => string
        readonly period?: string | undefined
        readonly cacheKey?: string | undefined
        readonly read?: string | undefined
      }

      /** One admission, through as many rounds as loading, settling and tier changes take. */
      const admit = (userId: string, a: Admission) =>
        Effect.gen(function*() {
          const k = keysOf(userId)
          const demand = a.request === undefined ? NO_USAGE : demandOf(a.request)
          for (let round = 0; round < MAX_ROUNDS; round++) {
            const now = yield* time.now
            const period = a.period ?? periodOf(now)
            const tier = tiers.get(userId) ?? ""
            if (a.request !== undefined && tier !== "") {
              const denial = tierMultimodalDenial(tier, a.request)
              if (denial !== undefined) return yield* new QuotaDenied({ denial })
            }
            const raw = yield* redis.script("econAdmit", [k.state, k.resv, k.resvExp, k.cacheSizes, k.cacheExp, k.period(period)], [
              now,
              k.cachePrefix,
              period,
              a.cacheKey ?? "",
              a.mode === "peek" ? "" : tier,
              ...tierLimits(tier),
              demand.requests,
              demand.redisBytes,
              demand.storageBytes,
              demand.bandwidthBytes,
              a.id ?? "",
              a.data?.(period) ?? "",
              now + config.reservationTtlMs,
              a.mode,
              a.read ?? ""
            ])
            const r = decodeAdmit(raw)
            switch (r.status) {
              case "unloaded":
                yield* hydrate(userId, period)
                continue
              case "expired":
                // left held (the safe side) if PostgreSQL cannot say what happened; then the request is refused 503
                yield* settleExpired(userId, r.expired, now)
                continue
              case "tier":
                if (r.tier === undefined || !isTierId(r.tier)) {
                  return yield* Effect.die(new Error(`tenant ${userId} has unknown tier "${r.tier}" in Redis`))
                }
                rememberTier(userId, r.tier)
                continue
              case "deny": {
                const decision = decide(sheet, tier as TierId, decisionUsage(r), a.request!)
                if (decision._tag === "Allow") {
                  return yield* Effect.die(new Error(`admission script and model disagree for ${userId} (${r.dimension})`))
                }
                return yield* new QuotaDenied({ denial: decision.denial })
              }
              case "dup":
                return yield* Effect.die(new Error(`reservation id ${a.id} used twice`))
              default:
                if (r.tier !== undefined && isTierId(r.tier)) rememberTier(userId, r.tier)
                return { reply: r, period }
            }
          }
          return yield* new Contention({ userId, attempts: MAX_ROUNDS })
        })

      const snapshot: QuotaStoreShape["snapshot"] = (userId, cacheKey) =>
        Effect.gen(function*() {
          // a peek asks nothing of the model, so it is never denied
          const { reply: r, period } = yield* admit(userId, { mode: "peek", cacheKey }).pipe(Effect.catchTag("QuotaDenied", Effect.die))
          if (r.tier === undefined || !isTierId(r.tier)) {
            return yield* Effect.die(new Error(`tenant ${userId} has unknown tier "${r.tier}" in Redis`))
          }
          return {
            userId,
            tier: r.tier,
            period,
            committed: usedOf(r),
            held: heldOf(r),
            entryBytes: BigInt(r.entryBytes ?? 0),
            ver: String(r.ver ?? "0"),
            cseq: String(r.cseq ?? "0")
          }
        })

      const reserve: QuotaStoreShape["reserve"] = (userId, request, options = {}) =>
        Effect.gen(function*() {
          const id = randomUUID()
          const kind = options.kind ?? request.kind
          const held = demandOf(request)
          const batch = options.batch ?? "-"
          const { reply, period } = yield* admit(userId, {
            mode: "new",
            request,
            id,
            data: (p) => encodeHeld(p, held, kind, batch),
            cacheKey: options.cacheKey,
            read: options.read
          })
          const res: Reservation = {
            id,
            userId,
            period,
            kind,
            held,
            settled: false,
            batch,
            ...(options.read === undefined ? {} : {
              read: {
                value: reply.value ?? null,
                expiresAt: reply.expiry === undefined || reply.expiry === null ? null : Number(reply.expiry)
              }
            })
          }
          return res
        })

      const grow: QuotaStoreShape["grow"] = (res, request) =>
        Effect.gen(function*() {
          const next = addUsage(res.held, demandOf(request))
          const { reply } = yield* admit(res.userId, {
            mode: "grow",
            request,
            id: res.id,
            period: res.period,
            data: (p) => encodeHeld(p, next, res.kind, res.batch)
          })
          // expired under us (we stalled past the TTL): the space may be gone, so the request cannot go on
          if (reply.status === "gone") {
            return yield* new RedisUnavailable({ message: `reservation ${res.id} expired while its request was still running` })
          }
          res.held = next
        })

      const touch: QuotaStoreShape["touch"] = (res) =>
        Effect.gen(function*() {
          const k = keysOf(res.userId)
          const now = yield* time.now
          const r = yield* redis.script("econTouch", [k.resv, k.resvExp], [res.id, now + config.reservationTtlMs])
          return Number(r) === 1
        })

      const retag: QuotaStoreShape["retag"] = (userId, list, batch) =>
        Effect.map(redis.script("econRetag", [keysOf(userId).resv], [batch, ...list.map((r) => r.id)]), () => {
          for (const r of list) r.batch = batch
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

      const commitBatches: QuotaStoreShape["commitBatches"] = (groups) =>
        Effect.gen(function*() {
          const nonEmpty = groups.filter((list) => list.length > 0)
          if (nonEmpty.length === 0) return []
          // one call for the whole batch on one server; on a cluster one per tenant (a call keeps to one slot)
          const calls: Array<ScriptCall> = []
          const callOf: Array<number> = []
          let keys: Array<string> = []
          let args: Array<string | bigint | number> = []
          for (const list of nonEmpty) {
            const first = list[0]!
            const k = keysOf(first.userId)
            keys.push(k.state, k.resv, k.resvExp, k.period(first.period), k.done(""))
            args.push(list.length)
            for (const res of list) {
              args.push(res.id, res.held.requests, res.held.redisBytes, res.held.storageBytes, res.held.bandwidthBytes)
              // durable already: a failure here leaves the reservations to expire and settle from their batch
              res.settled = true
            }
            callOf.push(calls.length)
            if (redis.isCluster) {
              calls.push({ name: "econCommitBatch", keys, args: [DONE_TTL_SECONDS, PERIOD_TTL_SECONDS, ...args] })
              keys = []
              args = []
            }
          }
          if (!redis.isCluster) calls.push({ name: "econCommitBatch", keys, args: [DONE_TTL_SECONDS, PERIOD_TTL_SECONDS, ...args] })
          const results = yield* redis.scripts(calls)
          const failures: Array<RedisUnavailable> = []
          for (const [g, list] of nonEmpty.entries()) {
            const call = callOf[g]!
            const r = results[call]!
            if (Result.isFailure(r)) {
              failures.push(r.failure)
              continue
            }
            const late = Number((r.success as ReadonlyArray<unknown>)[redis.isCluster ? 0 : g] ?? 0)
            if (late > 0) yield* Effect.logWarning(`${late} reservations of ${list[0]!.userId} expired before their batch; counted late`)
          }
          return failures
        })

      const commitBatch: QuotaStoreShape["commitBatch"] = (_userId, _period, list) =>
        Effect.flatMap(commitBatches([list]), (failures) => (failures.length === 0 ? Effect.void : Effect.fail(failures[0]!)))

      const release: QuotaStoreShape["release"] = (res) =>
        Effect.gen(function*() {
          const k = keysOf(res.userId)
          yield* redis.script("econRelease", [k.state, k.resv, k.resvExp], [res.id])
          res.settled = true
        })

      // Reservations of requests in flight (reserveScoped) are renewed by one keeper for the whole instance, not by a
      // timer fiber per request: each is touched once it is a third of the TTL old, and again every third after that
      // (the keeper looks every sixth, so no renewal comes later than half the TTL). Most requests end first.
      const keepAliveEvery = Math.max(50, Math.floor(config.reservationTtlMs / 3))
      const live = new Map<Reservation, { renewedAt: number; touching: boolean }>()
      const renewDue = Effect.suspend(() => {
        const now = Date.now()
        const due: Array<readonly [Reservation, { renewedAt: number; touching: boolean }]> = []
        for (const [res, state] of live) {
          if (state.touching || now - state.renewedAt < keepAliveEvery) continue
          state.touching = true
          state.renewedAt = now
          due.push([res, state])
        }
        // not awaited: a touch stuck on an unreachable node must not hold back the renewals of other tenants
        return due.length === 0 ? Effect.void : Effect.asVoid(Effect.forkIn(
          Effect.forEach(due, ([res, state]) =>
            touch(res).pipe(Effect.ignore, Effect.ensuring(Effect.sync(() => {
              state.touching = false
            }))), { concurrency: "unbounded", discard: true }),
          scope
        ))
      })
      yield* renewDue.pipe(Effect.delay(Math.max(25, Math.floor(keepAliveEvery / 2))), Effect.forever, Effect.forkIn(scope))

      const reserveScoped: QuotaStoreShape["reserveScoped"] = (userId, request, options) =>
        Effect.acquireRelease(
          Effect.tap(reserve(userId, request, options), (res) =>
            Effect.sync(() => {
              live.set(res, { renewedAt: Date.now(), touching: false })
            })),
          // if Redis is down here, the reservation expires by itself after the TTL
          (r) =>
            Effect.suspend(() => {
              live.delete(r)
              return r.settled ? Effect.void : release(r).pipe(Effect.ignore)
            })
        )

      const applyDelta: QuotaStoreShape["applyDelta"] = (userId, period, delta, opId) =>
        commitWith({ id: opId, userId, period, kind: "delta", held: delta, settled: false, batch: "-" }, delta, { _tag: "None" }, true)
          .pipe(Effect.asVoid)

      const setTier: QuotaStoreShape["setTier"] = (userId, tier) =>
        redis.script("econSetTier", [keysOf(userId).state], [tier]).pipe(Effect.map((r) => {
          rememberTier(userId, tier)
          return Number(r) === 1
        }))

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

      return {
        snapshot,
        reserve,
        grow,
        touch,
        commit,
        commitBatch,
        commitBatches,
        retag,
        release,
        reserveScoped,
        isHeld,
        applyDelta,
        setTier,
        repair
      }
    })
  )
}
