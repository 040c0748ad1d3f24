// The HTTP error bodies: always JSON `{ "error": code, "message": … }` plus the data a client acts on. A client's
// mistake is a 4xx; an unreachable store is a 503 (fail closed, retry later), never an allow.
import * as Schema from "effect/Schema"
import { DIMENSIONS } from "../../model/index.ts"

export class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", {
  error: Schema.String,
  message: Schema.String,
  field: Schema.optional(Schema.String)
}, { httpApiStatus: 400 }) {}

export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", {
  error: Schema.Literal("unauthorized"),
  message: Schema.String
}, { httpApiStatus: 401 }) {}

export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", {
  error: Schema.Literal("forbidden"),
  message: Schema.String
}, { httpApiStatus: 403 }) {}

export class QuotaExceeded extends Schema.TaggedError<QuotaExceeded>()("QuotaExceeded", {
  error: Schema.Literal("quota_exceeded"),
  dimension: Schema.Literals(DIMENSIONS),
  tier: Schema.String,
  /** usage at the decision, in flight included; bytes for byte dimensions, a count for requests */
  used: Schema.Number,
  limit: Schema.Number,
  requested: Schema.Number,
  used_bytes: Schema.optional(Schema.Number),
  limit_bytes: Schema.optional(Schema.Number),
  requested_bytes: Schema.optional(Schema.Number),
  upgrade_tier: Schema.NullOr(Schema.String),
  upgrade_url: Schema.String,
  message: Schema.String
}, { httpApiStatus: 403 }) {}

export class MultimodalNotInTier extends Schema.TaggedError<MultimodalNotInTier>()("MultimodalNotInTier", {
  error: Schema.Literal("multimodal_not_in_tier"),
  tier: Schema.String,
  upgrade_tier: Schema.NullOr(Schema.String),
  upgrade_url: Schema.String,
  message: Schema.String
}, { httpApiStatus: 403 }) {}

export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", {
  error: Schema.Literal("not_found"),
  message: Schema.String
}, { httpApiStatus: 404 }) {}

export class Conflict extends Schema.TaggedError<Conflict>()("Conflict", {
  error: Schema.String,
  message: Schema.String
}, { httpApiStatus: 409 }) {}

export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>()("PayloadTooLarge", {
  error: Schema.Literal("payload_too_large"),
  message: Schema.String,
  limit_bytes: Schema.Number
}, { httpApiStatus: 413 }) {}

export class ServiceUnavailable extends Schema.TaggedError<ServiceUnavailable>()("ServiceUnavailable", {
  error: Schema.Literal("unavailable"),
  message: Schema.String,
  retry_after_seconds: Schema.Number
}, { httpApiStatus: 503 }) {}

export class InternalError extends Schema.TaggedError<InternalError>()("InternalError", {
  error: Schema.Literal("internal"),
  message: Schema.String
}, { httpApiStatus: 500 }) {}

export const unavailable = (message: string) =>
  new ServiceUnavailable({ error: "unavailable", message, retry_after_seconds: 1 })
