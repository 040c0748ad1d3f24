// The Redis connection, to one server (REDIS_URL) or to a Redis Cluster (REDIS_CLUSTER_NODES): fails fast while Redis
// is away (no offline queue, no silent retries) so that callers fail closed with 503, and reconnects by itself in the
// background so that service resumes when Redis returns. Every key of a tenant carries its hash tag, so each script
// and transaction touches one slot and runs unchanged on a cluster.
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import { Cluster, Redis } from "ioredis"
import { EnforcerConfig, type EnforcerSettings, redactUrl } from "../config/EnforcerConfig.ts"
import { RedisUnavailable } from "../errors.ts"
import { SCRIPTS, type ScriptName } from "./scripts.ts"

/** One server or a cluster: the same commands (a cluster routes each by its key's slot). */
export type RedisConnection = Redis | Cluster

export interface RedisShape {
  readonly client: RedisConnection
  /** A Redis Cluster: a script call must keep to one slot (one tenant), where one server takes any keys at once. */
  readonly isCluster: boolean
  readonly run: <A>(f: (r: Redis) => Promise<A>) => Effect.Effect<A, RedisUnavailable>
  /** Run one of the Lua scripts of scripts.ts (EVALSHA, loaded on first use); calls made together share a write. */
  readonly script: (name: ScriptName, keys: ReadonlyArray<string>, args: ReadonlyArray<string | number | bigint>) =>
    Effect.Effect<unknown, RedisUnavailable>
  /** Several scripts sent at once, each answered on its own: one failing does not fail the others. */
  readonly scripts: (calls: ReadonlyArray<ScriptCall>) => Effect.Effect<ReadonlyArray<Result.Result<unknown, RedisUnavailable>>>
  /** Release a lock taken with SET NX under `token`, only if it is still ours. */
  readonly unlock: (key: string, token: string) => Effect.Effect<void, RedisUnavailable>
}

export interface ScriptCall {
  readonly name: ScriptName
  readonly keys: ReadonlyArray<string>
  readonly args: ReadonlyArray<string | number | bigint>
}

export class RedisClient extends Context.Service<RedisClient, RedisShape>()("enforcer/RedisClient") {
  static readonly layer = Layer.effect(
    RedisClient,
    Effect.gen(function*() {
      const config = yield* EnforcerConfig
      const client = yield* Effect.acquireRelease(
        connectRedisFor(config),
        (r) => Effect.promise(() => r.quit().then(() => undefined, () => r.disconnect()))
      )
      return makeRedisShape(client)
    })
  )
}

const unavailable = (cause: unknown) =>
  new RedisUnavailable({ message: `redis: ${cause instanceof Error ? cause.message : String(cause)}` })

type ScriptFn = (...a: Array<string>) => Promise<unknown>

interface Queued {
  readonly name: ScriptName
  readonly argv: ReadonlyArray<string>
  readonly resolve: (value: unknown) => void
  readonly reject: (error: unknown) => void
}

/**
 * Script calls made during one turn of the event loop leave in one write: they queue until the loop's check phase
 * (setImmediate), then go out as one pipeline. Under load the requests that arrived together (every socket read of
 * one poll) send their admissions in one system call instead of one each, and Redis reads them in one go; alone, a
 * call waits for nothing but the end of the current turn. Each call keeps its own answer, error and command timeout.
 * A cluster routes each call to its slot's node (a pipeline must stay on one node): there, each call goes on its own.
 */
