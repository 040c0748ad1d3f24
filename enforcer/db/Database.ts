// PostgreSQL, the durable truth: embedded PGlite (one process only, guarded by a lock file) or a server through pg.
// Both drivers are told to return int8 as bigint, numeric as an exact string and date as 'YYYY-MM-DD'.
// A server connection that dies or stops answering never takes the process down and never hangs a request: every
// client has an 'error' listener (pg emits one on a checked-out client whose backend dies, and Node exits on an
// unhandled one), every statement and every connect has a deadline, and a client that missed one is discarded.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import { PGlite } from "@electric-sql/pglite"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { Kysely, PGliteDialect, PostgresDialect, sql } from "kysely"
import { FileMigrationProvider, Migrator } from "kysely/migration"
import pg from "pg"
import { type DatabaseConfig, EnforcerConfig } from "../config/EnforcerConfig.ts"
import { DatabaseError } from "../errors.ts"
import type { DB } from "./schema.table.ts"
import { isAlive } from "../processAlive.ts"
import { pgliteBootOptions, pgliteTemplate } from "./pgliteBoot.ts"

const OID = { INT8: 20, NUMERIC: 1700, DATE: 1082 } as const

export interface DatabaseShape {
  readonly db: Kysely<DB>
  readonly kind: "pglite" | "pg"
  /** Run one query (or a transaction) and map any driver error to DatabaseError. */
  readonly use: <A>(f: (db: Kysely<DB>) => Promise<A>) => Effect.Effect<A, DatabaseError>
}

export class Database extends Context.Service<Database, DatabaseShape>()("enforcer/Database") {
  /** Opens, migrates and (at scope end) closes the database the configuration names. */
  static readonly layer = Layer.effect(
    Database,
    Effect.gen(function*() {
      const config = yield* EnforcerConfig
      const db = yield* Effect.acquireRelease(
        openDatabase(config.database, config.backendTimeoutMs),
        (h) => Effect.promise(() => h.close())
      )
      const migrating = db.forMigrations?.() ?? db.db
      yield* migrate(migrating, config.database._tag === "Server" ? config.database.schema : undefined).pipe(
        Effect.ensuring(migrating === db.db ? Effect.void : Effect.promise(() => migrating.destroy().catch(() => undefined)))
      )
      return makeShape(db.db, db.kind, config.backendTimeoutMs)
    })
  )

  /** Wraps a Kysely opened elsewhere (tests share one PGlite between two service instances). Not closed here. */
  static readonly layerFrom = (db: Kysely<DB>, kind: "pglite" | "pg", timeoutMs = 2_000) =>
    Layer.succeed(Database, makeShape(db, kind, timeoutMs))
}

export const databaseError = (cause: unknown) =>
  new DatabaseError({ message: `database: ${cause instanceof Error ? cause.message : String(cause)}`, cause })

/**
 * The driver's own deadlines (per statement, per connect) end a call first and say whether it failed; this backstop
 * only answers a caller whose driver hangs anyway (a transaction of many statements). A write it abandons may still
 * commit: reconcile settles such a row against what is stored.
 */
const makeShape = (db: Kysely<DB>, kind: "pglite" | "pg", timeoutMs: number): DatabaseShape => ({
  db,
  kind,
  use: (f) => {
    const call = Effect.tryPromise({ try: () => f(db), catch: databaseError })
    // the embedded database lives in this process: it cannot be cut off, only busy, and a busy queue is no outage
    // interruptible even when the caller is not (an upload's recording, a batch forked from one): else the backstop
    // could not end a call whose promise never settles, and the caller (and shutdown) would wait on it for good
    return kind === "pglite" ? call : call.pipe(
      Effect.interruptible,
      Effect.timeoutOrElse({
        duration: 4 * timeoutMs,
        orElse: () => Effect.fail(new DatabaseError({ message: `database: no answer within ${4 * timeoutMs} ms` }))
      })
    )
  }
})

interface Opened {
  readonly db: Kysely<DB>
  readonly kind: "pglite" | "pg"
  readonly close: () => Promise<void>
  /** a separate connection for migrations, with a start-up deadline (servers only; the caller destroys it) */
  readonly forMigrations?: () => Kysely<DB>
}

/** How long one migration statement may take at start-up (a request's deadline is far shorter). */
const MIGRATION_DEADLINE_MS = 60_000

