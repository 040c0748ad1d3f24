// Handlers of the admin API (/admin/v1, admin token) and of /health. The CLI talks to these when `serve` is running
// on the embedded database (which only one process may open).
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import { HttpApiBuilder } from "effect/http-api"
import { EnforcerApi } from "../api/Api.ts"
import { PriceSheet } from "../quota/PriceSheet.ts"
import { RedisClient } from "../redis/RedisClient.ts"
import { Jobs } from "../services/Jobs.ts"
import { Reports } from "../services/Reports.ts"
import { userJson, Users } from "../services/Users.ts"
import { adminAuthLive, DecodeErrorsLive } from "./auth.ts"
import { guard } from "./httpFailure.ts"
import { issuedId } from "./requestInput.ts"

export const adminLive = (adminToken: Redacted.Redacted<string>) =>
  HttpApiBuilder.group(EnforcerApi, "admin", (h) =>
    Effect.gen(function*() {
      const users = yield* Users
      const reports = yield* Reports
      const jobs = yield* Jobs
      const sheet = yield* PriceSheet
      const run = guard(sheet)
      return h
        .handle("addUser", ({ payload }) =>
          run(Effect.map(users.add(payload.tier), (u) => ({ user_id: u.userId, api_key: u.apiKey, tier: u.tier }))))
        .handle("listUsers", () =>
          run(Effect.map(users.list, (all) => all.map(userJson))))
        .handle("setTier", ({ params, payload }) =>
          run(Effect.flatMap(issuedId(params.id, "user"), (id) =>
            Effect.map(users.setTier(id, payload.tier), (r) => ({ user_id: r.userId, tier: r.tier, previous: r.previous })))))
        .handle("revoke", ({ params }) =>
          run(Effect.flatMap(issuedId(params.id, "user"), (id) =>
            Effect.map(users.revoke(id), (r) => ({ user_id: r.userId, revoked_keys: r.revokedKeys })))))
        .handle("monthly", () => run(Effect.map(reports.monthly, (months) => ({ months }))))
        .handle("alerts", () =>
          run(Effect.map(reports.alerts, (alerts) => ({ threshold_pct: sheet.alerts.usage_threshold_pct, alerts }))))
        .handle("job", ({ params }) => run(jobs.run(params.job)))
    })).pipe(Layer.provide([adminAuthLive(adminToken), DecodeErrorsLive]))

export const HealthLive = HttpApiBuilder.group(EnforcerApi, "health", (h) =>
  Effect.gen(function*() {
    const redis = yield* RedisClient
    return h.handle("health", () =>
      redis.run((r) => r.ping()).pipe(
        Effect.timeout(1_000),
        Effect.match({
          onFailure: () => ({ status: "degraded" as const, redis: "unreachable" as const }),
          onSuccess: () => ({ status: "ok" as const, redis: "ok" as const })
        })
      ))
  }))
