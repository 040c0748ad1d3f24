// Multimodal cache lookup: a counted cache request (group-committed); a hit updates the hit count and last access,
// best-effort once the request is counted (the answer must match what was charged).
import * as Effect from "effect/Effect"
import { cacheRequest } from "../../../model/index.ts"
import { findAssetByCacheKey, recordAccess } from "../../db/assets.repository.ts"
import { type AssetDeps, type AssetMeta, isExpired, metaOf } from "./deps.ts"
import type { MetaCache } from "./metaCache.ts"

export const makeLookup = (d: AssetDeps, meta: MetaCache) => (userId: string, cacheKey: string) =>
  Effect.scoped(Effect.gen(function*() {
    const res = yield* d.quota.reserveScoped(userId, cacheRequest, { kind: "lookup", batch: d.recorder.batch(userId) })
    const now = yield* d.time.now
    // metadata from Redis; PostgreSQL answers when Redis lost it (and the hit refills it)
    let found: AssetMeta | undefined = yield* meta.read(userId, cacheKey)
    if (found === undefined) {
      const row = yield* d.database.use((db) => findAssetByCacheKey(db, userId, cacheKey))
      found = row === undefined ? undefined : metaOf(row)
    }
    const hit = found !== undefined && !isExpired(found, now) ? found : undefined
    // counted durably (group commit): from here on the answer is what was billed, so what follows is best-effort
    yield* d.recorder.count(res, now, "lookup", { assetId: hit?.assetId ?? null })
    if (hit === undefined) return undefined
    const updated: AssetMeta = { ...hit, hitCount: hit.hitCount + 1n, lastAccessed: new Date(now) }
    yield* meta.hit(userId, updated, now)
    yield* d.database.use((db) => recordAccess(db, hit.assetId, new Date(now), true)).pipe(
      Effect.catch((e) => Effect.logWarning(`hit of ${hit.assetId} not recorded: ${e.message}`))
    )
    return updated
  }))
