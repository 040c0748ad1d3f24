// The object store on S3-compatible storage (Lyve in production; s3rver in tests). Multipart beyond one part: a part
// is sent while the next one arrives (two in memory at most); every request has a deadline (the SDK's socket
// timeouts, no retries: the client retries a 503).
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
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import type { S3Config } from "../config/EnforcerConfig.ts"
import { Missing, StorageError } from "../errors.ts"
import type { ObjectStoreShape, StoredObject } from "./ObjectStore.ts"

const storageError = (what: string) => (cause: unknown) =>
  new StorageError({ message: `s3 ${what}: ${cause instanceof Error ? cause.message : String(cause)}`, cause })

/**
 * One S3 request, ended after `deadlineMs` (a request that moves a body gets more time per byte). The SDK's own
 * deadline is the connect timeout; a silent S3 is ended here.
 */
const s3 = <A>(what: string, f: (signal: AbortSignal) => Promise<A>, deadlineMs?: number) => {
  const call = Effect.tryPromise({ try: f, catch: storageError(what) })
  return deadlineMs === undefined ? call : call.pipe(
    Effect.timeoutOrElse({
      duration: deadlineMs,
      orElse: () => Effect.fail(new StorageError({ message: `s3 ${what}: no answer within ${deadlineMs} ms` }))
    })
  )
}

/**
 * The chunks of an S3 body, failing when S3 sends nothing for `ms` while one is awaited: an S3 that goes silent after
 * the headers would otherwise hold the download (and its client) for as long as it stays silent. Only the wait for
 * S3 is timed: while the client reads slowly, no chunk is asked for and no deadline runs. The body is destroyed at
 * the deadline (its pending read then settles; a generator's return would queue behind that read).
 */
async function* withIdleDeadline(body: Readable, ms: number): AsyncGenerator<Uint8Array> {
  const chunks = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
  for (;;) {
    const next = chunks.next()
    let timer: ReturnType<typeof setTimeout> | undefined
    const silent = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new Error(`no bytes from S3 for ${ms} ms`)
        // the read left pending settles (rejected) with the body: not an unhandled rejection
        next.catch(() => undefined)
        body.destroy(error)
        reject(error)
      }, ms)
    })
    const step = await Promise.race([next, silent]).finally(() => clearTimeout(timer))
    if (step.done === true) return
    yield step.value
  }
}

const isNotFound = (e: unknown) => {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } }
  return err.name === "NotFound" || err.name === "NoSuchKey" || err.$metadata?.httpStatusCode === 404
}


/** A client for the configured bucket(s), checked reachable (one line naming the bucket and the fix if not). */
export const connectS3ObjectStore = (
  config: Extract<S3Config, { _tag: "Remote" }>,
  coldBucket: string,
  partSize: number,
  timeoutMs: number
) =>
  Effect.gen(function*() {
    const client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: true,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: Redacted.value(config.secretAccessKey) },
      // s3rver stores aws-chunked framing verbatim with the SDK's default checksums (STACK.md §8)
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      // a silent S3 is an unavailable S3: answer 503 after one deadline instead of retrying into a hang. Each call's
      // deadline is ours (its abort signal, below): this SDK's requestTimeout only logs a warning when passed (it printed
      // three lines of noise before a start-up's one-line failure), and no socket idle timeout is set, since S3 may
      // rightly be silent for long on a large CompleteMultipartUpload
      requestHandler: { connectionTimeout: timeoutMs },
      maxAttempts: 1
    })
    yield* Effect.addFinalizer(() => Effect.sync(() => client.destroy()))
    for (const b of new Set([config.bucket, coldBucket])) {
      yield* s3(`bucket ${b}`, (signal) => client.send(new HeadBucketCommand({ Bucket: b }), { abortSignal: signal }), 2 * timeoutMs).pipe(
        // at start-up a late answer is not yet an absent S3 (this process may be busy starting PGlite): ask 3 times
        Effect.retry({ times: 2, while: (e) => /no answer within|timed? ?out|timeout/i.test(e.message) }),
        Effect.mapError((e) =>
          new StorageError({ message: `bucket "${b}" is not reachable at ${config.endpoint}: ${e.message}; create it or fix S3_BUCKET` })
        )
      )
    }
    // the SDK's own socket deadlines end a silent request first; this backstop bounds it whatever the SDK does
    return makeS3ObjectStore(client, config.endpoint, config.bucket, coldBucket, partSize, timeoutMs + 500)
  })

