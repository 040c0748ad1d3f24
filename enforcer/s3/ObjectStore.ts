// Asset bytes in S3-compatible storage (Lyve in production, embedded s3rver by default). Uploads stream with bounded
// memory (one part at a time, multipart beyond one part) and ask a callback before accepting each chunk, so a quota is
// enforced while the body arrives; any failure or interruption aborts the multipart upload, parts included.
import { createHash } from "node:crypto"
import type { Readable } from "node:stream"
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand
} from "@aws-sdk/client-s3"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { EnforcerConfig } from "../config/EnforcerConfig.ts"
import { StorageError } from "../errors.ts"
import { startEmbeddedS3 } from "./EmbeddedS3.ts"

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
  readonly endpoint: string
  readonly client: S3Client
  readonly upload: <E, E2>(
    key: string,
    body: Stream.Stream<Uint8Array, E>,
    options: {
      readonly contentType: string
      /** Called before a chunk is accepted with the total the body would reach; fail to stop the upload. */
      readonly beforeChunk: (totalBytes: bigint) => Effect.Effect<void, E2>
    }
  ) => Effect.Effect<UploadResult, E | E2 | StorageError>
  readonly download: (bucket: string, key: string) => Effect.Effect<
    { readonly body: Stream.Stream<Uint8Array, StorageError>; readonly sizeBytes: bigint },
    StorageError
  >
  readonly exists: (bucket: string, key: string) => Effect.Effect<boolean, StorageError>
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

const s3 = <A>(what: string, f: (signal: AbortSignal) => Promise<A>) =>
  Effect.tryPromise({
    try: f,
    catch: (cause) => new StorageError({ message: `s3 ${what}: ${cause instanceof Error ? cause.message : String(cause)}`, cause })
  })

const isNotFound = (e: unknown) => {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } }
  return err.name === "NotFound" || err.name === "NoSuchKey" || err.$metadata?.httpStatusCode === 404
}

export class ObjectStore extends Context.Service<ObjectStore, ObjectStoreShape>()("enforcer/ObjectStore") {
  static readonly layer = Layer.effect(
    ObjectStore,
    Effect.gen(function*() {
      const config = yield* EnforcerConfig
      const buckets = [config.s3.bucket, ...(config.coldStorage.mode === "bucket" ? [config.coldStorage.bucket] : [])]
      let endpoint: string
      let credentials: { accessKeyId: string; secretAccessKey: string }
      let region: string
      if (config.s3._tag === "Embedded") {
        const dir = config.s3.dir
        const server = yield* Effect.acquireRelease(
          s3("start embedded server", () => startEmbeddedS3({ directory: dir, port: 0, buckets })),
          (s) => Effect.promise(() => s.close())
        )
        endpoint = server.endpoint
        credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" }
        region = "us-east-1"
      } else {
        endpoint = config.s3.endpoint
        credentials = { accessKeyId: config.s3.accessKeyId, secretAccessKey: Redacted.value(config.s3.secretAccessKey) }
        region = config.s3.region
      }
      const client = new S3Client({
        endpoint,
        region,
        forcePathStyle: true,
        credentials,
        // s3rver stores aws-chunked framing verbatim with the SDK's default checksums (STACK.md §8)
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED"
      })
      yield* Effect.addFinalizer(() => Effect.sync(() => client.destroy()))
      for (const b of buckets) {
        yield* s3(`bucket ${b}`, (signal) => client.send(new HeadBucketCommand({ Bucket: b }), { abortSignal: signal })).pipe(
          Effect.mapError((e) =>
            new StorageError({ message: `bucket "${b}" is not reachable at ${endpoint}: ${e.message}; create it or fix S3_BUCKET` })
          )
        )
      }
      return makeObjectStore(client, endpoint, config.s3.bucket,
        config.coldStorage.mode === "bucket" ? config.coldStorage.bucket : config.s3.bucket, config.partSizeBytes)
    })
  )
}