const PARSERS = { [OID.INT8]: (x: string) => BigInt(x), [OID.NUMERIC]: (x: string) => x, [OID.DATE]: (x: string) => x }

export const openDatabase = (config: DatabaseConfig, timeoutMs = 2_000): Effect.Effect<Opened, DatabaseError> =>
  Effect.tryPromise({
    try: async (): Promise<Opened> => {
      if (config._tag === "Memory") {
        const pglite = await PGlite.create({
          ...(await pgliteBootOptions()),
          loadDataDir: (await pgliteTemplate(migratedTemplate, true))!,
          parsers: PARSERS
        })
        const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) })
        return { db, kind: "pglite", close: () => db.destroy().then(() => pglite.close()).catch(() => undefined) }
      }
      if (config._tag === "Embedded") {
        mkdirSync(config.dir, { recursive: true })
        const releaseLock = takeLock(path.join(config.dir, "..", "pg.lock"))
        try {
          // a new directory starts from the template when one is set (ECON_PGLITE_TEMPLATE), else from its own initdb
          const template = existsSync(path.join(config.dir, "PG_VERSION")) ? undefined : await pgliteTemplate(migratedTemplate, false)
          const pglite = await PGlite.create(config.dir, {
            ...(await pgliteBootOptions()),
            ...(template !== undefined ? { loadDataDir: template } : {}),
            parsers: PARSERS
          })
          const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) })
          return {
            db,
            kind: "pglite",
            close: async () => {
              await db.destroy().catch(() => undefined)
              await pglite.close().catch(() => undefined)
              releaseLock()
            }
          }
        } catch (e) {
          releaseLock()
          throw e
        }
      }
      const schema = config.schema
      if (schema !== undefined) {
        // a fresh schema per test file: parallel suites never see each other's rows
        const admin = new pg.Client({ connectionString: Redacted.value(config.url), connectionTimeoutMillis: MIGRATION_DEADLINE_MS })
        admin.on("error", () => undefined)
        await admin.connect()
        try {
          await admin.query(`create schema if not exists "${schema.replaceAll('"', "")}"`)
        } finally {
          await admin.end()
        }
      }
      const poolOf = (deadlineMs: number, max: number) => {
        const pool = new pg.Pool({
          connectionString: Redacted.value(config.url),
          max,
          // connecting to the server gets the deadline; waiting for a free client of the pool (busy, not broken)
          // gets longer, up to the request's backstop: a burst of requests queues instead of answering 503
          Client: class extends pg.Client {
            constructor(c?: pg.ClientConfig) {
              super({ ...c, connectionTimeoutMillis: deadlineMs })
            }
          },
          connectionTimeoutMillis: 4 * deadlineMs,
          // the client gives up on a statement after the deadline; the server cancels it too, and ends a transaction
          // left open by a client that vanished (a cut link never says goodbye)
          query_timeout: deadlineMs,
          statement_timeout: deadlineMs,
          idle_in_transaction_session_timeout: 10 * deadlineMs,
          keepAlive: true,
          ...(schema !== undefined ? { options: `-c search_path="${schema.replaceAll('"', "")}"` } : {}),
          types: {
            getTypeParser: ((oid: number, format?: string) => {
              if (oid === OID.INT8) return (x: string) => BigInt(x)
              if (oid === OID.NUMERIC || oid === OID.DATE) return (x: string) => x
              return (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format)
            }) as typeof pg.types.getTypeParser
          }
        })
        pool.on("error", () => undefined) // idle-client errors surface on the next query instead of crashing
        pool.on("connect", (client) => client.on("error", () => undefined)) // checked-out clients too (STACK.md §7)
        return pool
      }
      const pool = poolOf(timeoutMs, 10)
      await pool.query("select 1")
      const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: discardingPool(pool) }) })
      return {
        db,
        kind: "pg",
        close: () => db.destroy(),
        // DDL on a busy server can take longer than a request may wait: migrations get their own connection and a
        // start-up deadline, so a slow start is slow, not a failed start
        forMigrations: () => new Kysely<DB>({ dialect: new PostgresDialect({ pool: poolOf(MIGRATION_DEADLINE_MS, 1) }) })
      }
    },
    catch: (cause) =>
      new DatabaseError({
        message: config._tag !== "Server"
          ? `cannot open the embedded database${config._tag === "Embedded" ? ` in ${config.dir}` : ""}: ${cause instanceof Error ? cause.message : String(cause)}`
          : `cannot connect to DATABASE_URL: ${cause instanceof Error ? cause.message : String(cause)}`,
        cause
      })
  })

