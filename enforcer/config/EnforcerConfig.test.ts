// Settings from the environment: values parsed by Config (ports, whole numbers, URLs), each bad one refused naming
// the variable; blank means unset.
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { describe, expect, it } from "vitest"
import { settingsFromEnv } from "./EnforcerConfig.ts"

const withEnv = (env: Record<string, string>) =>
  Effect.runPromise(
    settingsFromEnv().pipe(
      Effect.map((s) => ({ ok: true as const, s })),
      Effect.catchTag("ConfigInvalid", (e) => Effect.succeed({ ok: false as const, variable: e.variable, message: e.message })),
      Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env: { ECON_DATA_DIR: "/tmp/econ-config-test", ...env } })))
    )
  )

describe("settingsFromEnv", () => {
  it("reads whole numbers and URLs; blank is unset", async () => {
    const r = await withEnv({ PORT: "0", RESERVATION_TTL_SECONDS: "30", JOBS_INTERVAL_SECONDS: "", REDIS_URL: "redis://10.0.0.5:6380/2" })
    if (!r.ok) throw new Error(r.message)
    expect(r.s.port).toBe(0)
    expect(r.s.reservationTtlMs).toBe(30_000)
    expect(r.s.jobsIntervalMs).toBe(3_600_000)
    expect(Redacted.value(r.s.redisUrl)).toBe("redis://10.0.0.5:6380/2")
  })
  it.each([
    [{ PORT: "eighty" }, "PORT", /PORT: expected a whole number ≥ 0/],
    [{ RESERVATION_TTL_SECONDS: "0" }, "RESERVATION_TTL_SECONDS", /must be a whole number ≥ 1, got 0/],
    [{ RESERVATION_TTL_SECONDS: "2.5" }, "RESERVATION_TTL_SECONDS", /expected a whole number ≥ 1/],
    [{ REDIS_URL: "not a url" }, "REDIS_URL", /REDIS_URL: expected a redis:\/rediss: URL/],
    [{ DATABASE_URL: "mysql://h/db" }, "DATABASE_URL", /DATABASE_URL is not a valid postgres:\/postgresql: URL/]
  ])("%j is refused naming %s", async (env, variable, message) => {
    const r = await withEnv(env)
    expect(r).toMatchObject({ ok: false, variable })
    if (!r.ok) expect(r.message).toMatch(message)
  })
})
