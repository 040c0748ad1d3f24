// Asset metadata kept in Redis for fast lookups by cache key. PostgreSQL stays the truth: a lost entry is re-read
// from it, and writes here are best-effort (a failure only costs the next lookup a database read).
import * as Effect from "effect/Effect"
import type { AssetDeps, AssetMeta } from "./deps.ts"

export const makeMetaCache = ({ redis, keysOf }: AssetDeps) => {
  const write = (userId: string, a: AssetMeta) =>
    redis.run(async (r) => {
      const k = keysOf(userId)
      await r.hset(k.asset(a.assetId), {
        size: a.sizeBytes.toString(),
        hash: a.contentHash,
        mime: a.mimeType,
        cache_key: a.cacheKey,
        created: String(a.createdAt.getTime()),
        expires: a.ttlExpiresAt === null ? "" : String(a.ttlExpiresAt.getTime()),
        hits: a.hitCount.toString(),
        last_access: String(a.lastAccessed.getTime())
      })
      await r.set(k.assetByCacheKey(a.cacheKey), a.assetId)
    }).pipe(Effect.ignore)

  const read = (userId: string, cacheKey: string) =>
    redis.run(async (r) => {
      const k = keysOf(userId)
      const id = await r.get(k.assetByCacheKey(cacheKey))
      if (id === null) return undefined
      const h = await r.hgetall(k.asset(id))
      if (!h["size"] || !h["hash"] || !h["mime"] || !h["created"]) return undefined
      return {
        assetId: id,
        sizeBytes: BigInt(h["size"]),
        contentHash: h["hash"],
        mimeType: h["mime"],
        cacheKey,
        hitCount: BigInt(h["hits"] ?? "0"),
        lastAccessed: new Date(Number(h["last_access"] ?? h["created"])),
        ttlExpiresAt: h["expires"] ? new Date(Number(h["expires"])) : null,
        createdAt: new Date(Number(h["created"])),
        storageClass: h["class"] === "cold" ? "cold" as const : "hot" as const
      } satisfies AssetMeta
    })

  /** A hit: count it on the cached entry (refilled from `updated` when Redis lost it). */
  const hit = (userId: string, updated: AssetMeta, now: number) =>
    Effect.gen(function*() {
      const refreshed = yield* redis.run(async (r) => {
        const k = keysOf(userId)
        if (!(await r.exists(k.asset(updated.assetId)))) return false
        await r.hincrby(k.asset(updated.assetId), "hits", 1)
        await r.hset(k.asset(updated.assetId), "last_access", String(now))
        return true
      }).pipe(Effect.orElseSucceed(() => true))
      if (!refreshed) yield* write(userId, updated)
    })

  const forget = (userId: string, assetId: string) =>
    redis.run((r) => r.del(keysOf(userId).asset(assetId))).pipe(Effect.ignore)

  return { write, read, hit, forget }
}

export type MetaCache = ReturnType<typeof makeMetaCache>
