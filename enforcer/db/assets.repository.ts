// Assets and the content they point to. Content is stored once per tenant and reference-counted: the first asset
// with a given SHA-256 is charged its bytes, later ones share it for free, the last one out frees the bytes.
import type { Kysely, Transaction } from "kysely"
import { sql } from "kysely"
import { appendLedger, type LedgerEntry } from "./ledger.repository.ts"
import type { DB } from "./schema.table.ts"

type Q = Kysely<DB> | Transaction<DB>

export interface AssetRow {
  readonly assetId: string
  readonly userId: string
  readonly contentHash: string
  readonly sizeBytes: bigint
  readonly mimeType: string
  readonly cacheKey: string
  readonly hitCount: bigint
  readonly lastAccessed: Date
  readonly ttlExpiresAt: Date | null
  readonly createdAt: Date
  readonly bucket: string
  readonly objectKey: string
  readonly storageClass: "hot" | "cold"
}

const assetColumns = [
  "a.asset_id",
  "a.agentcache_user_id",
  "a.content_hash",
  "a.size_bytes",
  "a.mime_type",
  "a.cache_key",
  "a.hit_count",
  "a.last_accessed",
  "a.ttl_expires_at",
  "a.created_at",
  "c.bucket",
  "c.object_key",
  "c.storage_class"
] as const

const toAsset = (r: {
  asset_id: string
  agentcache_user_id: string
  content_hash: string
  size_bytes: bigint
  mime_type: string
  cache_key: string
  hit_count: bigint
  last_accessed: Date
  ttl_expires_at: Date | null
  created_at: Date
  bucket: string
  object_key: string
  storage_class: "hot" | "cold"
}): AssetRow => ({
  assetId: r.asset_id,
  userId: r.agentcache_user_id,
  contentHash: r.content_hash,
  sizeBytes: BigInt(r.size_bytes),
  mimeType: r.mime_type,
  cacheKey: r.cache_key,
  hitCount: BigInt(r.hit_count),
  lastAccessed: r.last_accessed,
  ttlExpiresAt: r.ttl_expires_at,
  createdAt: r.created_at,
  bucket: r.bucket,
  objectKey: r.object_key,
  storageClass: r.storage_class
})

/** Assets joined with the stored content they reference (size, hash, storage class live on the content). */
const assetsWithContent = (db: Q) =>
  db
    .selectFrom("jettythunder_assets as a")
    .innerJoin("content_objects as c", (j) =>
      j.onRef("c.user_id", "=", "a.agentcache_user_id").onRef("c.content_hash", "=", "a.content_hash"))
    .select(assetColumns)

/** An asset of this tenant (another tenant's id is simply not found). */
export const findAsset = async (db: Q, userId: string, assetId: string): Promise<AssetRow | undefined> => {
  const r = await assetsWithContent(db)
    .where("a.asset_id", "=", assetId)
    .where("a.agentcache_user_id", "=", userId)
    .executeTakeFirst()
  return r === undefined ? undefined : toAsset(r)
}

export const findAssetByCacheKey = async (db: Q, userId: string, cacheKey: string): Promise<AssetRow | undefined> => {
  const r = await assetsWithContent(db)
    .where("a.agentcache_user_id", "=", userId)
    .where("a.cache_key", "=", cacheKey)
    .orderBy("a.created_at", "desc")
    .orderBy("a.asset_id", "desc")
    .executeTakeFirst()
  return r === undefined ? undefined : toAsset(r)
}

export const findIdempotent = async (db: Q, userId: string, key: string) =>
  db.selectFrom("idempotency_keys").select(["status", "response"]).where("user_id", "=", userId).where("key", "=", key)
    .executeTakeFirst()

export class IdempotencyConflict extends Error {
  readonly _tag = "IdempotencyConflict"
}

/**
 * Record a stored asset in one transaction: the content (new, or one more reference), the asset, its ledger row, and
 * the idempotency key with the answer it replays. If the key was claimed meanwhile, nothing is written.
 */
