// Bearer authentication: tenant API keys (checked by hash) for /api, the admin token for /admin. A store that cannot
// be asked answers 503, never "unauthorized" (a client must not throw its key away over an outage).
import { createHash, timingSafeEqual } from "node:crypto"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { HttpApiMiddleware } from "effect/http-api"
import { AdminAuth, Auth, CurrentUser, DecodeErrors } from "../api/Api.ts"
import { BadRequest, Forbidden, Unauthorized, unavailable } from "../api/httpErrors.ts"
import { Users } from "../services/Users.ts"

export const AuthLive = Layer.effect(
  Auth,
  Effect.gen(function*() {
    const users = yield* Users
    return Auth.of({
      bearer: (effect, { credential }) =>
        Effect.gen(function*() {
          const key = Redacted.value(credential)
          if (key === "") {
            return yield* new Unauthorized({
              error: "unauthorized",
              message: "missing API key: send Authorization: Bearer <key> (econ users add prints one)"
            })
          }
          const userId = yield* users.authenticate(key).pipe(
            Effect.mapError(() => unavailable("database unavailable; retry shortly"))
          )
          if (userId === undefined) {
            return yield* new Unauthorized({ error: "unauthorized", message: "unknown or revoked API key" })
          }
          return yield* Effect.provideService(effect, CurrentUser, { userId })
        })
    })
  })
)

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest()

export const adminAuthLive = (token: Redacted.Redacted<string>) =>
  Layer.succeed(
    AdminAuth,
    AdminAuth.of({
      bearer: (effect, { credential }) => {
        const given = Redacted.value(credential)
        if (given === "") {
          return Effect.fail(new Unauthorized({ error: "unauthorized", message: "missing admin token: send Authorization: Bearer <ADMIN_TOKEN>" }))
        }
        return timingSafeEqual(digest(given), digest(Redacted.value(token)))
          ? effect
          : Effect.fail(new Forbidden({ error: "forbidden", message: "wrong admin token" }))
      }
    })
  )

export const DecodeErrorsLive = HttpApiMiddleware.layerSchemaErrorTransform(DecodeErrors, (e) =>
  Effect.fail(
    new BadRequest({
      error: "bad_request",
      message: `${e.kind === "Payload" ? "body" : e.kind.toLowerCase()}: ${e.cause.message.replaceAll("\n", " ")}`,
      field: e.kind.toLowerCase()
    })
  ))