const coalescing = (client: Redis) => {
  let queue: Array<Queued> = []
  const flush = () => {
    const calls = queue
    queue = []
    if (calls.length === 1) {
      const c = calls[0]!
      ;(client as unknown as Record<string, ScriptFn>)[c.name]!(...c.argv).then(c.resolve, c.reject)
      return
    }
    const pipeline = client.pipeline()
    for (const c of calls) (pipeline as unknown as Record<string, ScriptFn>)[c.name]!(...c.argv)
    pipeline.exec().then((replies) => {
      calls.forEach((c, i) => {
        const [error, value] = replies?.[i] ?? [new Error("no reply in the pipeline"), undefined]
        if (error) c.reject(error)
        else c.resolve(value)
      })
    }, (error: unknown) => {
      for (const c of calls) c.reject(error)
    })
  }
  return (name: ScriptName, argv: ReadonlyArray<string>) =>
    new Promise<unknown>((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush)
      queue.push({ name, argv, resolve, reject })
    })
}

export const makeRedisShape = (client: RedisConnection): RedisShape => {
  const run = <A>(f: (r: Redis) => Promise<A>) =>
    Effect.tryPromise({
      // a Cluster answers the same commands as one server (both are ioredis Commanders)
      try: () => f(client as Redis),
      catch: unavailable
    })
  const send = client instanceof Cluster
    ? (name: ScriptName, argv: ReadonlyArray<string>) => (client as unknown as Record<string, ScriptFn>)[name]!(...argv)
    : coalescing(client)
  const argsOf = (name: ScriptName, keys: ReadonlyArray<string>, args: ReadonlyArray<string | number | bigint>) => {
    // a script of a variable number of keys is told how many with each call
    const argv = SCRIPTS[name].keys === null ? [String(keys.length), ...keys] : keys.slice()
    for (const a of args) argv.push(String(a))
    return argv
  }
  const script: RedisShape["script"] = (name, keys, args) =>
    Effect.tryPromise({ try: () => send(name, argsOf(name, keys, args)), catch: unavailable })
  const scripts: RedisShape["scripts"] = (calls) =>
    Effect.promise(() =>
      Promise.all(calls.map((c) =>
        send(c.name, argsOf(c.name, c.keys, c.args)).then(
          (v) => Result.succeed(v),
          (e: unknown) => Result.fail(unavailable(e))
        )
      ))
    )
  return {
    client,
    isCluster: client instanceof Cluster,
    run,
    script,
    scripts,
    unlock: (key, token) => Effect.asVoid(script("econUnlock", [key], [token]))
  }
}

/** The one line printed when Redis cannot be reached at start. */
export const redisFixHint = (url: string) =>
  `cannot reach Redis at ${redactUrl(url)}: start one (redis-server, or docker run -p 6379:6379 redis:7) or set REDIS_URL`

/** The same fail-fast behaviour for one server and for each node of a cluster. */
const FAIL_FAST = {
  // a command sent while disconnected fails at once instead of waiting in a queue: fail closed, fast
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  connectTimeout: 2_000,
  commandTimeout: 2_000,
  // a command sent before its link broke may have run (only its reply was lost): it fails (503) and is never sent
  // again after reconnecting, since a script run twice counts twice
  autoResendUnfulfilledCommands: false
} as const

const defineScripts = (r: RedisConnection) => {
  r.on("error", () => undefined) // surfaced per command as RedisUnavailable; avoid "Unhandled error event"
  for (const [name, lua] of Object.entries(SCRIPTS)) r.defineCommand(name, { ...(lua.keys === null ? {} : { numberOfKeys: lua.keys }), lua: lua.source })
}

/** How long a cluster client may take to be ready at start (slots loaded, a node's CLUSTER INFO answered). */
const CLUSTER_READY_MS = 15_000

/**
 * A cluster client ready, or an error. Not its connect() alone: when the ready check goes to a node that does not
 * answer (blackholed), the client reconnects by itself, and may be ready a moment later, but that promise never
 * settles, and a start-up waiting on it hangs for good.
 */
const clusterReady = (c: Cluster) =>
  new Promise<void>((resolve, reject) => {
    const settle = (e?: unknown) => {
      clearTimeout(timer)
      c.off("ready", onReady)
      if (e === undefined) resolve()
      else reject(e)
    }
    const onReady = () => settle()
    const timer = setTimeout(() => settle(new Error(`not ready within ${CLUSTER_READY_MS / 1000} s`)), CLUSTER_READY_MS)
    c.once("ready", onReady)
    c.connect().then(() => settle(), settle)
  })

