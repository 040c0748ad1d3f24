// The HTTP server: the API's handlers, /openapi.json, the /docs page, and a JSON 404 for everything else; served by
// Node on the configured port over the enforcer's services (shared outside the router, so jobs see the same ones).
import { createServer } from "node:http"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import * as ByteSize from "effect/ByteSize"
import { HttpIncomingMessage, HttpRouter, HttpServerError, HttpServerRequest, HttpServerResponse } from "effect/http"
import { HttpApiBuilder, HttpApiScalar } from "effect/http-api"
import { EnforcerApi } from "../api/Api.ts"
import type { EnforcerSettings } from "../config/EnforcerConfig.ts"
import { enforcerLayer, type LayerOptions } from "../layers.ts"
import { adminLive, HealthLive } from "./adminHandlers.ts"
import { AssetsLive, CacheLive, QuotaLive } from "./apiHandlers.ts"

const NotFoundJson = HttpRouter.add(
  "*",
  "/*",
  Effect.succeed(
    HttpServerResponse.jsonUnsafe(
      { error: "not_found", message: "no such route; see /docs or /openapi.json" },
      { status: 404 }
    )
  )
)

const jsonError = (status: number, error: string, message: string) =>
  HttpServerResponse.jsonUnsafe({ error, message }, { status })

const unsupported = () => jsonError(415, "unsupported_media_type", "send the body as JSON with Content-Type: application/json")

/** The admin API takes small JSON bodies: a larger one is refused (413) as it arrives, never buffered whole. */
const adminBodyLimit = (maxBytes: number) =>
  HttpRouter.middleware()((app) =>
    Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
      request.url.startsWith("/admin/")
        ? app.pipe(
          Effect.provideService(HttpIncomingMessage.MaxBodySize, ByteSize.bytes(maxBytes)),
          // the body parser's refusal arrives as a defect of the request (an HttpServerError whose reason is the
          // RequestParseError "BodyTooLarge"), which would otherwise become a bodiless 413
          Effect.catchDefect((defect) => {
            const reason = (defect as { reason?: { _tag?: string; reason?: string } })?.reason
            return reason?._tag === "RequestParseError" && reason.reason === "BodyTooLarge"
              ? Effect.succeed(HttpServerResponse.empty({ status: 413 }))
              : Effect.die(defect)
          }),
          Effect.map((response) =>
            response.status === 413 && !String(response.headers["content-type"] ?? "").includes("json")
              ? HttpServerResponse.jsonUnsafe({
                error: "payload_too_large",
                message: `an admin request body may hold at most ${maxBytes} bytes`,
                limit_bytes: maxBytes
              }, { status: 413 })
              : response
          )
        )
        : app
    ), { global: true })

/**
 * What the router and the API builder answer on their own, made JSON like every other error: a path the router
 * cannot decode (`%ZZ`) is the client's 400, not a bodiless 404; a body in a media type a JSON route does not take
 * is a 415 with a JSON body, not a line of text.
 */
const JsonEdges = HttpRouter.middleware<{ handles: HttpServerError.HttpServerError }>()((app) =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
    app.pipe(
      Effect.catchIf(
        (e) => HttpServerError.isHttpServerError(e) && e.reason._tag === "RouteNotFound",
        () => {
          // every path that decodes reaches the JSON catch-all route; only an undecodable one ends up here
          try {
            decodeURI(request.url)
          } catch {
            return Effect.succeed(jsonError(400, "bad_request", "the URL has a malformed percent-encoding (e.g. %ZZ)"))
          }
          return Effect.succeed(jsonError(404, "not_found", "no such route; see /docs or /openapi.json"))
        }
      ),
      Effect.catchIf(
        (e) => HttpServerResponse.isHttpServerResponse(e) && e.status === 415,
        () => Effect.succeed(unsupported())
      ),
      Effect.map((response) => (response.status === 415 ? unsupported() : response))
    )), { global: true })

/** Node's own answer to a request it cannot parse (a negative Content-Length, a bad header) is a bodiless 400. */
const makeServer = () => {
  const server = createServer()
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    if (err.code === "ECONNRESET" || !socket.writable) return socket.destroy()
    const [status, text] = err.code === "HPE_HEADER_OVERFLOW" ? [431, "Request Header Fields Too Large"] : [400, "Bad Request"]
    const body = JSON.stringify({ error: "bad_request", message: `the request could not be parsed (${err.code ?? "malformed"})` })
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        `connection: close\r\n\r\n${body}`
    )
  })
  return server
}

export const routesLayer = (adminToken: Redacted.Redacted<string>, maxAdminBodyBytes: number) =>
  Layer.mergeAll(
    HttpApiBuilder.layer(EnforcerApi, { openapiPath: "/openapi.json" }).pipe(
      Layer.provide([QuotaLive, CacheLive, AssetsLive, adminLive(adminToken), HealthLive])
    ),
    HttpApiScalar.layer(EnforcerApi, { path: "/docs" }),
    NotFoundJson,
    JsonEdges,
    adminBodyLimit(maxAdminBodyBytes)
  )

/** The whole service on `settings.port` (0: any free port; read it from HttpServer's address). */
export const serverLayer = (
  settings: EnforcerSettings,
  adminToken: Redacted.Redacted<string>,
  options: LayerOptions & { readonly logRequests?: boolean } = {}
) =>
  HttpRouter.serve(routesLayer(adminToken, settings.maxAdminBodyBytes), {
    disableLogger: !options.logRequests,
    disableListenLog: true,
    // cache keys are path parameters of up to 512 characters (the router's default stops at 100 and answers 404);
    // their percent-encoded form is decoded before this is checked, so the bound is on the key itself
    routerConfig: { maxParamLength: 4096 }
  }).pipe(
    Layer.provideMerge(NodeHttpServer.layer(makeServer, { port: settings.port, host: settings.host })),
    Layer.provideMerge(enforcerLayer(settings, options))
  )
