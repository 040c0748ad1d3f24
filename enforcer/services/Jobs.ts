// The periodic jobs, runnable from the CLI, the admin API and the service's own scheduler. Each is idempotent and
// takes a Redis lock, so two instances (or a CLI run during `serve`) never run the same job at once.
import { randomUUID } from "node:crypto"
import * as BigDecimal from "effect/BigDecimal"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { sql } from "kysely"
import {
  decideTiering,
  formatMoney,
  priceOfBytes,
  roundMoney,
  sumMoney,
  type TierId,
  tieringPolicy,
  tierOf
} from "../../model/index.ts"
import { EnforcerConfig } from "../config/EnforcerConfig.ts"
import { Database, sumToBigInt } from "../db/Database.ts"
import { appendLedger } from "../db/ledger.repository.ts"
import { listUsers } from "../db/users.repository.ts"
import type { Contention, DatabaseError, Missing, RedisUnavailable, StorageError, UnknownUser } from "../errors.ts"
import { PriceSheet } from "../quota/PriceSheet.ts"
import { QuotaStore } from "../quota/QuotaStore.ts"
import { periodBounds, periodOf, periodStartDate, TimeSource } from "../quota/TimeSource.ts"
import { tenantKeys } from "../redis/keys.ts"
import { RedisClient } from "../redis/RedisClient.ts"
import { ObjectStore } from "../s3/ObjectStore.ts"
import { Assets } from "./Assets.ts"
import { Reports } from "./Reports.ts"

import { JOB_NAMES, type JobName } from "../api/schemas.ts"
export { JOB_NAMES, type JobName }

/** Another run of the same job holds its lock. */
export class JobBusy extends Schema.TaggedError<JobBusy>()("JobBusy", { job: Schema.String }) {}

type Failure = RedisUnavailable | DatabaseError | StorageError | Contention | UnknownUser | Missing | JobBusy

export interface JobsShape {
  readonly run: (job: JobName) => Effect.Effect<Record<string, unknown>, Failure>
}

