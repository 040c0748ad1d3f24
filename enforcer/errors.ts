// Errors of the enforcer's services. Infrastructure failures (Redis, PostgreSQL, S3) are kept apart from domain
// refusals: the first become 503 (fail closed), the second the 4xx a client can act on.
import * as Schema from "effect/Schema"
import type { Denial } from "../model/index.ts"

/** Redis did not answer: nothing may be allowed blindly, so callers answer 503 and retry later. */
export class RedisUnavailable extends Schema.TaggedError<RedisUnavailable>()("RedisUnavailable", {
  message: Schema.String
}) {}

export class DatabaseError extends Schema.TaggedError<DatabaseError>()("DatabaseError", {
  message: Schema.String,
  cause: Schema.optional(Schema.Unknown)
}) {}

export class StorageError extends Schema.TaggedError<StorageError>()("StorageError", {
  message: Schema.String,
  cause: Schema.optional(Schema.Unknown)
}) {}

/** Too many concurrent writers on one tenant kept invalidating each other's snapshot; safe to retry. */
export class Contention extends Schema.TaggedError<Contention>()("Contention", {
  userId: Schema.String,
  attempts: Schema.Number
}) {}

export type Infrastructure = RedisUnavailable | DatabaseError | StorageError | Contention

/** The model refused the request: carries the model's denial verbatim (dimension, used, limit, upgrade tier). */
export class QuotaDenied extends Schema.TaggedError<QuotaDenied>()("QuotaDenied", {
  denial: Schema.Any as Schema.Schema<Denial>
}) {}

/** A client mistake: a bad header, query, path or body. `field` names what to fix. */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>()("InvalidRequest", {
  code: Schema.String,
  field: Schema.String,
  message: Schema.String,
  status: Schema.optional(Schema.Number)
}) {}

export class Missing extends Schema.TaggedError<Missing>()("Missing", {
  what: Schema.String,
  id: Schema.String
}) {}

export class UnknownUser extends Schema.TaggedError<UnknownUser>()("UnknownUser", {
  userId: Schema.String
}) {}
