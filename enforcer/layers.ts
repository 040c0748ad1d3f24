// How the enforcer's services are wired: configuration and clock at the bottom, then the three stores (Redis,
// PostgreSQL, S3), then quota accounting, then the domain services the HTTP handlers and jobs use.
import * as Layer from "effect/Layer"
import { EnforcerConfig, type EnforcerSettings } from "./config/EnforcerConfig.ts"
import { Database } from "./db/Database.ts"
import { PriceSheet } from "./quota/PriceSheet.ts"
import { QuotaStore } from "./quota/QuotaStore.ts"
import { TimeSource } from "./quota/TimeSource.ts"
import { UsageRecorder } from "./quota/UsageRecorder.ts"
import { RedisClient } from "./redis/RedisClient.ts"
import { ObjectStore } from "./s3/ObjectStore.ts"
import { Assets } from "./services/Assets.ts"
import { Jobs } from "./services/Jobs.ts"
import { Reports } from "./services/Reports.ts"
import { TextCache } from "./services/TextCache.ts"
import { Users } from "./services/Users.ts"

export interface LayerOptions {
  /** Replace the live clock (tests that cross a month boundary). */
  readonly time?: Layer.Layer<TimeSource> | undefined
  /** Share an already-open database (two instances on one PGlite). */
  readonly database?: Layer.Layer<Database> | undefined
}

/** Everything but HTTP: what `serve`, the CLI's direct mode and the tests build on. */
export const enforcerLayer = (settings: EnforcerSettings, options: LayerOptions = {}) => {
  const base = Layer.mergeAll(EnforcerConfig.layer(settings), options.time ?? TimeSource.layer)
  const stores = Layer.mergeAll(
    RedisClient.layer,
    options.database ?? Database.layer,
    PriceSheet.layer,
    ObjectStore.layer
  ).pipe(Layer.provideMerge(base))
  const quota = UsageRecorder.layer.pipe(Layer.provideMerge(QuotaStore.layer.pipe(Layer.provideMerge(stores))))
  const domain = Layer.mergeAll(Users.layer, TextCache.layer, Assets.layer, Reports.layer).pipe(Layer.provideMerge(quota))
  return Jobs.layer.pipe(Layer.provideMerge(domain))
}

/** Only what the user commands need (no Redis, no S3): `econ users add|list` without a running service. */
export const databaseOnlyLayer = (settings: EnforcerSettings) =>
  Layer.mergeAll(Database.layer, PriceSheet.layer, TimeSource.layer).pipe(
    Layer.provideMerge(EnforcerConfig.layer(settings))
  )
