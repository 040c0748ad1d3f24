// Users and API keys: a key is shown once at creation and stored only as its SHA-256. A tier change is written to
// PostgreSQL (the truth) and then to Redis, where it invalidates every decision in flight.
import { createHash, randomBytes, randomUUID } from "node:crypto"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { formatMoney, roundMoney, type TierId, tierOf } from "../../model/index.ts"
import { EnforcerConfig } from "../config/EnforcerConfig.ts"
import { Database } from "../db/Database.ts"
import { createUser, findUserByKeyHash, listUsers, revokeKeys, setUserTier, type UserRow } from "../db/users.repository.ts"
import { type DatabaseError, type RedisUnavailable, UnknownUser } from "../errors.ts"
import { PriceSheet } from "../quota/PriceSheet.ts"
import { QuotaStore } from "../quota/QuotaStore.ts"
import { periodBounds, periodOf, TimeSource } from "../quota/TimeSource.ts"

/** A user as the admin API and `econ users list` show it (dates ISO 8601, only the key's prefix). */
export interface UserJson {
  readonly user_id: string
  readonly tier: string
  readonly created_at: string
  readonly period_start: string
  readonly period_end: string
  readonly key_prefix: string | null
}

export const userJson = (u: UserRow): UserJson => ({
  user_id: u.userId,
  tier: u.tier,
  created_at: u.createdAt.toISOString(),
  period_start: u.periodStart.toISOString(),
  period_end: u.periodEnd.toISOString(),
  key_prefix: u.keyPrefix
})

export interface NewUser {
  readonly userId: string
  readonly apiKey: string
  readonly tier: TierId
}

export interface UsersShape {
  readonly add: (tier: TierId) => Effect.Effect<NewUser, DatabaseError>
  readonly setTier: (
    userId: string,
    tier: TierId
  ) => Effect.Effect<{ readonly userId: string; readonly tier: TierId; readonly previous: TierId }, UnknownUser | DatabaseError | RedisUnavailable>
  readonly list: Effect.Effect<ReadonlyArray<UserRow>, DatabaseError>
  /** The user a bearer key belongs to, or undefined (unknown or revoked). */
  readonly authenticate: (apiKey: string) => Effect.Effect<string | undefined, DatabaseError>
  /**
   * Revoke every key of a user: refused at once by this instance, by others once their key cache lets go of it
   * (`keyCacheTtlMs`, 5 s by default).
   */
  readonly revoke: (userId: string) => Effect.Effect<{ readonly userId: string; readonly revokedKeys: number }, UnknownUser | DatabaseError>
}

export const hashApiKey = (key: string) => createHash("sha256").update(key, "utf8").digest("hex")

const newApiKey = () => `ak_${randomBytes(24).toString("base64url")}`

const priceOf = (sheet: typeof PriceSheet.Service, tier: TierId) => formatMoney(roundMoney(tierOf(sheet, tier).price))

/** Create a user with a fresh key; needs only PostgreSQL (the CLI runs it without Redis when no service is up). */
export const addUser = (tier: TierId): Effect.Effect<NewUser, DatabaseError, Database | PriceSheet | TimeSource> =>
  Effect.gen(function*() {
    const database = yield* Database
    const sheet = yield* PriceSheet
    const time = yield* TimeSource
    const now = yield* time.now
    const period = periodOf(now)
    const { start, end } = periodBounds(period)
    const userId = randomUUID()
    const apiKey = newApiKey()
    yield* database.use((db) =>
      createUser(db, {
        userId,
        tier,
        keyId: randomUUID(),
        keyHash: hashApiKey(apiKey),
        keyPrefix: apiKey.slice(0, 11),
        monthlyPrice: priceOf(sheet, tier),
        period,
        periodStart: start,
        periodEnd: end,
        now: new Date(now)
      })
    )
    return { userId, apiKey, tier }
  })

export class Users extends Context.Service<Users, UsersShape>()("enforcer/Users") {
  static readonly layer = Layer.effect(
    Users,
    Effect.gen(function*() {
      const database = yield* Database
      const sheet = yield* PriceSheet
      const time = yield* TimeSource
      const quota = yield* QuotaStore

      const config = yield* EnforcerConfig
      // bearer keys are checked on every request: the answer is remembered briefly, in a bounded map (the oldest
      // entry goes first), so that a revocation reaches every instance within keyCacheTtlMs
      const KEY_CACHE_MAX = 10_000
      const keyCache = new Map<string, { readonly userId: string; readonly at: number }>()

      const add: UsersShape["add"] = (tier) => addUser(tier).pipe(Effect.provideService(Database, database),
        Effect.provideService(PriceSheet, sheet), Effect.provideService(TimeSource, time))

      const setTier: UsersShape["setTier"] = (userId, tier) =>
        Effect.gen(function*() {
          const now = yield* time.now
          const r = yield* database.use((db) =>
            setUserTier(db, {
              userId,
              tier,
              monthlyPrice: priceOf(sheet, tier),
              period: periodOf(now),
              now: new Date(now),
              opId: `tier:${userId}:${randomUUID()}`
            })
          )
          if (r === undefined) return yield* new UnknownUser({ userId })
          // not loaded in Redis yet: the next request loads the new tier from PostgreSQL
          yield* quota.setTier(userId, tier)
          return { userId, tier, previous: r.previous }
        })

      const authenticate: UsersShape["authenticate"] = (apiKey) =>
        Effect.gen(function*() {
          const hash = hashApiKey(apiKey)
          const now = Date.now()
          const hit = keyCache.get(hash)
          if (hit && now - hit.at < config.keyCacheTtlMs) return hit.userId
          keyCache.delete(hash)
          const userId = yield* database.use((db) => findUserByKeyHash(db, hash))
          if (userId !== undefined && config.keyCacheTtlMs > 0) {
            if (keyCache.size >= KEY_CACHE_MAX) keyCache.delete(keyCache.keys().next().value!)
            keyCache.set(hash, { userId, at: now })
          }
          return userId
        })

      const revoke: UsersShape["revoke"] = (userId) =>
        Effect.gen(function*() {
          const now = yield* time.now
          const n = yield* database.use((db) => revokeKeys(db, userId, new Date(now)))
          if (n === undefined) return yield* new UnknownUser({ userId })
          // at once here: forget whatever this instance remembered of the user's keys
          for (const [hash, entry] of keyCache) if (entry.userId === userId) keyCache.delete(hash)
          return { userId, revokedKeys: n }
        })

      return { add, setTier, list: database.use(listUsers), authenticate, revoke }
    })
  )
}
