// The Redis connection: fails fast while Redis is away (no offline queue, no silent retries) so that callers fail
// closed with 503, and reconnects by itself in the background so that service resumes when Redis returns.
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { Redis } from "ioredis"
import { EnforcerConfig, redactUrl } from "../config/EnforcerConfig.ts"
import { RedisUnavailable } from "../errors.ts"
import { SCRIPTS, type ScriptName } from "./scripts.ts"

export interface RedisShape {
  readonly client: Redis
  readonly run: <A>(f: (r: Redis) => Promise<A>) => Effect.Effect<A, RedisUnavailable>
  /** Run one of the Lua scripts of scripts.ts (EVALSHA, loaded on first use). */
  readonly script: (name: ScriptName, keys: ReadonlyArray<string>, args: ReadonlyArray<string | number | bigint>) =>
    Effect.Effect<unknown, RedisUnavailable>
  /** Release a lock taken with SET NX under `token`, only if it is still ours. */
  readonly unlock: (key: string, token: string) => Effect.Effect<void, RedisUnavailable>
}

export class RedisClient extends Context.Service<RedisClient, RedisShape>()("enforcer/RedisClient") {
  static readonly layer = Layer.effect(
    RedisClient,
    Effect.gen(function*() {
      const config = yield* EnforcerConfig
      const client = yield* Effect.acquireRelease(
        connectRedis(Redacted.value(config.redisUrl)),
        (r) => Effect.promise(() => r.quit().then(() => undefined, () => r.disconnect()))
      )
      return makeRedisShape(client)
    })
  )
}

export const makeRedisShape = (client: Redis): RedisShape => {
  const run = <A>(f: (r: Redis) => Promise<A>) =>
    Effect.tryPromise({
      try: () => f(client),
      catch: (cause) =>
        new RedisUnavailable({ message: `redis: ${cause instanceof Error ? cause.message : String(cause)}` })
    })
  const script: RedisShape["script"] = (name, keys, args) =>
    run((r) =>
      (r as unknown as Record<string, (...a: Array<string>) => Promise<unknown>>)[name]!(
        ...keys,
        ...args.map(String)
      )
    )
  return {
    client,
    run,
    script,
    unlock: (key, token) => Effect.asVoid(script("econUnlock", [key], [token]))
  }
}

/** The one line printed when Redis cannot be reached at start. */
export const redisFixHint = (url: string) =>
  `cannot reach Redis at ${redactUrl(url)}: start one (redis-server, or docker run -p 6379:6379 redis:7) or set REDIS_URL`

export const connectRedis = (url: string): Effect.Effect<Redis, RedisUnavailable> =>
  Effect.tryPromise({
    try: async () => {
      const r = new Redis(url, {
        lazyConnect: true,
        // a command sent while disconnected fails at once instead of waiting in a queue: fail closed, fast
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        connectTimeout: 2_000,
        commandTimeout: 2_000,
        // keep reconnecting forever in the background: service comes back by itself when Redis does
        retryStrategy: (times) => Math.min(50 * times, 500)
      })
      r.on("error", () => undefined) // surfaced per command as RedisUnavailable; avoid "Unhandled error event"
      for (const [name, lua] of Object.entries(SCRIPTS)) {
        r.defineCommand(name, { numberOfKeys: lua.keys, lua: lua.source })
      }
      try {
        await r.connect()
        await r.ping()
      } catch (e) {
        r.disconnect()
        throw e
      }
      return r
    },
    catch: (cause) =>
      new RedisUnavailable({
        message: `${redisFixHint(url)} (${cause instanceof Error ? cause.message : String(cause)})`
      })
  })
