// The enforcer's configuration: read once from the environment (or built by tests), validated at start, secrets
// kept Redacted so that logging the config never prints a password.
import { resolve } from "node:path"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { DEFAULT_SHEET_PATH } from "../../io/sheetFile.ts"

export type DatabaseConfig =
  | { readonly _tag: "Embedded"; readonly dir: string }
  | { readonly _tag: "Memory" }
  | { readonly _tag: "Server"; readonly url: Redacted.Redacted<string>; readonly schema?: string | undefined }

export type S3Config =
  | { readonly _tag: "Embedded"; readonly dir: string; readonly bucket: string }
  | {
    readonly _tag: "Remote"
    readonly endpoint: string
    readonly region: string
    readonly bucket: string
    readonly accessKeyId: string
    readonly secretAccessKey: Redacted.Redacted<string>
  }

/** Where cold assets go: the same bucket under another storage class, or a separate (cheaper) bucket. */
export type ColdStorage =
  | { readonly mode: "storage_class"; readonly storageClass: string }
  | { readonly mode: "bucket"; readonly bucket: string }

export interface EnforcerSettings {
  readonly port: number
  readonly host: string
  /** ./.data by default: embedded database, embedded S3, admin token, the running service's address. */
  readonly dataDir: string
  readonly sheetPath: string
  readonly database: DatabaseConfig
  readonly redisUrl: Redacted.Redacted<string>
  /** REDIS_CLUSTER_NODES ("host:port,…"): a Redis Cluster instead of the one server at redisUrl. */
  readonly redisClusterNodes?: ReadonlyArray<string> | undefined
  /** Every Redis key starts with this (tests use their own prefix). */
  readonly keyPrefix: string
  readonly s3: S3Config
  readonly coldStorage: ColdStorage
  /** Set explicitly (ADMIN_TOKEN) or undefined: `serve` then generates one and keeps it in dataDir. */
  readonly adminToken: Redacted.Redacted<string> | undefined
  /** A reservation not renewed for this long is released (a crashed instance cannot leak quota for longer). */
  readonly reservationTtlMs: number
  /** Multipart part size; S3 requires ≥ 5 MiB except for the last part (s3rver accepts less, tests use that). */
  readonly partSizeBytes: number
  /** Bytes reserved at a time while streaming a body of unknown length. */
  readonly uploadGrantBytes: bigint
  /** Upper bound of one text cache entry, whatever the tier allows. */
  readonly maxCacheEntryBytes: number
  /** How often `serve` runs rollover, alerts, tiering and reconcile itself; 0 disables the scheduler. */
  readonly jobsIntervalMs: number
  /**
   * Deadline of one PostgreSQL statement or S3 request (connect included; Redis has its own 2 s). A request whose
   * backend does not answer within it is answered 503: see README "Faults" for the bound per request.
   */
  readonly backendTimeoutMs: number
  /** Largest admin JSON body accepted (413 beyond). */
  readonly maxAdminBodyBytes: number
  /** How long an instance may keep trusting a key it has already checked (a revocation elsewhere takes this long). */
  readonly keyCacheTtlMs: number
}

export class EnforcerConfig extends Context.Service<EnforcerConfig, EnforcerSettings>()("enforcer/EnforcerConfig") {
  static readonly layer = (settings: EnforcerSettings) => Layer.succeed(EnforcerConfig, settings)
}

/** Configuration that cannot be used: names the variable and the fix. */
export class ConfigInvalid extends Schema.TaggedError<ConfigInvalid>()("ConfigInvalid", {
  variable: Schema.String,
  message: Schema.String
}) {}

const MIB = 1024 * 1024

/** Defaults for everything, rooted at `dataDir`: what `econ serve` uses on a fresh clone. */
export const defaultSettings = (dataDir = resolve(".data")): EnforcerSettings => ({
  port: 8787,
  host: "127.0.0.1",
  dataDir,
  sheetPath: DEFAULT_SHEET_PATH,
  database: { _tag: "Embedded", dir: resolve(dataDir, "pg") },
  redisUrl: Redacted.make("redis://127.0.0.1:6379"),
  keyPrefix: "econ",
  s3: { _tag: "Embedded", dir: resolve(dataDir, "s3"), bucket: "econ-assets" },
  coldStorage: { mode: "storage_class", storageClass: "STANDARD_IA" },
  adminToken: undefined,
  reservationTtlMs: 60_000,
  partSizeBytes: 8 * MIB,
  uploadGrantBytes: 8_000_000n,
  maxCacheEntryBytes: 10_000_000,
  jobsIntervalMs: 3_600_000,
  backendTimeoutMs: 2_000,
  maxAdminBodyBytes: 64 * 1024,
  keyCacheTtlMs: 5_000
})

