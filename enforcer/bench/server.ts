// The enforcer as the bench runs it: the real service (HTTP, Redis, PostgreSQL, S3) in a process of its own, on a
// fresh PostgreSQL schema and Redis prefix, against the S3 server the bench gives it. Prints its URL and admin token.
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { startService } from "../testkit/service.ts"
import { testSettings, uniqueId } from "../testkit/settings.ts"

const env = (name: string) => {
  const v = process.env[name]
  if (v === undefined || v === "") throw new Error(`${name} is required`)
  return v
}
const clusterNodes = process.env["REDIS_CLUSTER_NODES"]?.split(",").filter((n) => n !== "")
const svc = await startService(testSettings({
  keyPrefix: env("BENCH_PREFIX"),
  database: { _tag: "Server", url: Redacted.make(env("DATABASE_URL")), schema: uniqueId("bench") },
  ...(clusterNodes !== undefined && clusterNodes.length > 0 ? { redisClusterNodes: clusterNodes } : {}),
  s3: {
    _tag: "Remote",
    endpoint: env("S3_ENDPOINT"),
    region: "us-east-1",
    bucket: env("S3_BUCKET"),
    accessKeyId: "S3RVER",
    secretAccessKey: Redacted.make("S3RVER")
  },
  reservationTtlMs: 60_000,
  // the default 2 s deadline of one S3 request is for a production link; an 8 MiB part to a local s3rver on a busy
  // shared machine can take longer, and a bench must measure, not fail over
  backendTimeoutMs: 20_000,
  partSizeBytes: 8 * 1024 * 1024,
  uploadGrantBytes: 64_000_000n
}))
const schema = svc.settings.database._tag === "Server" ? svc.settings.database.schema : undefined
process.stdout.write(JSON.stringify({ url: svc.url, adminToken: svc.adminToken, schema }) + "\n")
process.on("SIGTERM", () => {
  Effect.runPromise(Effect.promise(() => svc.close())).finally(() => process.exit(0))
})
