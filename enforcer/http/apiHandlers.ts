// Handlers of the tenant API (/api/v1): each parses its input, calls one service, and maps failures with `guard`.
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { HttpServerResponse } from "effect/http"
import { HttpApiBuilder } from "effect/http-api"
import { CurrentUser, EnforcerApi } from "../api/Api.ts"
import { NotFound } from "../api/httpErrors.ts"
import { EnforcerConfig } from "../config/EnforcerConfig.ts"
import { InvalidRequest } from "../errors.ts"
import { PriceSheet } from "../quota/PriceSheet.ts"
import { type AssetMeta, Assets } from "../services/Assets.ts"
import { Reports } from "../services/Reports.ts"
import { TextCache } from "../services/TextCache.ts"
import { AuthLive, DecodeErrorsLive } from "./auth.ts"
import { guard } from "./httpFailure.ts"
import {
  cacheKey,
  contentLength,
  contentType,
  idempotencyKey,
  issuedId,
  readText,
  textCacheKey,
  ttlSeconds
} from "./requestInput.ts"

const assetInfo = (m: AssetMeta) => ({
  asset_id: m.assetId,
  size_bytes: Number(m.sizeBytes),
  content_hash: m.contentHash,
  content_type: m.mimeType,
  cache_key: m.cacheKey,
  hit_count: Number(m.hitCount),
  last_accessed: m.lastAccessed.toISOString(),
  created_at: m.createdAt.toISOString(),
  expires_at: m.ttlExpiresAt === null ? null : m.ttlExpiresAt.toISOString(),
  storage_class: m.storageClass,
  url: `/api/v1/assets/${m.assetId}`
})

const assetHeaders = (m: AssetMeta) => ({
  etag: `"${m.contentHash}"`,
  "x-content-sha256": m.contentHash,
  "x-cache-key": m.cacheKey
})

export const QuotaLive = HttpApiBuilder.group(EnforcerApi, "quota", (h) =>
  Effect.gen(function*() {
    const reports = yield* Reports
    const run = guard(yield* PriceSheet)
    return h.handle("quota", () => run(Effect.flatMap(CurrentUser, ({ userId }) => reports.quota(userId))))
  })).pipe(Layer.provide([AuthLive, DecodeErrorsLive]))

export const CacheLive = HttpApiBuilder.group(EnforcerApi, "cache", (h) =>
  Effect.gen(function*() {
    const cache = yield* TextCache
    const assets = yield* Assets
    const config = yield* EnforcerConfig
    const run = guard(yield* PriceSheet)
    return h
      .handle("lookup", ({ query }) =>
        run(Effect.gen(function*() {
          const { userId } = yield* CurrentUser
          const key = yield* cacheKey(query.cache_key, "cache_key")
          const hit = yield* assets.lookup(userId, key)
          if (hit === undefined) {
            return yield* new NotFound({ error: "not_found", message: `no asset cached under ${JSON.stringify(key)}` })
          }
          return assetInfo(hit)
        })))
      .handleRaw("put", ({ params, query, request }) =>
        run(Effect.gen(function*() {
          const { userId } = yield* CurrentUser
          const key = yield* textCacheKey(params.key)
          const ttl = yield* ttlSeconds(request, query.ttl)
          const text = yield* readText(request, config.maxCacheEntryBytes)
          const r = yield* cache.put(userId, key, text, ttl)
          return { key, size_bytes: Number(r.sizeBytes), ttl_seconds: r.ttlSeconds, expires_at: r.expiresAt.toISOString() }
        })))
      .handle("get", ({ params }) =>
        run(Effect.gen(function*() {
          const { userId } = yield* CurrentUser
          const key = yield* textCacheKey(params.key)
          const value = yield* cache.get(userId, key)
          if (value === undefined) {
            return yield* new NotFound({ error: "not_found", message: `no cache entry ${JSON.stringify(key)} (missing or expired)` })
          }
          return value
        })))
      .handle("delete", ({ params }) =>
        run(Effect.gen(function*() {
          const { userId } = yield* CurrentUser
          const key = yield* textCacheKey(params.key)
          return { key, deleted: yield* cache.remove(userId, key) }
        })))
  })).pipe(Layer.provide([AuthLive, DecodeErrorsLive]))

export const AssetsLive = HttpApiBuilder.group(EnforcerApi, "assets", (h) =>
  Effect.gen(function*() {
    const assets = yield* Assets
    const run = guard(yield* PriceSheet)
    return h
      .handleRaw("store", ({ query, request }) =>
        run(Effect.gen(function*() {
          const { userId } = yield* CurrentUser
          // everything is checked before a byte is read or a unit reserved
          const type = yield* contentType(request)
          const key = yield* cacheKey(request.headers["x-cache-key"], "X-Cache-Key")
          const ttl = yield* ttlSeconds(request, query.ttl)
          const idem = yield* idempotencyKey(request)
          const length = yield* contentLength(request)
          const body = request.stream.pipe(
            Stream.mapError(() =>
              new InvalidRequest({ code: "body_aborted", field: "body", message: "the request body ended before its end" })
            )
          )
          const out = yield* assets.store(userId, {
            contentType: type,
            cacheKey: key,
            ttlSeconds: ttl,
            idempotencyKey: idem,
            contentLength: length
          }, body)
          return HttpServerResponse.jsonUnsafe(out.result, {
            status: 201,
            headers: { location: `/api/v1/assets/${out.result.asset_id}`, ...(out.replayed ? { "idempotent-replayed": "true" } : {}) }
          })
        })))
      .handle("download", ({ params }) =>
        run(Effect.gen(function*() {
          const { userId } = yield* CurrentUser
          const { meta, body } = yield* assets.download(userId, yield* issuedId(params.id, "asset"))
          return HttpServerResponse.stream(body, {
            contentType: meta.mimeType,
            contentLength: Number(meta.sizeBytes),
            headers: assetHeaders(meta)
          })
        })))
      .handle("info", ({ params }) =>
        run(Effect.gen(function*() {
          const { userId } = yield* CurrentUser
          const meta = yield* assets.head(userId, yield* issuedId(params.id, "asset"))
          // HEAD reports the size without sending (or charging) a byte
          return HttpServerResponse.empty({
            status: 200,
            headers: { ...assetHeaders(meta), "content-type": meta.mimeType, "content-length": meta.sizeBytes.toString() }
          })
        })))
      .handle("delete", ({ params }) =>
        run(Effect.gen(function*() {
          const { userId } = yield* CurrentUser
          yield* assets.remove(userId, yield* issuedId(params.id, "asset"))
        })))
  })).pipe(Layer.provide([AuthLive, DecodeErrorsLive]))
