// Tiering: assets past their TTL are deleted (their storage comes back); content is moved to cold storage or back
// by the model's tiering policy, each move booked with its monthly saving.
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import { sql } from "kysely"
import { decideTiering, formatMoney, priceOfBytes, sumMoney, tieringPolicy } from "../../../model/index.ts"
import { EnforcerConfig } from "../../config/EnforcerConfig.ts"
import { Database, sumToBigInt } from "../../db/Database.ts"
import { PriceSheet } from "../../quota/PriceSheet.ts"
import { TimeSource } from "../../quota/TimeSource.ts"
import { tenantKeys } from "../../redis/keys.ts"
import { RedisClient } from "../../redis/RedisClient.ts"
import { ObjectStore } from "../../s3/ObjectStore.ts"
import { Assets } from "../Assets.ts"

export const tieringJob = Effect.gen(function*() {
  const config = yield* EnforcerConfig
  const database = yield* Database
  const objects = yield* ObjectStore
  const assets = yield* Assets
  const sheet = yield* PriceSheet
  const time = yield* TimeSource
  const redis = yield* RedisClient
  return Effect.gen(function*() {
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
          sql<string>`(select coalesce(sum(l.requests), 0) from usage_all l where l.user_id = c.user_id and l.kind = 'lookup'
            and l.occurred_at >= ${windowStart} and l.asset_id in (select asset_id from jettythunder_assets x
            where x.agentcache_user_id = c.user_id and x.content_hash = c.content_hash))`.as("hits"),
          sql<string>`(select coalesce(sum(l.requests), 0) from usage_all l where l.user_id = c.user_id and l.kind = 'lookup'
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
      // the cached metadata follows (best effort: PostgreSQL is the truth, and a miss there refills it)
      yield* database.use((db) =>
        db.selectFrom("jettythunder_assets").select("asset_id")
          .where("agentcache_user_id", "=", c.user_id).where("content_hash", "=", c.content_hash).execute()
      ).pipe(
        Effect.flatMap((ids) =>
          redis.run((r) =>
            Promise.all(ids.map((row) => r.hset(tenantKeys(config.keyPrefix, c.user_id).asset(row.asset_id), "class", toCold ? "cold" : "hot")))
          )
        ),
        Effect.ignore
      )
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
})
