// Multimodal assets: upload (assets/storeAsset.ts), download (downloadAsset.ts), delete (removeAsset.ts) and lookup
// by cache key (lookupAsset.ts), over S3 for the bytes, PostgreSQL for the truth, Redis for quota and metadata.
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Stream from "effect/Stream"
import type {
  Contention,
  DatabaseError,
  InvalidRequest,
  Missing,
  QuotaDenied,
  RedisUnavailable,
  StorageError,
  UnknownUser
} from "../errors.ts"
import { type AssetMeta, assetDeps, metaOf, type StoredAsset, type StoreRequest } from "./assets/deps.ts"
import { makeDownload, makeLoad } from "./assets/downloadAsset.ts"
import { makeLookup } from "./assets/lookupAsset.ts"
import { makeMetaCache } from "./assets/metaCache.ts"
import { makeRemove } from "./assets/removeAsset.ts"
import { makeStore } from "./assets/storeAsset.ts"

export type { AssetMeta, StoredAsset, StoreRequest }

type Failure = QuotaDenied | RedisUnavailable | DatabaseError | StorageError | Contention | UnknownUser

export interface AssetsShape {
  /** Store a streamed body; `replayed` when an Idempotency-Key answered from its first result. */
  readonly store: <E>(userId: string, request: StoreRequest, body: Stream.Stream<Uint8Array, E>) =>
    Effect.Effect<{ readonly result: StoredAsset; readonly replayed: boolean }, Failure | InvalidRequest | E>
  readonly head: (userId: string, assetId: string) => Effect.Effect<AssetMeta, Missing | DatabaseError>
  /** Bytes of an asset, charged to bandwidth as they are sent (a stream; the charge settles when it ends). */
  readonly download: (userId: string, assetId: string) =>
    Effect.Effect<{ readonly meta: AssetMeta; readonly body: Stream.Stream<Uint8Array, StorageError> }, Failure | Missing>
  readonly remove: (userId: string, assetId: string) => Effect.Effect<void, Missing | DatabaseError | RedisUnavailable>
  /** Multimodal cache lookup: a counted cache request; a hit updates the hit count and last access. */
  readonly lookup: (userId: string, cacheKey: string) => Effect.Effect<AssetMeta | undefined, Failure>
}

export class Assets extends Context.Service<Assets, AssetsShape>()("enforcer/Assets") {
  static readonly layer = Layer.effect(
    Assets,
    Effect.gen(function*() {
      const deps = yield* assetDeps
      const meta = makeMetaCache(deps)
      const load = makeLoad(deps)
      return {
        store: makeStore(deps, meta),
        head: (userId, assetId) => Effect.map(load(userId, assetId), metaOf),
        download: makeDownload(deps),
        remove: makeRemove(deps, meta),
        lookup: makeLookup(deps, meta)
      } satisfies AssetsShape
    })
  )
}
