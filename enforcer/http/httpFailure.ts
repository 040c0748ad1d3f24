// The one place service errors become HTTP answers: denials → 403 with the model's numbers, client mistakes → 4xx
// naming the field, unreachable stores → 503 (fail closed), anything unexpected → a JSON 500 (and a log line).
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
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

const toHttp = (sheet: Sheet, e: unknown): HttpFailure => {
  const tag = (e as { _tag?: string })?._tag
  switch (tag) {
    case "QuotaDenied":
      return denialToHttp(sheet, (e as { denial: Denial }).denial)
    case "InvalidRequest": {
      const x = e as { code: string; field: string; message: string; status?: number }
      return x.status === 409
        ? new Conflict({ error: x.code, message: x.message })
        : new BadRequest({ error: x.code, message: x.message, field: x.field })
    }
    case "Missing": {
      const x = e as { what: string; id: string }
      return new NotFound({ error: "not_found", message: `no ${x.what} ${JSON.stringify(x.id)}` })
    }
    case "UnknownUser":
      return new NotFound({ error: "not_found", message: "no such user" })
    case "JobBusy":
      return new Conflict({ error: "job_running", message: `job ${(e as { job: string }).job} is already running; try later` })
    case "RedisUnavailable":
      return unavailable("quota store (Redis) unreachable: nothing is allowed until it is back; retry shortly")
    case "DatabaseError":
      return unavailable("database unavailable; retry shortly")
    case "StorageError":
      return unavailable("object storage unavailable; retry shortly")
    case "Contention":
      return unavailable("too many concurrent writes for this account; retry shortly")
    case "BadRequest":
    case "NotFound":
    case "PayloadTooLarge":
    case "QuotaExceeded":
    case "MultimodalNotInTier":
    case "Conflict":
    case "ServiceUnavailable":
    case "InternalError":
      return e as HttpFailure
    case "RequestParseError":
    case "HttpServerError":
      return new BadRequest({ error: "bad_request", message: "the request body could not be read (aborted?)" })
    default:
      return new InternalError({ error: "internal", message: "unexpected server error; it has been logged" })
  }
}

/** Run a handler body with every failure (and defect) mapped to its JSON HTTP error. */
export const guard = (sheet: Sheet) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, HttpFailure, R> =>
  effect.pipe(
    Effect.catchCause((cause) => {
      const failure = Cause.findErrorOption(cause)
      const e = failure._tag === "Some" ? failure.value : undefined
      const mapped = toHttp(sheet, e)
      return (mapped._tag === "InternalError" || mapped._tag === "ServiceUnavailable"
        ? Effect.logError("request failed", cause)
        : Effect.void).pipe(Effect.andThen(Effect.fail(mapped)))
    })
  )