const optionalString = (name: string) =>
  Config.String(name).pipe(Config.option, Config.map((o) => Option.filter(o, (s) => s.trim() !== "")))

/** `variable` read by `config` when it is set (not blank); a value Config refuses fails naming the variable and the fix. */
const readSet = <A>(variable: string, config: Config.Config<A>, expected: string) =>
  Effect.gen(function*() {
    if (Option.isNone(yield* optionalString(variable))) return Option.none<A>()
    return Option.some(yield* config)
  }).pipe(
    Effect.catchTag("ConfigError", () => Effect.fail(new ConfigInvalid({ variable, message: `${variable}: expected ${expected}` })))
  )

/** A URL (parsed by Config.URL) with one of `protocols`. */
const validUrl = (variable: string, protocols: ReadonlyArray<string>, fix: string) =>
  Effect.flatMap(readSet(variable, Config.URL(variable), `a ${protocols.join("/")} URL; ${fix}`), (u) =>
    Option.isSome(u) && !protocols.includes(u.value.protocol)
      ? Effect.fail(new ConfigInvalid({ variable, message: `${variable} is not a valid ${protocols.join("/")} URL; ${fix}` }))
      : Effect.void)

/** A whole number ≥ `min` (parsed by Config.Int). */
const wholeNumber = (variable: string, min = 1) =>
  Effect.flatMap(readSet(variable, Config.Int(variable), `a whole number ≥ ${min}`), (n) =>
    Option.isSome(n) && n.value < min
      ? Effect.fail(new ConfigInvalid({ variable, message: `${variable} must be a whole number ≥ ${min}, got ${n.value}` }))
      : Effect.succeed(n))

/**
 * Settings from the environment on top of the defaults. Every variable is optional; a bad value fails with the
 * variable's name. DATABASE_URL switches to a PostgreSQL server, S3_ENDPOINT to a real S3/Lyve (then the bucket and
 * both credentials are required).
 */
