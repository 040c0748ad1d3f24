// Quota accounting against real Redis and PostgreSQL (PGlite, and the server: TEST_DATABASE_URL or the README's):
// concurrency, exact limits, leaks, expiry, rollover and tier changes, straight on the store (HTTP tests cover the rest).
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { fc, test } from "@fast-check/vitest"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { assetStore, bandwidth, cacheRequest, NO_USAGE, type TierId } from "../../model/index.ts"
import { EnforcerConfig } from "../config/EnforcerConfig.ts"
import { Database } from "../db/Database.ts"
import { appendLedger } from "../db/ledger.repository.ts"
import { RedisClient } from "../redis/RedisClient.ts"
import { tenantKeys } from "../redis/keys.ts"
import { Users } from "../services/Users.ts"
import { dropRedisPrefix, STORE_VARIANTS, testSettings } from "../testkit/settings.ts"
import { writeTestSheet } from "../testkit/sheet.ts"
import { PriceSheet } from "./PriceSheet.ts"
import { QuotaStore } from "./QuotaStore.ts"
import { periodOf, TimeSource } from "./TimeSource.ts"

/** The denial a refused reservation failed with: a Redis outage or any other failure does not pass for a refusal. */
const denialOf = (exit: Exit.Exit<unknown, unknown>) => {
  const e = Exit.isFailure(exit) ? Option.getOrUndefined(Exit.findErrorOption(exit)) : undefined
  return (e as { _tag?: string; denial?: unknown } | undefined)?._tag === "QuotaDenied" ? (e as { denial: unknown }).denial : e
}

const makeLayer = (settings: ReturnType<typeof testSettings>, time: Layer.Layer<TimeSource>) => {
  const base = Layer.mergeAll(EnforcerConfig.layer(settings), time)
  const stores = Layer.mergeAll(RedisClient.layer, Database.layer, PriceSheet.layer).pipe(Layer.provideMerge(base))
  const quota = QuotaStore.layer.pipe(Layer.provideMerge(stores))
  return Users.layer.pipe(Layer.provideMerge(quota))
}