/**
 * The pool as Kysely sees it, with one difference: a client whose statement missed its deadline is still waiting for
 * that answer (pg queues the next statement behind it), so it fails every later statement at once and is destroyed
 * on release instead of going back to the pool. A rollback after a timeout then costs nothing.
 */
const discardingPool = (pool: pg.Pool) => {
  const wrapped = new WeakMap<pg.PoolClient, pg.PoolClient>()
  const wrap = (client: pg.PoolClient): pg.PoolClient => {
    let broken: Error | undefined
    const query = (...args: Array<unknown>) => {
      if (broken !== undefined) return Promise.reject(broken)
      return (client.query as (...a: Array<unknown>) => Promise<unknown>)(...args).catch((e: unknown) => {
        if (e instanceof Error && /timeout|terminat|Connection terminated|connection error/i.test(e.message)) broken = e
        throw e
      })
    }
    const release = (destroy?: boolean | Error) => client.release(destroy || broken)
    return Object.assign(Object.create(client) as pg.PoolClient, { query, release })
  }
  return {
    connect: async () => {
      const client = await pool.connect()
      let w = wrapped.get(client)
      if (w === undefined) {
        w = wrap(client)
        wrapped.set(client, w)
      }
      return w
    },
    end: () => pool.end()
  } as unknown as pg.Pool
}

/** PGlite corrupts its files if two processes open them: a lock file with our pid refuses the second. */
const takeLock = (lockPath: string): (() => void) => {
  const tryCreate = () => {
    const fd = openSync(lockPath, "wx")
    writeSync(fd, String(process.pid))
    closeSync(fd)
  }
  try {
    tryCreate()
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e
    const pid = Number(readFileSync(lockPath, "utf8").trim())
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new Error(`it is in use by process ${pid} (a running \`econ serve\`?); stop it or route commands through it`)
    }
    rmSync(lockPath, { force: true }) // stale lock of a crashed process
    tryCreate()
  }
  return () => rmSync(lockPath, { force: true })
}


/** `schema`: where the migration bookkeeping lives when tables are not in `public` (a test's own schema). */
export const migrate = (db: Kysely<DB>, schema?: string) =>
  Effect.tryPromise({
    try: async () => {
      const migrator = new Migrator({
        db,
        ...(schema !== undefined ? { migrationTableSchema: schema } : {}),
        provider: new FileMigrationProvider({
          fs,
          path,
          migrationFolder: path.resolve(import.meta.dirname, "migrations"),
          import: (p: string) => import(pathToFileURL(p).href)
        } as ConstructorParameters<typeof FileMigrationProvider>[0])
      })
      // the migrator lists the tables of every schema: another suite dropping its own schema at that moment makes the
      // listing fail ("schema … does not exist"); that schema is not ours, so ask again
      const otherSchemaGone = (e: unknown) => {
        const m = /schema "([^"]+)" does not exist/.exec(e instanceof Error ? e.message : String(e))
        return m !== null && m[1] !== schema
      }
      let { error, results } = await migrator.migrateToLatest()
      for (let attempt = 0; attempt < 5 && error !== undefined && otherSchemaGone(error); attempt++) {
        ;({ error, results } = await migrator.migrateToLatest())
      }
      if (error) {
        const failed = results?.find((r) => r.status === "Error")
        throw new Error(`migration ${failed?.migrationName ?? "?"} failed: ${error instanceof Error ? error.message : String(error)}`)
      }
    },
    catch: (cause) => new DatabaseError({ message: cause instanceof Error ? cause.message : String(cause), cause })
  })

/** What a template holds: the schema migrated (its Kysely is left open: destroying it would close the PGlite before
 * it is dumped). */
export const migratedTemplate = (pglite: PGlite) => Effect.runPromise(migrate(new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) })))

/** `sum(...)` is numeric: a string on both drivers, null over no rows. */
export const sumToBigInt = (v: unknown): bigint => (v === null || v === undefined ? 0n : BigInt(String(v)))

export { sql }
