// Two service instances on the same Redis, the same PostgreSQL and the same S3 (one s3rver on a free port, temp dir):
// what a horizontally scaled deployment looks like, in one test process.
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type { EnforcerSettings } from "../config/EnforcerConfig.ts"
import { Database, migrate, openDatabase } from "../db/Database.ts"
import type { TimeSource } from "../quota/TimeSource.ts"
import { startEmbeddedS3 } from "./s3Server.ts"
import { type RunningService, startService } from "./service.ts"
import type { DbVariant } from "./settings.ts"
import { dropRedisPrefix, testSettings } from "./settings.ts"

export interface Pair {
  readonly a: RunningService
  readonly b: RunningService
  readonly settings: EnforcerSettings
  readonly close: () => Promise<void>
}

/** An s3rver of the test's own, as the "remote" S3 of the services. */
export const sharedS3 = async (bucket = "econ-test") => {
  const dir = mkdtempSync(join(tmpdir(), "econ-s3-"))
  const s3 = await startEmbeddedS3({ directory: dir, port: 0, buckets: [bucket] })
  return {
    server: s3,
    dir,
    config: {
      _tag: "Remote" as const,
      endpoint: s3.endpoint,
      region: "us-east-1",
      bucket,
      accessKeyId: "S3RVER",
      secretAccessKey: Redacted.make("S3RVER")
    }
  }
}

export const startPair = async (
  variant: DbVariant,
  overrides: Partial<EnforcerSettings> = {},
  options: { readonly time?: Layer.Layer<TimeSource> } = {}
): Promise<Pair> => {
  const s3 = await sharedS3()
  const settings = testSettings({ ...overrides, database: variant.config(), s3: s3.config })
  let closeDb = async () => {}
  let database: Layer.Layer<Database> | undefined
  if (variant.name === "pglite") {
    // PGlite lives in one process: both instances share the one database object
    const opened = await Effect.runPromise(openDatabase({ _tag: "Memory" }))
    await Effect.runPromise(migrate(opened.db))
    database = Database.layerFrom(opened.db, "pglite")
    closeDb = opened.close
  }
  const a = await startService(settings, { ...options, ...(database ? { database } : {}) })
  const b = await startService(settings, { ...options, ...(database ? { database } : {}) })
  return {
    a,
    b,
    settings,
    close: async () => {
      await Promise.allSettled([a.close(), b.close()])
      await closeDb()
      await s3.server.close()
      await dropRedisPrefix(settings.keyPrefix, settings.redisClusterNodes)
    }
  }
}