export const insertAsset = async (
  db: Kysely<DB>,
  input: Pick<
    AssetRow,
    "assetId" | "userId" | "contentHash" | "sizeBytes" | "mimeType" | "cacheKey" | "ttlExpiresAt" | "bucket" | "objectKey"
  > & {
    readonly now: Date
    readonly ledger: (deduplicated: boolean) => LedgerEntry
    readonly idempotency: { readonly key: string; readonly response: (deduplicated: boolean) => string } | undefined
  }
): Promise<{ readonly deduplicated: boolean; readonly objectKey: string }> =>
  db.transaction().execute(async (tx) => {
    if (input.idempotency !== undefined) {
      const claimed = await tx
        .insertInto("idempotency_keys")
        .values({ user_id: input.userId, key: input.idempotency.key, status: 201, response: "" })
        .onConflict((oc) => oc.columns(["user_id", "key"]).doNothing())
        .returning("key")
        .executeTakeFirst()
      if (claimed === undefined) throw new IdempotencyConflict(input.idempotency.key)
    }
    // xmax = 0 on the returned row means this statement inserted it (no earlier content with this hash)
    const content = await tx
      .insertInto("content_objects")
      .values({
        user_id: input.userId,
        content_hash: input.contentHash,
        size_bytes: input.sizeBytes.toString(),
        bucket: input.bucket,
        object_key: input.objectKey,
        refcount: 1
      })
      .onConflict((oc) => oc.columns(["user_id", "content_hash"]).doUpdateSet({ refcount: sql`content_objects.refcount + 1` }))
      .returning(["object_key", sql<boolean>`(xmax = 0)`.as("inserted")])
      .executeTakeFirstOrThrow()
    const deduplicated = !content.inserted
    await tx.insertInto("jettythunder_assets").values({
      asset_id: input.assetId,
      agentcache_user_id: input.userId,
      content_hash: input.contentHash,
      size_bytes: input.sizeBytes.toString(),
      mime_type: input.mimeType,
      cache_key: input.cacheKey,
      last_accessed: input.now,
      ttl_expires_at: input.ttlExpiresAt,
      created_at: input.now
    }).execute()
    await appendLedger(tx, [input.ledger(deduplicated)])
    if (input.idempotency !== undefined) {
      await tx.updateTable("idempotency_keys").set({ response: input.idempotency.response(deduplicated) })
        .where("user_id", "=", input.userId).where("key", "=", input.idempotency.key).execute()
    }
    return { deduplicated, objectKey: content.object_key }
  })

/**
 * Remove an asset; when it was the content's last reference, remove the content too and book the freed bytes.
 * Returns the object to delete from S3 (only after this commits), or undefined if the content is still referenced.
 */
export const deleteAsset = async (
  db: Kysely<DB>,
  input: { readonly userId: string; readonly assetId: string; readonly ledger: (freed: bigint) => LedgerEntry }
): Promise<{ readonly found: boolean; readonly freed?: { readonly bucket: string; readonly key: string; readonly bytes: bigint } }> =>
  db.transaction().execute(async (tx) => {
    const asset = await tx
      .deleteFrom("jettythunder_assets")
      .where("asset_id", "=", input.assetId)
      .where("agentcache_user_id", "=", input.userId)
      .returning(["content_hash"])
      .executeTakeFirst()
    if (asset === undefined) return { found: false }
    const content = await tx
      .updateTable("content_objects")
      .set({ refcount: sql`refcount - 1` })
      .where("user_id", "=", input.userId)
      .where("content_hash", "=", asset.content_hash)
      .returning(["refcount", "size_bytes", "bucket", "object_key"])
      .executeTakeFirstOrThrow()
    if (content.refcount > 0) return { found: true }
    await tx.deleteFrom("content_objects").where("user_id", "=", input.userId).where("content_hash", "=", asset.content_hash)
      .execute()
    const bytes = BigInt(content.size_bytes)
    await appendLedger(tx, [input.ledger(bytes)])
    return { found: true, freed: { bucket: content.bucket, key: content.object_key, bytes } }
  })

export const recordAccess = async (db: Q, assetId: string, at: Date, hit: boolean) => {
  await db
    .updateTable("jettythunder_assets")
    .set(hit ? { hit_count: sql`hit_count + 1`, last_accessed: at } : { last_accessed: at })
    .where("asset_id", "=", assetId)
    .execute()
}
