// Parsing what a request carries outside its JSON body: TTLs, cache keys, idempotency keys, sizes, text bodies.
// Each failure names the field and the fix, and happens before anything is reserved or written.
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { HttpServerRequest } from "effect/http/HttpServerRequest"
import { PayloadTooLarge } from "../api/httpErrors.ts"
import { InvalidRequest } from "../errors.ts"

const bad = (code: string, field: string, message: string) => new InvalidRequest({ code, field, message })

export const header = (request: HttpServerRequest, name: string): string | undefined => {
  const v = request.headers[name.toLowerCase()]
  return v === undefined || v === "" ? undefined : v
}

/** TTL in whole seconds from the query (`ttl`) or the `X-Cache-TTL` header; undefined when neither is given. */
export const ttlSeconds = (request: HttpServerRequest, query: string | undefined) =>
  Effect.suspend(() => {
    const text = query ?? header(request, "x-cache-ttl")
    if (text === undefined) return Effect.succeed(undefined)
    const n = Number(text)
    return /^\d{1,9}$/.test(text.trim()) && n >= 1
      ? Effect.succeed(n)
      : Effect.fail(bad("invalid_ttl", "ttl", `ttl must be a whole number of seconds ≥ 1, got ${JSON.stringify(text)}`))
  })

// printable ASCII without spaces or control characters: safe in Redis keys, logs and URLs
const KEY = /^[\x21-\x7e]{1,512}$/

export const cacheKey = (value: string | undefined, field: string) =>
  value !== undefined && KEY.test(value)
    ? Effect.succeed(value)
    : Effect.fail(bad(
      "invalid_cache_key",
      field,
      `${field} must be 1 to 512 printable ASCII characters without spaces${value === undefined ? " (it is missing)" : ""}`
    ))

/** A text cache key from the path; "lookup" is taken by GET /api/v1/cache/lookup, so it could not be read back. */
export const textCacheKey = (value: string | undefined) =>
  value === "lookup"
    ? Effect.fail(bad("invalid_cache_key", "key", `"lookup" is reserved for GET /api/v1/cache/lookup; choose another key`))
    : cacheKey(value, "key")

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/**
 * An id the service issued (assets, users): a lowercase UUID. Anything else (a NUL byte, a path, 10 KB of text) is
 * the client's mistake, answered before it reaches Redis or PostgreSQL.
 */
export const issuedId = (value: string, what: "asset" | "user", field = "id") =>
  UUID.test(value)
    ? Effect.succeed(value)
    : Effect.fail(bad(
      `invalid_${what}_id`,
      field,
      `${field} must be a ${what} id as the service issued it (a UUID such as 0b8f4c1e-5d2a-4c3b-9e7f-1a2b3c4d5e6f)`
    ))

export const idempotencyKey = (request: HttpServerRequest) =>
  Effect.suspend(() => {
    const v = header(request, "idempotency-key")
    if (v === undefined) return Effect.succeed(undefined)
    return /^[\x21-\x7e]{1,200}$/.test(v)
      ? Effect.succeed(v)
      : Effect.fail(bad("invalid_idempotency_key", "Idempotency-Key", "Idempotency-Key must be 1 to 200 printable ASCII characters"))
  })

const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(\s*;.*)?$/i

export const contentType = (request: HttpServerRequest) =>
  Effect.suspend(() => {
    const v = header(request, "content-type")
    return v !== undefined && MEDIA_TYPE.test(v.trim()) && v.length <= 255
      ? Effect.succeed(v.trim())
      : Effect.fail(bad(
        "invalid_content_type",
        "Content-Type",
        "Content-Type must name the asset's media type, e.g. image/png or model/gltf-binary"
      ))
  })

export const contentLength = (request: HttpServerRequest) =>
  Effect.suspend(() => {
    const v = header(request, "content-length")
    if (v === undefined) return Effect.succeed(undefined)
    return /^\d{1,18}$/.test(v) ? Effect.succeed(BigInt(v)) : Effect.fail(bad("invalid_content_length", "Content-Length", "bad Content-Length"))
  })

/** The body as UTF-8 text, read up to `maxBytes` (413 beyond, without reading the rest). */
export const readText = (request: HttpServerRequest, maxBytes: number) =>
  Effect.gen(function*() {
    const declared = header(request, "content-length")
    if (declared !== undefined && Number(declared) > maxBytes) {
      return yield* tooLarge(maxBytes)
    }
    const chunks: Array<Uint8Array> = []
    let total = 0
    yield* Stream.runForEach(request.stream, (chunk) => {
      total += chunk.length
      if (total > maxBytes) return Effect.fail(tooLarge(maxBytes))
      chunks.push(chunk)
      return Effect.void
    })
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks))
    } catch {
      return yield* bad("invalid_body", "body", "the cache entry must be UTF-8 text")
    }
  })

const tooLarge = (maxBytes: number) =>
  new PayloadTooLarge({
    error: "payload_too_large",
    message: `a cache entry may hold at most ${maxBytes} bytes; store larger content as an asset (POST /api/v1/assets)`,
    limit_bytes: maxBytes
  })
