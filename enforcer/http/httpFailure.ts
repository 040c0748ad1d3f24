// The one place service errors become HTTP answers: denials → 403 with the model's numbers, client mistakes → 4xx
// naming the field, unreachable stores → 503 (fail closed), anything unexpected → a JSON 500 (and a log line).
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import type { HttpServerError } from "effect/http"
import type { Denial, Sheet } from "../../model/index.ts"
import {
  BadRequest,
  Conflict,
  InternalError,
  MultimodalNotInTier,
  NotFound,
  PayloadTooLarge,
  QuotaExceeded,
  type ServiceUnavailable,
  unavailable
} from "../api/httpErrors.ts"
import type {
  Contention,
  DatabaseError,
  InvalidRequest,
  Missing,
  QuotaDenied,
  RedisUnavailable,
  StorageError,
  UnknownUser
} from "../errors.ts"
import type { JobBusy } from "../services/Jobs.ts"

export type HttpFailure =
  | BadRequest
  | NotFound
  | PayloadTooLarge
  | QuotaExceeded
  | MultimodalNotInTier
  | Conflict
  | ServiceUnavailable
  | InternalError

const n = (b: bigint) => Number(b)

export const denialToHttp = (sheet: Sheet, d: Denial): QuotaExceeded | MultimodalNotInTier => {
  if (d.reason === "multimodal_not_in_tier") {
    return new MultimodalNotInTier({
      error: "multimodal_not_in_tier",
      tier: d.tier,
      upgrade_tier: d.upgradeTier,
      upgrade_url: sheet.upgrade_url,
      message: d.message
    })
  }
  const bytes = d.dimension !== "requests"
  return new QuotaExceeded({
    error: "quota_exceeded",
    dimension: d.dimension,
    tier: d.tier,
    used: n(d.used),
    limit: n(d.limit),
    requested: n(d.requested),
    ...(bytes ? { used_bytes: n(d.used), limit_bytes: n(d.limit), requested_bytes: n(d.requested) } : {}),
    upgrade_tier: d.upgradeTier,
    upgrade_url: sheet.upgrade_url,
    message: d.message
  })
}

/** Every error a handler may fail with: the services' errors, the request's own, and HTTP errors made in place. */
export type ServiceFailure =
  | QuotaDenied
  | InvalidRequest
  | Missing
  | UnknownUser
  | JobBusy
  | RedisUnavailable
  | DatabaseError
  | StorageError
  | Contention
  | HttpServerError.HttpServerError
  | HttpFailure

type Mapping = { readonly [K in ServiceFailure["_tag"]]: (e: Extract<ServiceFailure, { readonly _tag: K }>, sheet: Sheet) => HttpFailure }

const same = <E extends HttpFailure>(e: E): HttpFailure => e

/**
 * One answer per error tag, checked by the compiler both ways: a tag missing here does not compile, and `guard`
 * takes only effects whose errors are all listed in ServiceFailure. A new error is mapped, or it is a type error.
 */
const MAPPING: Mapping = {
  QuotaDenied: (e, sheet) => denialToHttp(sheet, e.denial),
  InvalidRequest: (e) =>
    e.status === 409
      ? new Conflict({ error: e.code, message: e.message })
      : new BadRequest({ error: e.code, message: e.message, field: e.field }),
  Missing: (e) => new NotFound({ error: "not_found", message: `no ${e.what} ${JSON.stringify(e.id)}` }),
  UnknownUser: () => new NotFound({ error: "not_found", message: "no such user" }),
  JobBusy: (e) => new Conflict({ error: "job_running", message: `job ${e.job} is already running; try later` }),
  RedisUnavailable: () => unavailable("quota store (Redis) unreachable: nothing is allowed until it is back; retry shortly"),
  DatabaseError: () => unavailable("database unavailable; retry shortly"),
  StorageError: () => unavailable("object storage unavailable; retry shortly"),
  Contention: () => unavailable("too many concurrent writes for this account; retry shortly"),
  HttpServerError: () => new BadRequest({ error: "bad_request", message: "the request body could not be read (aborted?)" }),
  BadRequest: same,
  NotFound: same,
  PayloadTooLarge: same,
  QuotaExceeded: same,
  MultimodalNotInTier: same,
  Conflict: same,
  ServiceUnavailable: same,
  InternalError: same
}

const toHttp = <E extends ServiceFailure>(sheet: Sheet, e: E): HttpFailure =>
  (MAPPING[e._tag] as (e: E, sheet: Sheet) => HttpFailure)(e, sheet)

/** Run a handler body with every failure mapped to its JSON HTTP error, and a defect to a logged JSON 500. */
export const guard = (sheet: Sheet) => <A, E extends ServiceFailure, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, HttpFailure, R> =>
  effect.pipe(
    Effect.catchCause((cause) => {
      const failure = Cause.findErrorOption(cause)
      const mapped = failure._tag === "Some"
        ? toHttp(sheet, failure.value)
        : new InternalError({ error: "internal", message: "unexpected server error; it has been logged" })
      return (mapped._tag === "InternalError" || mapped._tag === "ServiceUnavailable"
        ? Effect.logError("request failed", cause)
        : Effect.void).pipe(Effect.andThen(Effect.fail(mapped)))
    })
  )