const makeObjectStore = (
  client: S3Client,
  endpoint: string,
  bucket: string,
  coldBucket: string,
  partSize: number
): ObjectStoreShape => {
  const upload: ObjectStoreShape["upload"] = (key, body, options) => {
    const hash = createHash("sha256")
    let total = 0n
    let buffered: Array<Uint8Array> = []
    let bufferedBytes = 0
    let multipart: { uploadId: string; parts: Array<{ PartNumber: number; ETag: string }> } | undefined
    let stored = false

    const flushPart = Effect.gen(function*() {
      if (multipart === undefined) {
        const created = yield* s3("create multipart upload", (signal) =>
          client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: options.contentType }), {
            abortSignal: signal
          }))
        multipart = { uploadId: created.UploadId!, parts: [] }
      }
      const mp = multipart
      const data = Buffer.concat(buffered)
      buffered = []
      bufferedBytes = 0
      const partNumber = mp.parts.length + 1
      const out = yield* s3(`upload part ${partNumber}`, (signal) =>
        client.send(
          new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: mp.uploadId, PartNumber: partNumber, Body: data }),
          { abortSignal: signal }
        ))
      mp.parts.push({ PartNumber: partNumber, ETag: out.ETag! })
    })

    return Effect.gen(function*() {
      yield* Stream.runForEach(body, (chunk) =>
        Effect.gen(function*() {
          yield* options.beforeChunk(total + BigInt(chunk.length))
          hash.update(chunk)
          total += BigInt(chunk.length)
          buffered.push(chunk)
          bufferedBytes += chunk.length
          if (bufferedBytes >= partSize) yield* flushPart
        }))
      if (multipart === undefined) {
        const data = Buffer.concat(buffered)
        buffered = []
        yield* s3("put object", (signal) =>
          client.send(
            new PutObjectCommand({ Bucket: bucket, Key: key, Body: data, ContentType: options.contentType }),
            { abortSignal: signal }
          ))
      } else {
        if (bufferedBytes > 0) yield* flushPart
        const mp = multipart
        yield* s3("complete multipart upload", (signal) =>
          client.send(
            new CompleteMultipartUploadCommand({
              Bucket: bucket,
              Key: key,
              UploadId: mp.uploadId,
              MultipartUpload: { Parts: mp.parts }
            }),
            { abortSignal: signal }
          ))
      }
      stored = true
      return { sizeBytes: total, sha256: hash.digest("hex"), multipart: multipart !== undefined }
    }).pipe(
      Effect.onExit((exit) => {
        buffered = []
        if (Exit.isSuccess(exit) || stored) return Effect.void
        const mp = multipart
        if (mp === undefined) return Effect.void
        // failed, refused or interrupted: abort so that no part (and no byte of storage) stays behind
        return s3("abort multipart upload", () =>
          client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: mp.uploadId }))).pipe(
            Effect.tapError((e) => Effect.logWarning(`${e.message} (reconcile will abort it later)`)),
            Effect.ignore
          )
      })
    )
  }

  const download: ObjectStoreShape["download"] = (b, key) =>
    Effect.gen(function*() {
      const out = yield* s3("get object", (signal) =>
        client.send(new GetObjectCommand({ Bucket: b, Key: key }), { abortSignal: signal }))
      const readable = out.Body as Readable
      return {
        sizeBytes: BigInt(out.ContentLength ?? 0),
        body: Stream.fromAsyncIterable(
          readable as AsyncIterable<Uint8Array>,
          (cause) => new StorageError({ message: `s3 read: ${String(cause)}`, cause })
        ).pipe(Stream.ensuring(Effect.sync(() => readable.destroy())))
      }
    })

  const exists: ObjectStoreShape["exists"] = (b, key) =>
    Effect.tryPromise({
      try: (signal) =>
        client.send(new HeadObjectCommand({ Bucket: b, Key: key }), { abortSignal: signal }).then(() => true, (e) => {
          if (isNotFound(e)) return false
          throw e
        }),
      catch: (cause) => new StorageError({ message: `s3 head object: ${String(cause)}`, cause })
    })

  const remove: ObjectStoreShape["remove"] = (b, key) =>
    s3("delete object", (signal) => client.send(new DeleteObjectCommand({ Bucket: b, Key: key }), { abortSignal: signal })).pipe(
      Effect.asVoid
    )

  const move: ObjectStoreShape["move"] = (from, to, contentType) =>
    Effect.gen(function*() {
      yield* s3("copy object", (signal) =>
        client.send(
          new CopyObjectCommand({
            Bucket: to.bucket,
            Key: from.key,
            CopySource: `${from.bucket}/${encodeURIComponent(from.key).replaceAll("%2F", "/")}`,
            MetadataDirective: "REPLACE",
            ContentType: contentType,
            ...(to.storageClass ? { StorageClass: to.storageClass as never } : {})
          }),
          { abortSignal: signal }
        ))
      if (to.bucket !== from.bucket) yield* remove(from.bucket, from.key)
    })

  const list: ObjectStoreShape["list"] = (b, prefix) =>
    Effect.gen(function*() {
      const out: Array<StoredObject> = []
      let token: string | undefined
      do {
        const page = yield* s3("list objects", (signal) =>
          client.send(
            new ListObjectsV2Command({ Bucket: b, ...(prefix ? { Prefix: prefix } : {}), ...(token ? { ContinuationToken: token } : {}) }),
            { abortSignal: signal }
          ))
        for (const o of page.Contents ?? []) {
          out.push({ bucket: b, key: o.Key!, sizeBytes: BigInt(o.Size ?? 0), lastModified: o.LastModified })
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined
      } while (token !== undefined)
      return out
    })

  const listMultipartUploads: ObjectStoreShape["listMultipartUploads"] = (b) =>
    s3("list multipart uploads", (signal) => client.send(new ListMultipartUploadsCommand({ Bucket: b }), { abortSignal: signal }))
      .pipe(Effect.map((out) =>
        (out.Uploads ?? []).map((u) => ({ key: u.Key!, uploadId: u.UploadId!, initiated: u.Initiated }))
      ))

  const abortMultipartUpload: ObjectStoreShape["abortMultipartUpload"] = (b, key, uploadId) =>
    s3("abort multipart upload", (signal) =>
      client.send(new AbortMultipartUploadCommand({ Bucket: b, Key: key, UploadId: uploadId }), { abortSignal: signal }))
      .pipe(Effect.asVoid)

  return {
    bucket,
    coldBucket,
    endpoint,
    client,
    upload,
    download,
    exists,
    remove,
    move,
    list,
    listMultipartUploads,
    abortMultipartUpload
  }
}
