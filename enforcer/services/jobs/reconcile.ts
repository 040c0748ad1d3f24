// Reconcile, both directions between the bucket and the books: orphan objects (stored, never recorded) and stale
// multipart uploads past the reservation grace removed; rows whose object is missing (recorded, not stored) removed
// and un-billed; then the ledger against the content actually held (a correcting row), Redis against the ledger.
import { randomUUID } from "node:crypto"
import * as Effect from "effect/Effect"
import { sql } from "kysely"
import { EnforcerConfig } from "../../config/EnforcerConfig.ts"
import { Database, sumToBigInt } from "../../db/Database.ts"
import { appendLedger, entryFor } from "../../db/ledger.repository.ts"
import { listUsers } from "../../db/users.repository.ts"
import { QuotaStore } from "../../quota/QuotaStore.ts"
import { periodOf, TimeSource } from "../../quota/TimeSource.ts"
import { tenantKeys } from "../../redis/keys.ts"
import { RedisClient } from "../../redis/RedisClient.ts"
import { ObjectStore } from "../../s3/ObjectStore.ts"

export const reconcileJob = Effect.gen(function*() {
  const config = yield* EnforcerConfig
  const database = yield* Database
  const quota = yield* QuotaStore
  const objects = yield* ObjectStore
  const time = yield* TimeSource
  const redis = yield* RedisClient
  const removeMissing = (bucket: string, key: string) =>
    Effect.gen(function*() {
      const row = yield* database.use((db) =>
        db.selectFrom("content_objects").select(["user_id", "content_hash", "bucket", "object_key"])
          .where("bucket", "=", bucket).where("object_key", "=", key).executeTakeFirst()
      )
      if (row === undefined || (yield* objects.head(row.bucket, row.object_key)) !== undefined) return false
      const assetIds = yield* database.use((db) =>
        db.transaction().execute(async (tx) => {
          const gone = await tx.deleteFrom("jettythunder_assets").where("agentcache_user_id", "=", row.user_id)
            .where("content_hash", "=", row.content_hash).returning("asset_id").execute()
          await tx.deleteFrom("content_objects").where("user_id", "=", row.user_id)
            .where("content_hash", "=", row.content_hash).where("object_key", "=", row.object_key).execute()
          return gone.map((a) => a.asset_id)
        })
      )
      // lookups read metadata from Redis first: the removed assets must not be found there
      const k = tenantKeys(config.keyPrefix, row.user_id)
      yield* redis.run((r) => (assetIds.length > 0 ? r.del(...assetIds.map((id) => k.asset(id))) : Promise.resolve(0)))
        .pipe(Effect.ignore)
      return true
    })

  return Effect.gen(function*() {
    const now = yield* time.now
    const grace = 2 * config.reservationTtlMs
    const users = yield* database.use(listUsers)
    // reservations whose request died settle first (a snapshot does it), so that their uploads no longer count as live
    yield* Effect.forEach(users, (u) => quota.snapshot(u.userId).pipe(Effect.ignore), { discard: true })
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
    // rows whose object is gone (a fault): checked once more where the row says it is now (tiering may have moved
    // it meanwhile), then removed with their assets; the storage they booked is taken off by the drift correction
    // below, so what was never stored is never billed
    const missing: Array<string> = []
    for (const k of known) {
      if (present.has(k)) continue
      const slash = k.indexOf("/")
      if (yield* removeMissing(k.slice(0, slash), k.slice(slash + 1))) missing.push(k)
    }
    let aborted = 0
    for (const b of buckets) {
      for (const u of yield* objects.listMultipartUploads(b)) {
        if (u.initiated !== undefined && now - u.initiated.getTime() < grace) continue
        if (yield* live(u.key)) continue
        yield* objects.abortMultipartUpload(b, u.key, u.uploadId)
        aborted++
      }
    }
    const results: Array<Record<string, unknown>> = []
    for (const u of users) {
      // the bytes actually held (content rows) against what the ledger booked: the ledger gets a correcting row.
      // One statement, so one snapshot: read apart, an upload or delete committing between the two reads (they
      // book content and ledger in one transaction) would look like drift and be "corrected" for ever.
      const sums = yield* database.use((db) =>
        sql<{ held: string; booked: string }>`select
          (select coalesce(sum(size_bytes), 0) from content_objects where user_id = ${u.userId}) as held,
          (select coalesce(sum(storage_bytes), 0) from usage_all where user_id = ${u.userId}) as booked`
          .execute(db)
      )
      const ledgerDrift = sumToBigInt(sums.rows[0]!.held) - sumToBigInt(sums.rows[0]!.booked)
      if (ledgerDrift !== 0n) {
        yield* database.use((db) =>
          appendLedger(db, [
            entryFor({ userId: u.userId, period: periodOf(now), id: `reconcile:${u.userId}:${randomUUID()}` }, now, "reconcile", {
              storageBytes: ledgerDrift
            })
          ])
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
    return {
      users: results,
      drifted_users: results.filter((r) => r["status"] !== "in_sync" || r["ledger_storage_drift_bytes"] !== 0).length,
      orphan_objects_deleted: orphansDeleted,
      missing_objects: missing,
      stale_multipart_uploads_aborted: aborted
    }
  })
})