const connected = (r: RedisConnection, hint: string): Effect.Effect<RedisConnection, RedisUnavailable> =>
  Effect.tryPromise({
    try: async () => {
      try {
        // a cluster's ready check has asked a node already: a PING to another (random) one proves nothing more
        if (r instanceof Cluster) {
          await clusterReady(r)
          return r
        }
        // a connect that timed out ("Connection is closed": this process may be busy starting PGlite, which blocks its
        // event loop for seconds) is tried again, up to 3 times; a refused connection fails at once
        for (let attempt = 1;; attempt++) {
          try {
            await r.connect()
            break
          } catch (e) {
            const late = e instanceof Error && /closed|timed? ?out|timeout/i.test(e.message) && !/ECONNREFUSED/.test(e.message)
            if (attempt >= 3 || !late) throw e
            r.disconnect()
          }
        }
        // an answer late by more than the command timeout on a busy machine is not an absent Redis: ask up to 3 times
        for (let attempt = 1;; attempt++) {
          try {
            await r.ping()
            break
          } catch (e) {
            if (attempt >= 3 || !(e instanceof Error && /timed out/i.test(e.message))) throw e
          }
        }
      } catch (e) {
        r.disconnect()
        throw e
      }
      return r
    },
    catch: (cause) => new RedisUnavailable({ message: `${hint} (${cause instanceof Error ? cause.message : String(cause)})` })
  })

export const connectRedis = (url: string): Effect.Effect<Redis, RedisUnavailable> =>
  Effect.suspend(() => {
    const r = new Redis(url, {
      lazyConnect: true,
      ...FAIL_FAST,
      // keep reconnecting forever in the background: service comes back by itself when Redis does
      retryStrategy: (times) => Math.min(50 * times, 500)
    })
    defineScripts(r)
    return connected(r, redisFixHint(url)) as Effect.Effect<Redis, RedisUnavailable>
  })

/** `host:port` entries of REDIS_CLUSTER_NODES: any reachable node tells the client the rest of the cluster. */
export const connectCluster = (nodes: ReadonlyArray<string>): Effect.Effect<Cluster, RedisUnavailable> =>
  Effect.suspend(() => {
    const c = new Cluster(nodes.map((n) => {
      const i = n.lastIndexOf(":")
      return { host: n.slice(0, i), port: Number(n.slice(i + 1)) }
    }), {
      lazyConnect: true,
      enableOfflineQueue: false,
      scaleReads: "master",
      redisOptions: FAIL_FAST,
      clusterRetryStrategy: (times) => Math.min(50 * times, 500),
      // each node's connection reconnects by itself, like one server's: a command sent on a link that breaks then
      // fails for good ("max retries"), where a dropped node connection would fail it as "closed", which the client
      // sends again on a new link (it ran twice: an admission found its own reservation, a commit counted twice).
      // "Closed" is then only said of commands never sent (the node still connecting), which may be sent again
      clusterNodeRetryStrategy: (times) => Math.min(50 * times, 500)
    })
    defineScripts(c)
    return connected(c, `cannot reach the Redis Cluster at ${nodes.join(",")}: start it or fix REDIS_CLUSTER_NODES`) as Effect.Effect<
      Cluster,
      RedisUnavailable
    >
  })

/** The connection the settings name: a cluster when REDIS_CLUSTER_NODES is set, else REDIS_URL. */
export const connectRedisFor = (settings: EnforcerSettings): Effect.Effect<RedisConnection, RedisUnavailable> =>
  settings.redisClusterNodes !== undefined && settings.redisClusterNodes.length > 0
    ? connectCluster(settings.redisClusterNodes)
    : connectRedis(Redacted.value(settings.redisUrl))