export const makeS3ObjectStore = (
  client: S3Client,
  endpoint: string,
  bucket: string,
  coldBucket: string,
  partSize: number,
  deadlineMs: number
): ObjectStoreShape => {
  /** A request that carries bytes: the deadline of any request plus the time to send them at 1 MB/s at least. */
  const dataDeadline = (bytes: number) => deadlineMs + Math.ceil(bytes / 1_000)

  const upload: ObjectStoreShape["upload"] = (key, body, options) => {
    const hash = createHash("sha256")
    let total = 0n
    let buffered: Array<Uint8Array> = []
    let bufferedBytes = 0
    let multipart: { uploadId: string; parts: Array<{ PartNumber: number; ETag: string }> } | undefined
    let stored = false
    // a part S3 may still be writing when the upload is abandoned: the abort must come after it, or the part survives
    let inFlight: Promise<void> = Promise.resolve()
    // the part being sent while the next one fills: at most one, so memory stays at two parts
    let sending: Fiber.Fiber<void, StorageError> | undefined

    const sent = Effect.suspend(() => {
      const fiber = sending
      if (fiber === undefined) return Effect.void
      sending = undefined
      return Fiber.join(fiber)
    })

    const flushPart = Effect.gen(function*() {
      if (multipart === undefined) {
        const created = yield* s3("create multipart upload", (signal) =>
          client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: options.contentType }), {
            abortSignal: signal
          }), deadlineMs)
        multipart = { uploadId: created.UploadId!, parts: [] }
      }
      const mp = multipart
      const data = Buffer.concat(buffered)
      buffered = []
      bufferedBytes = 0
      // the previous part first (its failure is this upload's): parts complete in order
      yield* sent
      const partNumber = mp.parts.length + 1
      const part = s3(`upload part ${partNumber}`, (signal) => {
        const request = client.send(
          new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: mp.uploadId, PartNumber: partNumber, Body: data }),
          { abortSignal: signal }
        )
        inFlight = request.then(() => undefined, () => undefined)
        return request
      }, dataDeadline(data.length)).pipe(
        Effect.map((out) => {
          mp.parts.push({ PartNumber: partNumber, ETag: out.ETag! })
        })
      )
      // sent while the body goes on arriving (a child of the upload: interrupted with it)
      sending = yield* Effect.forkChild(part)
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
          ), dataDeadline(data.length))
      } else {
        if (bufferedBytes > 0) yield* flushPart
        yield* sent
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
          ), deadlineMs)
      }
      stored = true
      return { sizeBytes: total, sha256: hash.digest("hex"), multipart: multipart !== undefined }
    }).pipe(
      Effect.onExit((exit) => {
        buffered = []
        if (Exit.isSuccess(exit) || stored) return Effect.void
        // a part still being sent is stopped (its request aborted) before the upload is
        const stopSending = sending === undefined ? Effect.void : Fiber.interrupt(sending)
        sending = undefined
        const mp = multipart
        if (mp === undefined) return stopSending
        // failed, refused or interrupted: abort so that no part (and no byte of storage) stays behind; in the
        // background, so that the answer does not wait on an S3 that may be the reason of the failure
        return stopSending.pipe(Effect.andThen(Effect.promise(() => inFlight)), Effect.andThen(s3("abort multipart upload", (signal) =>
          client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: mp.uploadId }), {
            abortSignal: signal
          }), deadlineMs)),
            Effect.tapError((e) => Effect.logWarning(`${e.message} (reconcile will abort it later)`)),
            Effect.ignore,
            Effect.forkDetach,
            Effect.asVoid
          )
      })
    )
  }

  const download: ObjectStoreShape["download"] = (b, key) =>
    Effect.gen(function*() {
      const out = yield* Effect.tryPromise({
        try: (signal) => client.send(new GetObjectCommand({ Bucket: b, Key: key }), { abortSignal: signal }),
        catch: (cause) => (isNotFound(cause) ? new Missing({ what: "object", id: key }) : storageError("get object")(cause))
      }).pipe(
        Effect.timeoutOrElse({
          duration: deadlineMs,
          orElse: () => Effect.fail(new StorageError({ message: `s3 get object: no answer within ${deadlineMs} ms` }))
        })
      )
      const readable = out.Body as Readable
      return {
        sizeBytes: BigInt(out.ContentLength ?? 0),
        body: Stream.fromAsyncIterable(
          withIdleDeadline(readable, deadlineMs),
          (cause) => new StorageError({ message: `s3 read: ${cause instanceof Error ? cause.message : String(cause)}`, cause })
        ).pipe(Stream.ensuring(Effect.sync(() => readable.destroy())))
      }
    })

  const head: ObjectStoreShape["head"] = (b, key) =>
    Effect.tryPromise({
      try: (signal) =>
        client.send(new HeadObjectCommand({ Bucket: b, Key: key }), { abortSignal: signal }).then(
          (out) => ({ sizeBytes: BigInt(out.ContentLength ?? 0), storageClass: out.StorageClass ?? "STANDARD" }),
          (e) => {
            if (isNotFound(e)) return undefined
            throw e
          }
        ),
      catch: storageError("head object")
    }).pipe(
      Effect.timeoutOrElse({
        duration: deadlineMs,
        orElse: () => Effect.fail(new StorageError({ message: `s3 head object: no answer within ${deadlineMs} ms` }))
      })
    )

  const remove: ObjectStoreShape["remove"] = (b, key) =>
    s3("delete object", (signal) => client.send(new DeleteObjectCommand({ Bucket: b, Key: key }), { abortSignal: signal }), deadlineMs).pipe(
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
        ), 10 * deadlineMs)
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
          ), deadlineMs)
        for (const o of page.Contents ?? []) {
          out.push({ bucket: b, key: o.Key!, sizeBytes: BigInt(o.Size ?? 0), lastModified: o.LastModified })
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined
      } while (token !== undefined)
      return out
    })

  const listMultipartUploads: ObjectStoreShape["listMultipartUploads"] = (b) =>
    s3("list multipart uploads", (signal) => client.send(new ListMultipartUploadsCommand({ Bucket: b }), { abortSignal: signal }), deadlineMs)
      .pipe(Effect.map((out) =>
        (out.Uploads ?? []).map((u) => ({ key: u.Key!, uploadId: u.UploadId!, initiated: u.Initiated }))
      ))

  const abortMultipartUpload: ObjectStoreShape["abortMultipartUpload"] = (b, key, uploadId) =>
    s3("abort multipart upload", (signal) =>
      client.send(new AbortMultipartUploadCommand({ Bucket: b, Key: key, UploadId: uploadId }), { abortSignal: signal }), deadlineMs)
      .pipe(Effect.asVoid)

  return {
    bucket,
    coldBucket,
    describe: `${endpoint} bucket ${bucket}`,
    upload,
    download,
    head,
    remove,
    move,
    list,
    listMultipartUploads,
    abortMultipartUpload
  }
}
