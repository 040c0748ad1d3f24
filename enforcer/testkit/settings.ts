// Test settings: each test file gets its own Redis key prefix, temp dirs, and its own database (in-memory PGlite,
// and a fresh schema on the machine's PostgreSQL, TEST_DATABASE_URL or the README's server), so parallel files never collide.
import { randomBytes } from "node:crypto"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Redacted from "effect/Redacted"
import { Cluster, Redis } from "ioredis"
import { type DatabaseConfig, defaultSettings, type EnforcerSettings } from "../config/EnforcerConfig.ts"

export const REDIS_URL = process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379"
/**
 * The PostgreSQL server the suite runs against besides PGlite: the README's documented server unless told otherwise.
 * Never skipped in silence: when it is down, the server variants fail, naming the URL.
 */
export const TEST_DATABASE_URL = process.env["TEST_DATABASE_URL"] || "postgres://postgres@127.0.0.1:5432/test"

/**
 * The local Redis Cluster the race tests also run against (`.ci/redis-cluster` starts three masters on 7101–7103;
 * `.ci/run` does it for CI). Like the PostgreSQL server, never skipped in silence: when it is down, the cluster
 * variants fail, naming the nodes.
 */
export const REDIS_CLUSTER_NODES: ReadonlyArray<string> = (process.env["REDIS_CLUSTER_NODES"] ||
  "127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103").split(",").map((n) => n.trim()).filter((n) => n !== "")

export interface RedisVariant {
  readonly name: "redis" | "cluster"
  readonly settings: Partial<EnforcerSettings>
}

export const SINGLE_REDIS: RedisVariant = { name: "redis", settings: {} }
export const REDIS_CLUSTER: RedisVariant = { name: "cluster", settings: { redisClusterNodes: REDIS_CLUSTER_NODES } }
/** One Redis and the shared Redis Cluster: the fault tests that also run on the cluster (keys are per-test prefixes). */
export const REDIS_VARIANTS: ReadonlyArray<RedisVariant> = [SINGLE_REDIS, REDIS_CLUSTER]

export const uniqueId = (label: string) => `${label}_${randomBytes(5).toString("hex")}`

export interface DbVariant {
  readonly name: "pglite" | "postgres"
  readonly config: () => DatabaseConfig
}

/** PGlite and the PostgreSQL server, always (PGlite alone proves nothing about races). */
export const DB_VARIANTS: ReadonlyArray<DbVariant> = [
  { name: "pglite", config: () => ({ _tag: "Memory" }) },
  {
    name: "postgres",
    config: (): DatabaseConfig => ({ _tag: "Server", url: Redacted.make(TEST_DATABASE_URL), schema: uniqueId("t") })
  }
]

/** Where the race tests run: each database on one Redis, and the PostgreSQL server on the Redis Cluster. */
export const STORE_VARIANTS: ReadonlyArray<{ readonly name: string; readonly db: DbVariant; readonly redis: RedisVariant }> = [
  ...DB_VARIANTS.map((db) => ({ name: db.name, db, redis: SINGLE_REDIS })),
  { name: "postgres on the redis cluster", db: DB_VARIANTS[1]!, redis: REDIS_CLUSTER }
]

export const testSettings = (overrides: Partial<EnforcerSettings> = {}): EnforcerSettings => {
  const dataDir = mkdtempSync(join(tmpdir(), "econ-test-"))
  return {
    ...defaultSettings(dataDir),
    port: 0,
    redisUrl: Redacted.make(REDIS_URL),
    keyPrefix: uniqueId("econtest"),
    database: { _tag: "Memory" },
    s3: { _tag: "Embedded", dir: join(dataDir, "s3"), bucket: "econ-test" },
    adminToken: Redacted.make("test-admin-token-0123456789"),
    reservationTtlMs: 3_000,
    partSizeBytes: 64 * 1024,
    uploadGrantBytes: 100_000n,
    jobsIntervalMs: 0,
    ...overrides
  }
}

/** Delete a test's Redis keys (SCAN, never KEYS) so repeated local runs do not pile them up. */
export const dropRedisPrefix = async (prefix: string, clusterNodes?: ReadonlyArray<string>): Promise<void> => {
  const dropOn = async (r: Redis) => {
    let cursor = "0"
    do {
      const [next, keys] = await r.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000)
      // one key per DEL: keys of different slots cannot share a command on a cluster node
      if (keys.length > 0) await Promise.all(keys.map((k) => r.del(k)))
      cursor = next
    } while (cursor !== "0")
  }
  const conn = clusterNodes !== undefined && clusterNodes.length > 0
    ? new Cluster(clusterNodes.map((n) => ({ host: n.split(":")[0]!, port: Number(n.split(":")[1]) })), {
      lazyConnect: true,
      redisOptions: { commandTimeout: 5_000, connectTimeout: 5_000 },
      clusterRetryStrategy: () => null
    })
    : new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, commandTimeout: 5_000 })
  conn.on("error", () => undefined)
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    const drop = async () => {
      await conn.connect()
      if (conn instanceof Cluster) await Promise.all(conn.nodes("master").map(dropOn))
      else await dropOn(conn)
    }
    // a node a failed test left dead or blackholed must not hold the cleanup: the client can wait on it for good
    // (a cluster whose ready check went to a blackholed node never settles its connect)
    await Promise.race([drop().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, 15_000)))])
  } catch {
    // best effort: a test's cleanup must not fail the test
  } finally {
    clearTimeout(timer)
    conn.disconnect()
  }
}
