// The HTTP server: the API's handlers, /openapi.json, the /docs page, and a JSON 404 for everything else; served by
// Node on the configured port over the enforcer's services (shared outside the router, so jobs see the same ones).
import { createServer } from "node:http"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import { HttpRouter, HttpServerResponse } from "effect/http"
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

export const routesLayer = (adminToken: Redacted.Redacted<string>) =>
  Layer.mergeAll(
    HttpApiBuilder.layer(EnforcerApi, { openapiPath: "/openapi.json" }).pipe(
      Layer.provide([QuotaLive, CacheLive, AssetsLive, adminLive(adminToken), HealthLive])
    ),
    HttpApiScalar.layer(EnforcerApi, { path: "/docs" }),
    NotFoundJson
  )

/** The whole service on `settings.port` (0: any free port; read it from HttpServer's address). */
export const serverLayer = (
  settings: EnforcerSettings,
  adminToken: Redacted.Redacted<string>,
  options: LayerOptions & { readonly logRequests?: boolean } = {}
) =>
  HttpRouter.serve(routesLayer(adminToken), { disableLogger: !options.logRequests, disableListenLog: true }).pipe(
    Layer.provideMerge(NodeHttpServer.layer(createServer, { port: settings.port, host: settings.host })),
    Layer.provideMerge(enforcerLayer(settings, options))
  )