export const settingsFromEnv = (overrides: { readonly port?: number | undefined; readonly sheetPath?: string | undefined } = {}) =>
  Effect.gen(function*() {
    const dataDir = resolve(Option.getOrElse(yield* optionalString("ECON_DATA_DIR"), () => ".data"))
    const base = defaultSettings(dataDir)
    const env = {
      databaseUrl: yield* Config.Redacted("DATABASE_URL").pipe(Config.option),
      redisUrl: yield* Config.Redacted("REDIS_URL").pipe(Config.option),
      s3Endpoint: yield* optionalString("S3_ENDPOINT"),
      s3Bucket: yield* optionalString("S3_BUCKET"),
      s3Region: yield* optionalString("S3_REGION"),
      s3Key: yield* optionalString("S3_ACCESS_KEY_ID"),
      s3Secret: yield* Config.Redacted("S3_SECRET_ACCESS_KEY").pipe(Config.option),
      coldBucket: yield* optionalString("S3_COLD_BUCKET"),
      coldClass: yield* optionalString("S3_COLD_STORAGE_CLASS"),
      adminToken: yield* Config.Redacted("ADMIN_TOKEN").pipe(Config.option),
      port: yield* wholeNumber("PORT", 0),
      host: yield* optionalString("HOST"),
      reservationTtl: yield* wholeNumber("RESERVATION_TTL_SECONDS"),
      jobsInterval: yield* wholeNumber("JOBS_INTERVAL_SECONDS", 0),
      keyPrefix: yield* optionalString("REDIS_KEY_PREFIX"),
      clusterNodes: yield* optionalString("REDIS_CLUSTER_NODES")
    }
    let settings: EnforcerSettings = { ...base }
    if (Option.isSome(env.databaseUrl)) {
      yield* validUrl("DATABASE_URL", ["postgres:", "postgresql:"],
        "expected postgres://user:password@host:5432/db, or unset it to use the embedded database")
      settings = { ...settings, database: { _tag: "Server", url: env.databaseUrl.value } }
    }
    if (Option.isSome(env.redisUrl)) {
      yield* validUrl("REDIS_URL", ["redis:", "rediss:"],
        "expected redis://[:password@]host:6379[/db]")
      settings = { ...settings, redisUrl: env.redisUrl.value }
    }
    if (Option.isSome(env.clusterNodes)) {
      const nodes = env.clusterNodes.value.split(",").map((n) => n.trim()).filter((n) => n !== "")
      const bad = nodes.find((n) => !/^[^\s:]+:\d{1,5}$/.test(n))
      if (bad !== undefined || nodes.length === 0) {
        return yield* new ConfigInvalid({
          variable: "REDIS_CLUSTER_NODES",
          message: `REDIS_CLUSTER_NODES must be host:port entries separated by commas (e.g. 127.0.0.1:7101,127.0.0.1:7102), got "${bad ?? ""}"`
        })
      }
      settings = { ...settings, redisClusterNodes: nodes }
    }
    if (Option.isSome(env.s3Endpoint)) {
      yield* validUrl("S3_ENDPOINT", ["http:", "https:"], "expected https://s3.<region>.lyvecloud.seagate.com")
      const missing = [
        Option.isNone(env.s3Bucket) && "S3_BUCKET",
        Option.isNone(env.s3Key) && "S3_ACCESS_KEY_ID",
        Option.isNone(env.s3Secret) && "S3_SECRET_ACCESS_KEY"
      ].filter((x): x is string => typeof x === "string")
      if (missing.length > 0) {
        return yield* new ConfigInvalid({
          variable: missing[0]!,
          message: `S3_ENDPOINT is set, so ${missing.join(", ")} must be set too (or unset S3_ENDPOINT to use the embedded S3)`
        })
      }
      settings = {
        ...settings,
        s3: {
          _tag: "Remote",
          endpoint: env.s3Endpoint.value,
          region: Option.getOrElse(env.s3Region, () => "us-east-1"),
          bucket: Option.getOrThrow(env.s3Bucket),
          accessKeyId: Option.getOrThrow(env.s3Key),
          secretAccessKey: Option.getOrThrow(env.s3Secret)
        }
      }
    } else if (Option.isSome(env.s3Bucket)) {
      settings = { ...settings, s3: { _tag: "Embedded", dir: resolve(dataDir, "s3"), bucket: env.s3Bucket.value } }
    }
    if (Option.isSome(env.coldBucket)) settings = { ...settings, coldStorage: { mode: "bucket", bucket: env.coldBucket.value } }
    else if (Option.isSome(env.coldClass)) {
      settings = { ...settings, coldStorage: { mode: "storage_class", storageClass: env.coldClass.value } }
    }
    if (Option.isSome(env.adminToken)) {
      if (Redacted.value(env.adminToken.value).length < 16) {
        return yield* new ConfigInvalid({ variable: "ADMIN_TOKEN", message: "ADMIN_TOKEN must be at least 16 characters" })
      }
      settings = { ...settings, adminToken: env.adminToken.value }
    }
    if (Option.isSome(env.port)) settings = { ...settings, port: env.port.value }
    if (Option.isSome(env.host)) settings = { ...settings, host: env.host.value }
    if (Option.isSome(env.keyPrefix)) settings = { ...settings, keyPrefix: env.keyPrefix.value }
    if (Option.isSome(env.reservationTtl)) {
      settings = { ...settings, reservationTtlMs: 1000 * env.reservationTtl.value }
    }
    if (Option.isSome(env.jobsInterval)) {
      settings = { ...settings, jobsIntervalMs: 1000 * env.jobsInterval.value }
    }
    if (overrides.port !== undefined) settings = { ...settings, port: overrides.port }
    if (overrides.sheetPath !== undefined) settings = { ...settings, sheetPath: resolve(overrides.sheetPath) }
    return settings
  }).pipe(
    Effect.catchTag("ConfigError", (e) =>
      Effect.fail(new ConfigInvalid({ variable: "environment", message: `configuration error: ${e.message}` })))
  )

/** A URL with its password replaced, for logs. */
export const redactUrl = (url: string): string => {
  try {
    const u = new URL(url)
    if (u.password) u.password = "***"
    return u.toString()
  } catch {
    return "<unparseable URL>"
  }
}

/** One line per setting, secrets redacted: what `serve` prints at start. */
export const describeSettings = (s: EnforcerSettings): ReadonlyArray<string> => [
  `database: ${
    s.database._tag === "Embedded"
      ? `embedded PGlite (${s.database.dir})`
      : s.database._tag === "Memory"
      ? "in-memory PGlite"
      : redactUrl(Redacted.value(s.database.url))
  }`,
  `redis:    ${
    s.redisClusterNodes !== undefined && s.redisClusterNodes.length > 0
      ? `cluster ${s.redisClusterNodes.join(",")}`
      : redactUrl(Redacted.value(s.redisUrl))
  } (keys under "${s.keyPrefix}:")`,
  `s3:       ${s.s3._tag === "Embedded" ? `embedded file store (${s.s3.dir}), bucket ${s.s3.bucket}` : `${s.s3.endpoint} bucket ${s.s3.bucket} (key ${s.s3.accessKeyId}, secret ***)`}`,
  `cold:     ${s.coldStorage.mode === "bucket" ? `bucket ${s.coldStorage.bucket}` : `storage class ${s.coldStorage.storageClass}`}`,
  `sheet:    ${s.sheetPath}`
]