describe.each(STORE_VARIANTS)("QuotaStore on $name", ({ db: variant, redis }) => {
  const clock = TimeSource.adjustable()
  const settings = testSettings({ ...redis.settings, database: variant.config(), sheetPath: writeTestSheet(), reservationTtlMs: 1_000 })
  let rt: ManagedRuntime.ManagedRuntime<QuotaStore | Users | RedisClient | Database, unknown>
  const run = <A, E>(e: Effect.Effect<A, E, QuotaStore | Users | RedisClient | Database>) => rt.runPromise(e)
  const newUser = (tier: TierId) => run(Effect.flatMap(Users, (u) => u.add(tier)))

  beforeAll(async () => {
    rt = ManagedRuntime.make(makeLayer(settings, clock.layer))
    await rt.runPromise(Effect.void)
  })
  afterAll(async () => {
    await rt.dispose()
    await dropRedisPrefix(settings.keyPrefix, settings.redisClusterNodes)
  })

  it("50 concurrent uploads into a 1000-byte quota: exactly 10 of 100 bytes succeed, overshoot 0", async () => {
    const { userId } = await newUser("starter")
    const one = Effect.gen(function*() {
      const q = yield* QuotaStore
      const r = yield* q.reserve(userId, assetStore(100n))
      yield* Effect.sleep(Math.floor(Math.random() * 5))
      yield* q.commit(r, { ...NO_USAGE, storageBytes: 100n })
      return true
    }).pipe(Effect.catchTag("QuotaDenied", () => Effect.succeed(false)))
    const results = await run(Effect.all(Array.from({ length: 50 }, () => one), { concurrency: "unbounded" }))
    const snap = await run(Effect.flatMap(QuotaStore, (q) => q.snapshot(userId)))
    expect(results.filter(Boolean).length).toBe(10)
    expect(snap.committed.storageBytes).toBe(1000n)
    expect(snap.held.storageBytes).toBe(0n)
  })

  test.prop([
    fc.array(
      fc.record({ size: fc.bigInt({ min: 1n, max: 400n }), outcome: fc.constantFrom("commit", "release", "partial"), pause: fc.nat(4) }),
      { minLength: 1, maxLength: 30 }
    )
  ], { numRuns: 10 })("law: under any interleaving, committed storage ≤ the limit and equals what was committed", async (ops) => {
    const { userId } = await newUser("starter") // 1000 bytes
    const results = await run(Effect.all(ops.map((op) =>
      Effect.gen(function*() {
        const q = yield* QuotaStore
        const r = yield* q.reserve(userId, assetStore(op.size))
        yield* Effect.sleep(op.pause)
        if (op.outcome === "release") {
          yield* q.release(r)
          return 0n
        }
        const actual = op.outcome === "partial" ? op.size / 2n : op.size
        yield* q.commit(r, { ...NO_USAGE, storageBytes: actual })
        return actual
      }).pipe(Effect.catchTag("QuotaDenied", () => Effect.succeed(0n)))
    ), { concurrency: "unbounded" }))
    const snap = await run(Effect.flatMap(QuotaStore, (q) => q.snapshot(userId)))
    expect(snap.committed.storageBytes).toBe(results.reduce((a, b) => a + b, 0n))
    expect(snap.committed.storageBytes <= 1000n).toBe(true)
    expect(snap.held.storageBytes).toBe(0n)
  })

  it("exactly at the limit is allowed, one byte more is refused", async () => {
    const { userId } = await newUser("starter")
    const exit1 = await rt.runPromiseExit(Effect.flatMap(QuotaStore, (q) => q.reserve(userId, assetStore(1001n))))
    expect(denialOf(exit1)).toMatchObject({ reason: "quota_exceeded", dimension: "storage", used: 0n, requested: 1001n, limit: 1000n })
    const ok = await run(Effect.gen(function*() {
      const q = yield* QuotaStore
      const r = yield* q.reserve(userId, assetStore(1000n))
      yield* q.commit(r, { ...NO_USAGE, storageBytes: 1000n })
      return (yield* q.snapshot(userId)).committed.storageBytes
    }))
    expect(ok).toBe(1000n)
    const exit2 = await rt.runPromiseExit(Effect.flatMap(QuotaStore, (q) => q.reserve(userId, assetStore(1n))))
    expect(denialOf(exit2)).toMatchObject({ reason: "quota_exceeded", dimension: "storage", used: 1000n, requested: 1n, limit: 1000n })
  })

  it("a crashed holder's reservation expires and no later request is refused because of it", async () => {
    const { userId } = await newUser("starter")
    // reserve all 1000 bytes and never commit nor release (as if the process died): no keep-alive either
    await run(Effect.flatMap(QuotaStore, (q) => q.reserve(userId, assetStore(1000n))))
    const refused = await rt.runPromiseExit(Effect.flatMap(QuotaStore, (q) => q.reserve(userId, assetStore(1n))))
    expect(denialOf(refused)).toMatchObject({ reason: "quota_exceeded", dimension: "storage" })
    await new Promise((r) => setTimeout(r, 1_150))
    const after = await run(Effect.gen(function*() {
      const q = yield* QuotaStore
      const r = yield* q.reserve(userId, assetStore(1000n))
      yield* q.release(r)
      return yield* q.snapshot(userId)
    }))
    expect(after.held.storageBytes).toBe(0n)
    expect(after.committed.storageBytes).toBe(0n)
  })

  it("a crash after the ledger write but before the Redis commit is counted when the reservation expires", async () => {
    const { userId } = await newUser("starter")
    const res = await run(Effect.flatMap(QuotaStore, (q) => q.reserve(userId, assetStore(400n))))
    await run(Effect.flatMap(Database, (d) =>
      d.use((db) =>
        appendLedger(db, [{
          userId,
          period: res.period,
          occurredAt: new Date(),
          kind: "asset_store",
          opId: res.id,
          storageBytes: 400n
        }])
      )))
    await new Promise((r) => setTimeout(r, 1_150))
    const snap = await run(Effect.flatMap(QuotaStore, (q) => q.snapshot(userId)))
    expect(snap.committed.storageBytes).toBe(400n)
    expect(snap.held.storageBytes).toBe(0n)
  })

  it("a scoped reservation is released when its scope fails or is interrupted", async () => {
    const { userId } = await newUser("starter")
    const failing = Effect.scoped(Effect.gen(function*() {
      const q = yield* QuotaStore
      yield* q.reserveScoped(userId, assetStore(900n))
      return yield* Effect.fail("upload broke")
    }))
    await rt.runPromiseExit(failing)
    const interrupted = Effect.scoped(Effect.gen(function*() {
      const q = yield* QuotaStore
      yield* q.reserveScoped(userId, assetStore(900n))
      return yield* Effect.never
    })).pipe(Effect.timeout(50))
    await rt.runPromiseExit(interrupted)
    const snap = await run(Effect.flatMap(QuotaStore, (q) => q.snapshot(userId)))
    expect(snap.held.storageBytes).toBe(0n)
    expect(snap.committed.storageBytes).toBe(0n)
  })

  it("a brand-new tenant's burst of first requests loads it once and never overshoots", async () => {
    const { userId } = await newUser("starter") // 20 requests a month
    const one = Effect.gen(function*() {
      const q = yield* QuotaStore
      const r = yield* q.reserve(userId, cacheRequest)
      yield* q.commit(r, { ...NO_USAGE, requests: 1n })
      return true
    }).pipe(Effect.catchTag("QuotaDenied", () => Effect.succeed(false)))
    const results = await run(Effect.all(Array.from({ length: 60 }, () => one), { concurrency: "unbounded" }))
    expect(results.filter(Boolean).length).toBe(20)
    const snap = await run(Effect.flatMap(QuotaStore, (q) => q.snapshot(userId)))
    expect(snap.committed.requests).toBe(20n)
  })

  it("commits racing a month rollover land in the period they were reserved in: no increment lost", async () => {
    const { userId } = await newUser("pro") // 200 requests a month, 30000 bytes of bandwidth
    const startPeriod = periodOf(Date.now())
    const one = (i: number) =>
      Effect.gen(function*() {
        const q = yield* QuotaStore
        const r = yield* q.reserve(userId, bandwidth(100n))
        if (i === 20) clock.shift(32 * 86_400_000) // the month turns while these are in flight
        yield* Effect.sleep(Math.floor(Math.random() * 5))
        yield* q.commit(r, { ...NO_USAGE, bandwidthBytes: 100n })
        return r.period
      })
    const periods = await run(Effect.all(Array.from({ length: 40 }, (_, i) => one(i)), { concurrency: 8 }))
    const redis = await run(Effect.gen(function*() {
      const r = yield* RedisClient
      const k = tenantKeys(settings.keyPrefix, userId)
      const counted = new Map<string, bigint>()
      for (const p of new Set(periods)) {
        counted.set(p, BigInt((yield* r.run((c) => c.hget(k.period(p), "bandwidth"))) ?? "0"))
      }
      return counted
    }))
    const total = [...redis.values()].reduce((a, b) => a + b, 0n)
    expect(total).toBe(4000n)
    for (const p of new Set(periods)) {
      expect(redis.get(p)).toBe(BigInt(periods.filter((x) => x === p).length) * 100n)
    }
    expect(new Set(periods).size).toBe(2)
    expect(periods).toContain(startPeriod)
    // the new month starts from what was reserved in it, not from last month's total
    const snap = await run(Effect.flatMap(QuotaStore, (q) => q.snapshot(userId)))
    expect(snap.committed.bandwidthBytes).toBe(redis.get(snap.period))
    clock.set(Date.now())
  })

  it("a tier change made while the tenant is being loaded is not undone by the load's older read", async () => {
    const { userId } = await newUser("pro") // 10000 bytes; not loaded into Redis yet
    const k = tenantKeys(settings.keyPrefix, userId)
    await run(Effect.gen(function*() {
      // the change lands (PostgreSQL, then Redis) after a concurrent load read "pro" and before its script ran
      yield* (yield* QuotaStore).setTier(userId, "starter")
      yield* (yield* RedisClient).script("econHydrate", [k.state, k.period(periodOf(Date.now())), k.cacheSizes], [
        "pro",
        0n,
        0n,
        0n,
        "1",
        60
      ])
    }))
    const snap = await run(Effect.flatMap(QuotaStore, (q) => q.snapshot(userId)))
    expect(snap.tier).toBe("starter")
    const refused = await rt.runPromiseExit(Effect.flatMap(QuotaStore, (q) => q.reserve(userId, assetStore(1001n))))
    expect(denialOf(refused)).toMatchObject({ reason: "quota_exceeded", dimension: "storage" })
  })

  it("a tier change applies to the very next decision, both ways", async () => {
    const { userId } = await newUser("pro") // 10000 bytes
    await run(Effect.gen(function*() {
      const q = yield* QuotaStore
      const r = yield* q.reserve(userId, assetStore(5000n))
      yield* q.commit(r, { ...NO_USAGE, storageBytes: 5000n })
    }))
    await run(Effect.flatMap(Users, (u) => u.setTier(userId, "starter"))) // 1000 bytes
    const refused = await rt.runPromiseExit(Effect.flatMap(QuotaStore, (q) => q.reserve(userId, assetStore(1n))))
    expect(denialOf(refused)).toMatchObject({ reason: "quota_exceeded", dimension: "storage" })
    await run(Effect.flatMap(Users, (u) => u.setTier(userId, "business")))
    await run(Effect.flatMap(QuotaStore, (q) => q.reserve(userId, assetStore(1n))))
  })
})
