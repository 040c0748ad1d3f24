// The Redis key layout. Every key of a tenant carries the hash tag `{userId}`, so all keys one script touches sit in
// one slot and the layout runs on Redis Cluster unchanged.
export interface TenantKeys {
  /** HASH hydrated, tier, ver (bumped by anything that raises usage), cseq (bumped by commits), storage, redis */
  readonly state: string
  /** HASH requests, bandwidth of one billing period ("2026-11"): a new month is a new key, so nothing is reset */
  readonly period: (period: string) => string
  /** HASH reservation id → "period|requests|redis|storage|bandwidth|kind" */
  readonly resv: string
  /** ZSET reservation id → expiry (epoch ms) */
  readonly resvExp: string
  /** STRING marker that a reservation was committed (a retried commit must not count twice) */
  readonly done: (reservationId: string) => string
  /** STRING text cache entry (PX ttl) */
  readonly cacheEntry: (cacheKey: string) => string
  readonly cachePrefix: string
  /** HASH cache key → bytes; ZSET cache key → expiry (epoch ms): expired entries give their bytes back */
  readonly cacheSizes: string
  readonly cacheExp: string
  /** HASH asset metadata */
  readonly asset: (assetId: string) => string
  /** STRING cache key → newest asset id (multimodal lookup) */
  readonly assetByCacheKey: (cacheKey: string) => string
  /** STRING held while a request with this Idempotency-Key runs (PX, so a crash frees it) */
  readonly idempotencyLock: (key: string) => string
}

export const tenantKeys = (prefix: string, userId: string): TenantKeys => {
  const t = `${prefix}:{${userId}}`
  return {
    state: `${t}:state`,
    period: (p) => `${t}:p:${p}`,
    resv: `${t}:resv`,
    resvExp: `${t}:resvexp`,
    done: (id) => `${t}:done:${id}`,
    cacheEntry: (k) => `${t}:c:${k}`,
    cachePrefix: `${t}:c:`,
    cacheSizes: `${t}:csize`,
    cacheExp: `${t}:cexp`,
    asset: (id) => `${t}:a:${id}`,
    assetByCacheKey: (k) => `${t}:ck:${k}`,
    idempotencyLock: (k) => `${t}:idem:${k}`
  }
}

/** Period hashes outlive their month long enough for reports and late commits. */
export const PERIOD_TTL_SECONDS = 100 * 86_400
/** Commit markers only need to outlive a client's retries. */
export const DONE_TTL_SECONDS = 86_400
