// Where asset bytes live: S3-compatible storage (Lyve in production; S3ObjectStore.ts) or, with no S3_ENDPOINT, plain
// files under the data directory (FsObjectStore.ts). Uploads stream with bounded memory and ask a callback before
// accepting each chunk, so a quota is enforced while the body arrives; a failed or interrupted upload leaves nothing.
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Stream from "effect/Stream"
import { EnforcerConfig } from "../config/EnforcerConfig.ts"
import { type Missing, StorageError } from "../errors.ts"
import { makeFsObjectStore } from "./FsObjectStore.ts"
import { connectS3ObjectStore } from "./S3ObjectStore.ts"

export interface UploadResult {
  readonly sizeBytes: bigint
  readonly sha256: string
  readonly multipart: boolean
}

export interface StoredObject {
  readonly bucket: string
  readonly key: string
  readonly sizeBytes: bigint
  readonly lastModified: Date | undefined
}

export interface ObjectStoreShape {
  readonly bucket: string
  /** The bucket cold objects live in (the hot bucket itself when tiering is by storage class). */
  readonly coldBucket: string
  /** Where the bytes live, for logs and `serve`'s start-up lines. */
  readonly describe: string
  readonly upload: <E, E2>(
    key: string,
    body: Stream.Stream<Uint8Array, E>,
    options: {
      readonly contentType: string
      /** Called before a chunk is accepted with the total the body would reach; fail to stop the upload. */
      readonly beforeChunk: (totalBytes: bigint) => Effect.Effect<void, E2>
    }
  ) => Effect.Effect<UploadResult, E | E2 | StorageError>
  /** Fails with Missing when there is no such object. */
  readonly download: (bucket: string, key: string) => Effect.Effect<
    { readonly body: Stream.Stream<Uint8Array, StorageError>; readonly sizeBytes: bigint },
    StorageError | Missing
  >
  /** Size and storage class of an object, or undefined when there is none. */
  readonly head: (bucket: string, key: string) => Effect.Effect<
    { readonly sizeBytes: bigint; readonly storageClass: string } | undefined,
    StorageError
  >
  readonly remove: (bucket: string, key: string) => Effect.Effect<void, StorageError>
  /** Copy to another bucket and/or storage class, then drop the source if the bucket changed. */
  readonly move: (
    from: { readonly bucket: string; readonly key: string },
    to: { readonly bucket: string; readonly storageClass?: string | undefined },
    contentType: string
  ) => Effect.Effect<void, StorageError>
  readonly list: (bucket: string, prefix?: string) => Effect.Effect<ReadonlyArray<StoredObject>, StorageError>
  readonly listMultipartUploads: (bucket: string) => Effect.Effect<
    ReadonlyArray<{ readonly key: string; readonly uploadId: string; readonly initiated: Date | undefined }>,
    StorageError
  >
  readonly abortMultipartUpload: (bucket: string, key: string, uploadId: string) => Effect.Effect<void, StorageError>
}


export class ObjectStore extends Context.Service<ObjectStore, ObjectStoreShape>()("enforcer/ObjectStore") {
  static readonly layer = Layer.effect(
    ObjectStore,
    Effect.gen(function*() {
      const config = yield* EnforcerConfig
      const cold = config.coldStorage.mode === "bucket" ? config.coldStorage.bucket : config.s3.bucket
      if (config.s3._tag === "Embedded") {
        const { dir, bucket } = config.s3
        return yield* Effect.tryPromise({
          try: () => makeFsObjectStore(dir, bucket, cold),
          catch: (cause) =>
            new StorageError({ message: `cannot use ${dir} for the embedded object store: ${String(cause)}`, cause })
        })
      }
      return yield* connectS3ObjectStore(config.s3, cold, config.partSizeBytes, config.backendTimeoutMs)
    })
  )
}
