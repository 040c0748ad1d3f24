// Starting the real service in-process for tests (real Redis, PostgreSQL/PGlite, s3rver on a free port), plus small
// HTTP helpers. Two instances can share one database (`database` option) and one Redis prefix (same settings).
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import { HttpServer } from "effect/http"
import { formatUrlUnsafe } from "effect/net/NetAddress"
import type { EnforcerSettings } from "../config/EnforcerConfig.ts"
import type { Database } from "../db/Database.ts"
import { serverLayer } from "../http/Server.ts"
import type { TimeSource } from "../quota/TimeSource.ts"

export interface RunningService {
  readonly url: string
  readonly settings: EnforcerSettings
  readonly adminToken: string
  readonly runtime: ManagedRuntime.ManagedRuntime<any, any>
  readonly run: <A, E>(effect: Effect.Effect<A, E, any>) => Promise<A>
  readonly close: () => Promise<void>
}

export const startService = async (
  settings: EnforcerSettings,
  options: { readonly time?: Layer.Layer<TimeSource>; readonly database?: Layer.Layer<Database> } = {}
): Promise<RunningService> => {
  const token = settings.adminToken ?? Redacted.make("test-admin-token-0123456789")
  const runtime = ManagedRuntime.make(serverLayer(settings, token, options) as Layer.Layer<any, any, never>)
  const server = await runtime.runPromise(HttpServer.HttpServer)
  const url = formatUrlUnsafe(server.address).replace(/\/$/, "")
  return {
    url,
    settings,
    adminToken: Redacted.value(token),
    runtime,
    run: (effect) => runtime.runPromise(effect),
    close: () => runtime.dispose()
  }
}

export interface Reply {
  readonly status: number
  readonly headers: Headers
  readonly json: any
  readonly text: string
}

export const call = async (
  base: string,
  method: string,
  path: string,
  options: {
    readonly key?: string | undefined
    readonly body?: string | Uint8Array | undefined
    readonly headers?: Record<string, string> | undefined
  } = {}
): Promise<Reply> => {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(options.key !== undefined ? { authorization: `Bearer ${options.key}` } : {}),
      ...options.headers
    },
    ...(options.body !== undefined ? { body: options.body as NonNullable<RequestInit["body"]> } : {})
  })
  const text = await res.text()
  let json: unknown = undefined
  try {
    json = text === "" ? undefined : JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, headers: res.headers, json, text }
}

/** A tenant created through the admin API, with helpers bound to its key. */
export const newTenant = async (svc: RunningService, tier: string) => {
  const r = await call(svc.url, "POST", "/admin/v1/users", {
    key: svc.adminToken,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ tier })
  })
  if (r.status !== 201) throw new Error(`add user failed: ${r.status} ${r.text}`)
  return { userId: r.json.user_id as string, key: r.json.api_key as string }
}

export const quotaOf = async (base: string, key: string) => (await call(base, "GET", "/api/v1/storage/quota", { key })).json

export const storeAsset = (
  base: string,
  key: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {}
) =>
  call(base, "POST", "/api/v1/assets", {
    key,
    body,
    headers: { "content-type": "application/octet-stream", "x-cache-key": "k", ...headers }
  })

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

