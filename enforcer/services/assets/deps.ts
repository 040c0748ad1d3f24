// What every asset operation works with: the stores, the quota, the clock, and the shapes they exchange.
import * as Effect from "effect/Effect"
import { EnforcerConfig } from "../../config/EnforcerConfig.ts"
import type { AssetRow } from "../../db/assets.repository.ts"
import { Database } from "../../db/Database.ts"
import { PriceSheet } from "../../quota/PriceSheet.ts"
import { QuotaStore } from "../../quota/QuotaStore.ts"
import { TimeSource } from "../../quota/TimeSource.ts"
import { UsageRecorder } from "../../quota/UsageRecorder.ts"
import { tenantKeys } from "../../redis/keys.ts"
import { RedisClient } from "../../redis/RedisClient.ts"
import { ObjectStore } from "../../s3/ObjectStore.ts"

export interface StoredAsset {
  readonly asset_id: string
  readonly size_bytes: number
  readonly content_hash: string
  readonly deduplicated: boolean
}

export interface StoreRequest {
  readonly contentType: string
  readonly cacheKey: string
  readonly ttlSeconds: number | undefined
  readonly idempotencyKey: string | undefined
  readonly contentLength: bigint | undefined
}

/** An asset as its tenant sees it: where it is stored stays inside the service. */
export type AssetMeta = Omit<AssetRow, "userId" | "bucket" | "objectKey">

export const metaOf = (a: AssetRow): AssetMeta => ({
  assetId: a.assetId,
  sizeBytes: a.sizeBytes,
  contentHash: a.contentHash,
  mimeType: a.mimeType,
  cacheKey: a.cacheKey,
  hitCount: a.hitCount,
  lastAccessed: a.lastAccessed,
  ttlExpiresAt: a.ttlExpiresAt,
  createdAt: a.createdAt,
  storageClass: a.storageClass
})

export const isExpired = (a: { readonly ttlExpiresAt: Date | null }, now: number) =>
  a.ttlExpiresAt !== null && a.ttlExpiresAt.getTime() <= now

export const assetDeps = Effect.gen(function*() {
  const config = yield* EnforcerConfig
  return {
    config,
    quota: yield* QuotaStore,
    database: yield* Database,
    redis: yield* RedisClient,
    objects: yield* ObjectStore,
    sheet: yield* PriceSheet,
    time: yield* TimeSource,
    recorder: yield* UsageRecorder,
    keysOf: (userId: string) => tenantKeys(config.keyPrefix, userId)
  }
})

export type AssetDeps = Effect.Success<typeof assetDeps>
