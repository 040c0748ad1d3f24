// The admission script is the model's rule, not a copy of it: for random usage (committed, held, a rewritten entry's
// bytes) and random requests on every tier, the script run by real Redis allows exactly when the model's `decide`
// does, and names the same dimension when it refuses. The limits it gets are the model's `limitsOf`.
import { fc, test } from "@fast-check/vitest"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import { afterAll, beforeAll, describe, expect } from "vitest"
import { decide, demandOf, limitsOf, type QuotaRequest, type TierId, tierOf, type Usage } from "../../model/index.ts"
import { DEFAULT_SHEET_PATH, loadSheet } from "../../io/sheetFile.ts"
import { tenantKeys } from "../redis/keys.ts"
import { decodeAdmit } from "../redis/replies.ts"
import { connectRedis, makeRedisShape, type RedisShape } from "../redis/RedisClient.ts"
import { dropRedisPrefix, REDIS_URL, uniqueId } from "../testkit/settings.ts"

const sheet = Result.getOrThrow(loadSheet(DEFAULT_SHEET_PATH))
const prefix = uniqueId("econadmit")
const PERIOD = "2026-11"
let redis: RedisShape

beforeAll(async () => {
  redis = makeRedisShape(await Effect.runPromise(connectRedis(REDIS_URL)))
})
afterAll(async () => {
  await redis.client.quit()
  await dropRedisPrefix(prefix)
})

const tierArb = fc.constantFrom<TierId>(...sheet.tiers.map((t) => t.id))
/** Amounts around every limit of the sheet (where off-by-one lives) and anywhere below 2^50. */
const amount = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 50n }),
  fc.constantFrom(...sheet.tiers.flatMap((t) => {
    const l = limitsOf(t)
    return [l.requests, l.redisBytes, l.storageBytes, l.bandwidthBytes].filter((x): x is bigint => x !== null)
  })).chain((l) => fc.bigInt({ min: -3n, max: 3n }).map((d) => (l + d < 0n ? 0n : l + d))),
  fc.bigInt({ min: 0n, max: 5n })
)
const usageArb = fc.record({ requests: amount, redisBytes: amount, storageBytes: amount, bandwidthBytes: amount })
const requestArb: fc.Arbitrary<QuotaRequest> = fc.oneof(
  fc.constant<QuotaRequest>({ kind: "cache_request" }),
  amount.map((bytes): QuotaRequest => ({ kind: "text_cache_write", bytes })),
  amount.map((bytes): QuotaRequest => ({ kind: "asset_store", bytes })),
  amount.map((bytes): QuotaRequest => ({ kind: "bandwidth", bytes }))
)

describe("admission script against the model", () => {
  test.prop([tierArb, usageArb, usageArb, amount, requestArb], { numRuns: 400 })(
    "allows exactly when decide allows, refusing on the same dimension",
    async (tier, committed, held, entryBytes, request) => {
      const modelTier = tierOf(sheet, tier)
      // the multimodal rule is the model's own call before the script (it does not depend on usage)
      fc.pre(modelTier.multimodal || request.kind === "cache_request" || request.kind === "text_cache_write")
      const entry = entryBytes <= committed.redisBytes ? entryBytes : committed.redisBytes
      const k = tenantKeys(prefix, uniqueId("u"))
      await redis.client.hset(k.state, {
        hydrated: "1",
        tier,
        ver: "1",
        cseq: "0",
        storage: committed.storageBytes.toString(),
        redis: committed.redisBytes.toString(),
        [`hreq:${PERIOD}`]: held.requests.toString(),
        h_redis: held.redisBytes.toString(),
        h_storage: held.storageBytes.toString(),
        [`hbw:${PERIOD}`]: held.bandwidthBytes.toString()
      })
      await redis.client.hset(k.period(PERIOD), { requests: committed.requests.toString(), bandwidth: committed.bandwidthBytes.toString() })
      await redis.client.hset(k.cacheSizes, "entry", entry.toString())
      const limits = limitsOf(modelTier)
      const demand = demandOf(request)
      const raw = await Effect.runPromise(redis.script("econAdmit", [k.state, k.resv, k.resvExp, k.cacheSizes, k.cacheExp, k.period(PERIOD)], [
        0,
        k.cachePrefix,
        PERIOD,
        "entry",
        tier,
        ...[limits.requests, limits.redisBytes, limits.storageBytes, limits.bandwidthBytes].map((x) => (x === null ? "" : x)),
        demand.requests,
        demand.redisBytes,
        demand.storageBytes,
        demand.bandwidthBytes,
        "r1",
        `${PERIOD}|0|0|0|0|x|-`,
        1,
        "new",
        ""
      ]))
      const reply = decodeAdmit(raw)
      const usage: Usage = {
        requests: committed.requests + held.requests,
        redisBytes: committed.redisBytes + held.redisBytes - entry,
        storageBytes: committed.storageBytes + held.storageBytes,
        bandwidthBytes: committed.bandwidthBytes + held.bandwidthBytes
      }
      const model = decide(sheet, tier, usage, request)
      await redis.client.del(k.state, k.period(PERIOD), k.cacheSizes, k.resv, k.resvExp)
      expect(reply.status).toBe(model._tag === "Allow" ? "ok" : "deny")
      if (model._tag === "Deny" && model.denial.reason === "quota_exceeded") expect(reply.dimension).toBe(model.denial.dimension)
    }
  )
})