export class Jobs extends Context.Service<Jobs, JobsShape>()("enforcer/Jobs") {
  static readonly layer = Layer.effect(
    Jobs,
    Effect.gen(function*() {
      const config = yield* EnforcerConfig
      const database = yield* Database
      const quota = yield* QuotaStore
      const objects = yield* ObjectStore
      const assets = yield* Assets
      const reports = yield* Reports
      const sheet = yield* PriceSheet
      const time = yield* TimeSource
      const redis = yield* RedisClient

      const withLock = <A, E>(job: JobName, body: Effect.Effect<A, E>) =>
        Effect.gen(function*() {
          const key = `${config.keyPrefix}:lock:job:${job}`
          const token = randomUUID()
          const got = yield* redis.run((r) => r.set(key, token, "PX", 600_000, "NX"))
          if (got !== "OK") return yield* new JobBusy({ job })
          return yield* body.pipe(Effect.ensuring(
            redis.run((r) =>
              r.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", 1, key, token)
            ).pipe(Effect.ignore)
          ))
        })

      // Every user whose period has ended starts the current one: its subscription is booked once (op id per period).
      const rollover = Effect.gen(function*() {
        const now = yield* time.now
        const period = periodOf(now)
        const { start, end } = periodBounds(period)
        const due = yield* database.use((db) =>
          db.selectFrom("user_storage_quotas").select(["user_id", "tier", "monthly_price", "period_start"])
            .where("period_end", "<=", new Date(now)).execute()
        )
        const rolled: Array<Record<string, unknown>> = []
        for (const u of due) {
          const price = formatMoney(roundMoney(tierOf(sheet, u.tier as TierId).price))
          yield* database.use((db) =>
            db.transaction().execute(async (tx) => {
              await appendLedger(tx, [{
                userId: u.user_id,
                period,
                occurredAt: new Date(now),
                kind: "subscription",
                opId: `sub:${u.user_id}:${period}`,
                tier: u.tier,
                amount: price
              }])
              await tx.updateTable("user_storage_quotas")
                .set({ period_start: start, period_end: end, monthly_price: price, updated_at: new Date(now) })
                .where("user_id", "=", u.user_id).where("period_end", "<=", new Date(now)).execute()
            })
          )
          rolled.push({ user_id: u.user_id, tier: u.tier, from: periodOf(u.period_start.getTime()), to: period, amount: price })
        }
        // requests and bandwidth need no reset: they are counted per period (a new month is a new Redis key)
        return { period, rolled_over: rolled.length, users: rolled }
      })

      const alerts = Effect.gen(function*() {
        const all = yield* reports.alerts
        const now = yield* time.now
        let recorded = 0
        for (const a of all) {
          const inserted = yield* database.use((db) =>
            db.insertInto("usage_alerts").values({
              user_id: a.user_id,
              period_start: periodStartDate(a.period),
              dimension: a.dimension,
              percent: a.percent,
              message: a.message,
              created_at: new Date(now)
            }).onConflict((oc) => oc.columns(["user_id", "period_start", "dimension"]).doNothing())
              .returning("user_id").executeTakeFirst()
          )
          if (inserted !== undefined) recorded++
        }
        return { alerts: all, newly_recorded: recorded }
      })

      const tiering = Effect.gen(function*() {
        const now = yield* time.now
        // assets past their TTL go first: their storage comes back
        const expired = yield* database.use((db) =>
          db.selectFrom("jettythunder_assets").select(["asset_id", "agentcache_user_id"])
            .where("ttl_expires_at", "<=", new Date(now)).execute()
        )
        for (const a of expired) {
          yield* assets.remove(a.agentcache_user_id, a.asset_id).pipe(Effect.catchTag("Missing", () => Effect.void))
        }
        const policy = tieringPolicy(sheet)
        const windowStart = new Date(now - policy.coldAfterMs)
        const contents = yield* database.use((db) =>
          db.selectFrom("content_objects as c")
            .innerJoin("jettythunder_assets as a", (j) =>
              j.onRef("a.agentcache_user_id", "=", "c.user_id").onRef("a.content_hash", "=", "c.content_hash"))
            .select([
              "c.user_id",
              "c.content_hash",
              "c.size_bytes",
              "c.bucket",
              "c.object_key",
              "c.storage_class",
              sql<Date>`max(a.last_accessed)`.as("last_accessed"),
              sql<string>`min(a.mime_type)`.as("mime_type"),
              sql<string>`(select count(*) from usage_ledger l where l.user_id = c.user_id and l.kind = 'lookup'
                and l.occurred_at >= ${windowStart} and l.asset_id in (select asset_id from jettythunder_assets x
                where x.agentcache_user_id = c.user_id and x.content_hash = c.content_hash))`.as("hits"),
              sql<string>`(select count(*) from usage_ledger l where l.user_id = c.user_id and l.kind = 'lookup'
                and l.occurred_at >= ${windowStart})`.as("lookups")
            ])
            .groupBy(["c.user_id", "c.content_hash", "c.size_bytes", "c.bucket", "c.object_key", "c.storage_class"])
            .execute()
        )
        const p = sheet.unit_prices
        const perGbSaving = BigDecimal.subtract(p.lyve_per_gb_month, p.cold_per_gb_month)
        const moves: Array<Record<string, unknown>> = []
        const savings: Array<BigDecimal.BigDecimal> = []
        for (const c of contents) {
          const lookups = Number(sumToBigInt(c.lookups))
          // a probability (statistics), so a float is the right type; no lookups at all is a 0 hit rate
          const hitRate = lookups === 0 ? 0 : Number(sumToBigInt(c.hits)) / lookups
          const action = decideTiering(policy, {
            lastAccessedAt: new Date(c.last_accessed).getTime(),
            hitRate,
            storageClass: c.storage_class
          }, now)
          if (action._tag === "Stay") continue
          const toCold = action._tag === "MoveToCold"
          const target = toCold
            ? (config.coldStorage.mode === "bucket"
              ? { bucket: config.coldStorage.bucket }
              : { bucket: c.bucket, storageClass: config.coldStorage.storageClass })
            : { bucket: objects.bucket, storageClass: "STANDARD" }
          yield* objects.move({ bucket: c.bucket, key: c.object_key }, target, c.mime_type)
          const size = BigInt(c.size_bytes)
          const saving = priceOfBytes(size, toCold ? perGbSaving : BigDecimal.negate(perGbSaving))
          yield* database.use((db) =>
            db.transaction().execute(async (tx) => {
              await tx.updateTable("content_objects").set({ storage_class: toCold ? "cold" : "hot", bucket: target.bucket })
                .where("user_id", "=", c.user_id).where("content_hash", "=", c.content_hash).execute()
              await tx.insertInto("tiering_moves").values({
                user_id: c.user_id,
                content_hash: c.content_hash,
                size_bytes: size.toString(),
                from_class: c.storage_class,
                to_class: toCold ? "cold" : "hot",
                monthly_saving: BigDecimal.format(saving),
                moved_at: new Date(now)
              }).execute()
            })
          )
          yield* redis.run(async (r) => {
            const ids = await sql<{ asset_id: string }>`select asset_id from jettythunder_assets
              where agentcache_user_id = ${c.user_id} and content_hash = ${c.content_hash}`.execute(database.db)
            for (const row of ids.rows) {
              await r.hset(tenantKeys(config.keyPrefix, c.user_id).asset(row.asset_id), "class", toCold ? "cold" : "hot")
            }
          }).pipe(Effect.ignore)
          savings.push(saving)
          moves.push({
            user_id: c.user_id,
            content_hash: c.content_hash,
            size_bytes: Number(size),
            to: toCold ? "cold" : "hot",
            ...(action._tag === "MoveToCold" ? { idle_days: action.idleDays } : { hit_rate: action.hitRate }),
            monthly_saving: BigDecimal.format(BigDecimal.normalize(saving))
          })
        }
        const total = sumMoney(savings)
        return {
          expired_assets_deleted: expired.length,
          moved_to_cold: moves.filter((m) => m["to"] === "cold").length,
          moved_to_hot: moves.filter((m) => m["to"] === "hot").length,
          monthly_saving: formatMoney(total),
          monthly_saving_exact: BigDecimal.format(BigDecimal.normalize(total)),
          moves
        }
      })

      const reconcile = Effect.gen(function*() {
        const now = yield* time.now
        const grace = 2 * config.reservationTtlMs
        const users = yield* database.use(listUsers)
        const results: Array<Record<string, unknown>> = []
        for (const u of users) {
          // the bytes actually held (content rows) against what the ledger booked: the ledger gets a correcting row.
          // One statement, so one snapshot: read apart, an upload or delete committing between the two reads (they
          // book content and ledger in one transaction) would look like drift and be "corrected" for ever.
          const sums = yield* database.use((db) =>
            sql<{ held: string; booked: string }>`select
              (select coalesce(sum(size_bytes), 0) from content_objects where user_id = ${u.userId}) as held,
              (select coalesce(sum(storage_bytes), 0) from usage_ledger where user_id = ${u.userId}) as booked`
              .execute(db)
          )
          const ledgerDrift = sumToBigInt(sums.rows[0]!.held) - sumToBigInt(sums.rows[0]!.booked)
          if (ledgerDrift !== 0n) {
            yield* database.use((db) =>
              appendLedger(db, [{
                userId: u.userId,
                period: periodOf(now),
                occurredAt: new Date(now),
                kind: "reconcile",
                opId: `reconcile:${u.userId}:${randomUUID()}`,
                storageBytes: ledgerDrift
              }])
            )
          }
          const r = yield* quota.repair(u.userId)
          results.push({
            user_id: u.userId,
            status: r.status,
            ledger_storage_drift_bytes: Number(ledgerDrift),
            redis: { storage_bytes: Number(r.redis.storageBytes), requests: Number(r.redis.requests), bandwidth_bytes: Number(r.redis.bandwidthBytes) },
            ledger: { storage_bytes: Number(r.ledger.storageBytes), requests: Number(r.ledger.requests), bandwidth_bytes: Number(r.ledger.bandwidthBytes) }
          })
        }
        // an object or upload under assets/<user>/<reservation id> whose reservation is still held is a live upload
        const live = (key: string) => {
          const [, userId, id] = key.split("/")
          return userId && id ? quota.isHeld(userId, id) : Effect.succeed(false)
        }
        // objects nobody references (an upload that crashed before it was recorded), past the reservation grace
        const known = new Set(
          (yield* database.use((db) => db.selectFrom("content_objects").select(["bucket", "object_key"]).execute()))
            .map((o) => `${o.bucket}/${o.object_key}`)
        )
        // asked again after `live` said no: an upload that outlived the grace may have been recorded (PostgreSQL, then
        // its reservation committed) since `known` was read, and its object is then no orphan
        const recordedNow = (bucket: string, key: string) =>
          database.use((db) =>
            db.selectFrom("content_objects").select("object_key").where("bucket", "=", bucket).where("object_key", "=", key)
              .executeTakeFirst()
          ).pipe(Effect.map((r) => r !== undefined))
        const buckets = [...new Set([objects.bucket, objects.coldBucket])]
        let orphansDeleted = 0
        const present = new Set<string>()
        for (const b of buckets) {
          for (const o of yield* objects.list(b, "assets/")) {
            present.add(`${b}/${o.key}`)
            if (known.has(`${b}/${o.key}`)) continue
            if (o.lastModified !== undefined && now - o.lastModified.getTime() < grace) continue
            if (yield* live(o.key)) continue
            if (yield* recordedNow(b, o.key)) continue
            yield* objects.remove(b, o.key)
            orphansDeleted++
          }
        }
        const missing = [...known].filter((k) => !present.has(k))
        let aborted = 0
        for (const b of buckets) {
          for (const u of yield* objects.listMultipartUploads(b)) {
            if (u.initiated !== undefined && now - u.initiated.getTime() < grace) continue
            if (yield* live(u.key)) continue
            yield* objects.abortMultipartUpload(b, u.key, u.uploadId)
            aborted++
          }
        }
        return {
          users: results,
          drifted_users: results.filter((r) => r["status"] !== "in_sync" || r["ledger_storage_drift_bytes"] !== 0).length,
          orphan_objects_deleted: orphansDeleted,
          missing_objects: missing,
          stale_multipart_uploads_aborted: aborted
        }
      })

      const jobs: Record<JobName, Effect.Effect<Record<string, unknown>, Failure>> = { rollover, alerts, tiering, reconcile }
      return { run: (job) => withLock(job, jobs[job]) }
    })
  )
}
