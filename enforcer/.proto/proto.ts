import { createServer } from "node:http"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Context, Effect, Layer, Redacted, Schema, Stream } from "effect"
import { HttpRouter, HttpServerResponse, HttpServerRequest } from "effect/http"
import { HttpApi, HttpApiBuilder, HttpApiEndpoint, HttpApiGroup, HttpApiMiddleware, HttpApiSchema, HttpApiScalar, HttpApiSecurity } from "effect/http-api"

class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", { error: Schema.Literal("unauthorized"), message: Schema.String }, { httpApiStatus: 401 }) {}
class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", { error: Schema.Literal("bad_request"), message: Schema.String }, { httpApiStatus: 400 }) {}
class NotFound extends Schema.TaggedError<NotFound>()("NotFound", { error: Schema.Literal("not_found"), message: Schema.String }, { httpApiStatus: 404 }) {}
class CurrentUser extends Context.Service<CurrentUser, { id: string }>()("CurrentUser") {}
class Auth extends HttpApiMiddleware.Service<Auth, { provides: CurrentUser }>()("Auth", { security: { bearer: HttpApiSecurity.bearer }, error: Unauthorized }) {}
class DecodeErrors extends HttpApiMiddleware.Service<DecodeErrors>()("DecodeErrors", { error: BadRequest }) {}

const Api = HttpApi.make("econ").add(HttpApiGroup.make("cache").add(
  HttpApiEndpoint.put("put", "/api/v1/cache/:key", { params: { key: Schema.String }, query: { ttl: Schema.optional(Schema.NumberFromString) },
    payload: Schema.String.pipe(HttpApiSchema.asText()), success: Schema.Struct({ key: Schema.String, size: Schema.Number }), error: NotFound }),
  HttpApiEndpoint.get("get", "/api/v1/cache/:key", { params: { key: Schema.String }, success: Schema.String.pipe(HttpApiSchema.asText()), error: NotFound }),
  HttpApiEndpoint.post("upload", "/api/v1/assets", { payload: HttpApiSchema.StreamUint8Array({ contentType: ["application/octet-stream", "*/*"] }), success: Schema.Struct({ size: Schema.Number }).pipe(HttpApiSchema.status(201)) }),
  HttpApiEndpoint.get("download", "/api/v1/assets/:id", { params: { id: Schema.String }, success: HttpApiSchema.StreamUint8Array(), error: NotFound }),
).middleware(Auth).middleware(DecodeErrors))

const AuthLive = Layer.succeed(Auth, Auth.of({ bearer: (eff, { credential }) => Redacted.value(credential) === "t"
  ? Effect.provideService(eff, CurrentUser, { id: "u1" }) : Effect.fail(new Unauthorized({ error: "unauthorized", message: "bad token" })) }))
const DecodeLive = HttpApiMiddleware.layerSchemaErrorTransform(DecodeErrors, (e) => Effect.fail(new BadRequest({ error: "bad_request", message: `${e.kind}: ${e.cause.message}` })))

const store = new Map<string, string>()
const CacheLive = HttpApiBuilder.group(Api, "cache", (h) => h
  .handle("put", ({ params, payload, query }) => Effect.gen(function* () { const u = yield* CurrentUser; store.set(params.key, payload); return { key: params.key + ":" + u.id + ":" + query.ttl, size: payload.length } }))
  .handle("get", ({ params }) => { const v = store.get(params.key); return v === undefined ? Effect.fail(new NotFound({ error: "not_found", message: "no " + params.key })) : Effect.succeed(v) })
  .handleRaw("upload", ({ request }) => Effect.gen(function* () {
    const req = NodeHttpServerRequest.toIncomingMessage(request)
    let n = 0
    yield* Effect.promise(async () => { for await (const c of req) n += c.length })
    return { size: n }
  }))
  .handle("download", ({ params }) => Effect.succeed(HttpServerResponse.stream(Stream.make(new TextEncoder().encode("hello " + params.id)), { contentType: "image/png", headers: { "x-a": "1" } })))
).pipe(Layer.provide([AuthLive, DecodeLive]))

const NotFoundJson = HttpRouter.add("*", "/*", Effect.succeed(HttpServerResponse.jsonUnsafe({ error: "not_found", message: "no such route" }, { status: 404 })))
const Routes = Layer.mergeAll(HttpApiBuilder.layer(Api, { openapiPath: "/openapi.json" }).pipe(Layer.provide(CacheLive)), HttpApiScalar.layer(Api, { path: "/docs" }), NotFoundJson)
HttpRouter.serve(Routes).pipe(Layer.provide(NodeHttpServer.layer(createServer, { port: 8799 })), Layer.launch, NodeRuntime.runMain)
