// Multimodal cache lookup: a counted cache request (billed and counted together, or neither); a hit updates the hit
// count and last access, best-effort once the request is billed (the answer must match what was charged).
import * as Effect from "effect/Effect"
import { cacheRequest, NO_USAGE } from "../../../model/index.ts"
import { findAssetByCacheKey, recordAccess } from "../../db/assets.repository.ts"
import { appendLedger } from "../../db/ledger.repository.ts"
import { billOnce } from "../billOnce.ts"
import { type AssetDeps, type AssetMeta, isExpired, metaOf } from "./deps.ts"
import type { MetaCache } from "./metaCache.ts"

export const makeLookup = (d: AssetDeps, meta: MetaCache) => (userId: string, cacheKey: string) =>
  Effect.scoped(Effect.gen(function*() {
    const res = yield* d.quota.reserveScoped(userId, cacheRequest, { kind: "lookup" })
    const now = yield* d.time.now
    // metadata from Redis; PostgreSQL answers when Redis lost it (and the hit refills it)
    let found: AssetMeta | undefined = yield* meta.read(userId, cacheKey)
    if (found === undefined) {
      const row = yield* d.database.use((db) => findAssetByCacheKey(db, userId, cacheKey))
      found = row === undefined ? undefined : metaOf(row)
    }
    const hit = found !== undefined && !isExpired(found, now) ? found : undefined
    yield* billOnce(d, res, { ...NO_USAGE, requests: 1n }, (db) =>
      appendLedger(db, [{
        userId,
        period: res.period,
        occurredAt: new Date(now),
        kind: "lookup",
        opId: res.id,
        requests: 1n,
        assetId: hit?.assetId ?? null
      }]))
    if (hit === undefined) return undefined
    const updated: AssetMeta = { ...hit, hitCount: hit.hitCount + 1n, lastAccessed: new Date(now) }
    yield* meta.hit(userId, updated, now)
    yield* d.database.use((db) => recordAccess(db, hit.assetId, new Date(now), true)).pipe(
      Effect.catch((e) => Effect.logWarning(`hit of ${hit.assetId} not recorded: ${e.message}`))
    )
    return updated
  }))
