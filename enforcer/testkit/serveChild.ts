// A service instance in its own process, so that a test can kill it with SIGKILL mid-request (a real crash: no
// finalizer runs). Settings come as JSON in ECON_TEST_SETTINGS; it prints "LISTENING <url>" once it serves.
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { HttpServer } from "effect/http"
import { formatUrlUnsafe } from "effect/net/NetAddress"
import type { EnforcerSettings } from "../config/EnforcerConfig.ts"
import { serverLayer } from "../http/Server.ts"

// Redacted has a toJSON that prints "<redacted>": unwrap before JSON.stringify sees it
const unwrap = (v: unknown): unknown => {
  if (Redacted.isRedacted(v)) return { __redacted: Redacted.value(v as Redacted.Redacted<string>) }
  if (typeof v === "bigint") return { __bigint: v.toString() }
  if (Array.isArray(v)) return v.map(unwrap)
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrap(x)]))
  return v
}

export const encodeSettings = (s: EnforcerSettings): string => JSON.stringify(unwrap(s))

export const decodeSettings = (text: string): EnforcerSettings =>
  JSON.parse(text, (_k, v) => {
    if (v && typeof v === "object" && "__redacted" in v) return Redacted.make(v.__redacted)
    if (v && typeof v === "object" && "__bigint" in v) return BigInt(v.__bigint)
    return v
  })

if (process.env["ECON_TEST_SETTINGS"]) {
  const settings = decodeSettings(process.env["ECON_TEST_SETTINGS"])
  const main = Effect.gen(function*() {
    const server = yield* HttpServer.HttpServer
    process.stdout.write(`LISTENING ${formatUrlUnsafe(server.address).replace(/\/$/, "")}\n`)
    return yield* Effect.never
  })
  Effect.runFork(main.pipe(
    Effect.provide(serverLayer(settings, settings.adminToken!) as Layer.Layer<HttpServer.HttpServer>),
    Effect.catchCause((cause) =>
      Effect.sync(() => {
        process.stderr.write(`serveChild failed: ${Cause.pretty(cause)}\n`)
        process.exit(1)
      }))
  ))
}
