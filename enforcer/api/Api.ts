// The enforcer's HTTP API as data (effect/http-api): the routes, their inputs, bodies and errors. The server
// implements it (http/), the OpenAPI document and the /docs page are generated from it.
import * as Context from "effect/Context"
import * as Schema from "effect/Schema"
import { HttpApi, HttpApiEndpoint, HttpApiGroup, HttpApiMiddleware, HttpApiSchema, HttpApiSecurity, OpenApi } from "effect/http-api"
import { TIER_IDS } from "../../model/index.ts"
import {
  BadRequest,
  Conflict,
  Forbidden,
  InternalError,
  MultimodalNotInTier,
  NotFound,
  PayloadTooLarge,
  QuotaExceeded,
  ServiceUnavailable,
  Unauthorized
} from "./httpErrors.ts"
import {
  Alert,
  AssetInfo,
  CacheDeleted,
  CachePut,
  Health,
  JOB_NAMES,
  JobResult,
  MonthRow,
  NewUser,
  QuotaView,
  StoredAsset,
  UserInfo
} from "./schemas.ts"

/** The tenant a bearer API key belongs to. */
export class CurrentUser extends Context.Service<CurrentUser, { readonly userId: string }>()("enforcer/CurrentUser") {}

export class Auth extends HttpApiMiddleware.Service<Auth, { provides: CurrentUser }>()("enforcer/Auth", {
  security: { bearer: HttpApiSecurity.bearer },
  error: [Unauthorized, ServiceUnavailable]
}) {}

export class AdminAuth extends HttpApiMiddleware.Service<AdminAuth>()("enforcer/AdminAuth", {
  security: { bearer: HttpApiSecurity.bearer },
  error: [Unauthorized, Forbidden]
}) {}

/** Turns request decoding failures into a JSON 400 naming the field (the default 400 has no body). */
export class DecodeErrors extends HttpApiMiddleware.Service<DecodeErrors>()("enforcer/DecodeErrors", {
  error: BadRequest
}) {}

/** Every /api route may answer any of these: the one error mapping (http/httpFailure.ts) serves them all. */
const ApiErrors = [
  BadRequest,
  NotFound,
  PayloadTooLarge,
  QuotaExceeded,
  MultimodalNotInTier,
  Conflict,
  ServiceUnavailable,
  InternalError
] as const
const Tier = Schema.Literals(TIER_IDS)
const TtlQuery = Schema.optional(Schema.String.annotate({ description: "seconds (also as the X-Cache-TTL header)" }))

export const quotaGroup = HttpApiGroup.make("quota").add(
  HttpApiEndpoint.get("quota", "/api/v1/storage/quota", { success: QuotaView, error: ApiErrors })
).middleware(Auth).middleware(DecodeErrors)

export const cacheGroup = HttpApiGroup.make("cache").add(
  HttpApiEndpoint.get("lookup", "/api/v1/cache/lookup", {
    query: { cache_key: Schema.String },
    success: AssetInfo,
    error: ApiErrors
  }),
  HttpApiEndpoint.put("put", "/api/v1/cache/:key", {
    params: { key: Schema.String },
    query: { ttl: TtlQuery },
    payload: Schema.String.pipe(HttpApiSchema.asText()),
    success: CachePut,
    error: ApiErrors
  }),
  HttpApiEndpoint.get("get", "/api/v1/cache/:key", {
    params: { key: Schema.String },
    success: Schema.String.pipe(HttpApiSchema.asText()),
    error: ApiErrors
  }),
  HttpApiEndpoint.delete("delete", "/api/v1/cache/:key", {
    params: { key: Schema.String },
    success: CacheDeleted,
    error: ApiErrors
  })
).middleware(Auth).middleware(DecodeErrors)

export const assetsGroup = HttpApiGroup.make("assets").add(
  HttpApiEndpoint.post("store", "/api/v1/assets", {
    query: { ttl: TtlQuery },
    payload: HttpApiSchema.StreamUint8Array({ contentType: "application/octet-stream" }),
    success: StoredAsset.pipe(HttpApiSchema.status(201)),
    error: ApiErrors
  }),
  HttpApiEndpoint.get("download", "/api/v1/assets/:id", {
    params: { id: Schema.String },
    success: HttpApiSchema.StreamUint8Array(),
    error: ApiErrors
  }),
  HttpApiEndpoint.head("info", "/api/v1/assets/:id", {
    params: { id: Schema.String },
    error: ApiErrors
  }),
  HttpApiEndpoint.delete("delete", "/api/v1/assets/:id", {
    params: { id: Schema.String },
    error: ApiErrors
  })
).middleware(Auth).middleware(DecodeErrors)

export const adminGroup = HttpApiGroup.make("admin").add(
  HttpApiEndpoint.post("addUser", "/admin/v1/users", {
    payload: Schema.Struct({ tier: Tier }),
    success: NewUser.pipe(HttpApiSchema.status(201)),
    error: ApiErrors
  }),
  HttpApiEndpoint.get("listUsers", "/admin/v1/users", { success: Schema.Array(UserInfo), error: ApiErrors }),
  HttpApiEndpoint.put("setTier", "/admin/v1/users/:id/tier", {
    params: { id: Schema.String },
    payload: Schema.Struct({ tier: Tier }),
    success: Schema.Struct({ user_id: Schema.String, tier: Schema.String, previous: Schema.String }),
    error: ApiErrors
  }),
  HttpApiEndpoint.post("revoke", "/admin/v1/users/:id/revoke", {
    params: { id: Schema.String },
    success: Schema.Struct({ user_id: Schema.String, revoked_keys: Schema.Number }),
    error: ApiErrors
  }),
  HttpApiEndpoint.get("monthly", "/admin/v1/reports/monthly", {
    success: Schema.Struct({ months: Schema.Array(MonthRow) }),
    error: ApiErrors
  }),
  HttpApiEndpoint.get("alerts", "/admin/v1/alerts", {
    success: Schema.Struct({ threshold_pct: Schema.Number, alerts: Schema.Array(Alert) }),
    error: ApiErrors
  }),
  HttpApiEndpoint.post("job", "/admin/v1/jobs/:job", {
    params: { job: Schema.Literals(JOB_NAMES) },
    success: JobResult,
    error: ApiErrors
  })
).middleware(AdminAuth).middleware(DecodeErrors)

export const healthGroup = HttpApiGroup.make("health").add(
  HttpApiEndpoint.get("health", "/health", { success: Health, error: ApiErrors })
)

export const EnforcerApi = HttpApi.make("econ-enforcer")
  .add(quotaGroup)
  .add(cacheGroup)
  .add(assetsGroup)
  .add(adminGroup)
  .add(healthGroup)
  .annotate(OpenApi.Title, "AgentCache quota enforcer")
  .annotate(OpenApi.Version, "0.1.0")
  .annotate(
    OpenApi.Description,
    "Applies the price sheet's tier limits live: text cache in Redis, assets in S3, usage in PostgreSQL. " +
      "Errors are JSON { error, message, ... }; bytes are exact integers, 1 MB = 10^6 bytes, 1 GB = 10^9 bytes."
  )
