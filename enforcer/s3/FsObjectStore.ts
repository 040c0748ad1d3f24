// The embedded object store (no S3_ENDPOINT): buckets as directories of plain files, behind the same ObjectStore
// interface as S3. What the service relies on S3 for holds here too: an object appears whole or not at all (written
// aside, then renamed into place), an upload in progress is listed as a multipart upload until it completes or is
// aborted (so reconcile finds the ones a crash abandoned), listings have no size limit, and a missing object is
// Missing. Layout under the root: <bucket>/objects/<key>, <bucket>/meta/<key>.json, <bucket>/uploads/<id>/.
import { randomUUID } from "node:crypto"
import { createHash } from "node:crypto"
import { createReadStream } from "node:fs"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import { Missing, StorageError } from "../errors.ts"
import type { ObjectStoreShape, StoredObject } from "./ObjectStore.ts"

interface Meta {
  readonly contentType: string
  readonly storageClass: string
}

const fsError = (what: string) => (cause: unknown) =>
  new StorageError({ message: `object store ${what}: ${cause instanceof Error ? cause.message : String(cause)}`, cause })

const isMissing = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code === "ENOENT"

const io = <A>(what: string, f: () => Promise<A>) => Effect.tryPromise({ try: f, catch: fsError(what) })

export const makeFsObjectStore = async (
  root: string,
  bucket: string,
  coldBucket: string
): Promise<ObjectStoreShape> => {
  for (const b of new Set([bucket, coldBucket])) {
    for (const sub of ["objects", "meta", "uploads"]) await fs.mkdir(path.join(root, b, sub), { recursive: true })
  }

  /** A key the service made (assets/<user>/<id>): never a way out of the bucket's directory. */
  const safe = (key: string) => {
    if (key === "" || key.startsWith("/") || key.split("/").some((s) => s === "" || s === "." || s === "..") || key.includes("\0")) {
      throw new Error(`unusable object key ${JSON.stringify(key)}`)
    }
    return key
  }
  const objectPath = (b: string, key: string) => path.join(root, b, "objects", safe(key))
  const metaPath = (b: string, key: string) => path.join(root, b, "meta", `${safe(key)}.json`)
  const uploadsDir = (b: string) => path.join(root, b, "uploads")

  const readMeta = async (b: string, key: string): Promise<Meta> =>
    JSON.parse(await fs.readFile(metaPath(b, key), "utf8").catch(() => `{"contentType":"application/octet-stream","storageClass":"STANDARD"}`))

  const writeMeta = async (b: string, key: string, meta: Meta) => {
    await fs.mkdir(path.dirname(metaPath(b, key)), { recursive: true })
    await fs.writeFile(metaPath(b, key), JSON.stringify(meta))
  }

  const upload: ObjectStoreShape["upload"] = (key, body, options) => {
    const id = randomUUID()
    const dir = path.join(uploadsDir(bucket), id)
    const hash = createHash("sha256")
    let total = 0n
    let file: fs.FileHandle | undefined
    let stored = false
    return Effect.gen(function*() {
      yield* io("start upload", async () => {
        await fs.mkdir(dir, { recursive: true })
        await fs.writeFile(path.join(dir, "key"), safe(key))
        file = await fs.open(path.join(dir, "data"), "w")
      })
      yield* Stream.runForEach(body, (chunk) =>
        Effect.gen(function*() {
          yield* options.beforeChunk(total + BigInt(chunk.length))
          hash.update(chunk)
          total += BigInt(chunk.length)
          yield* io("write", () => file!.write(chunk))
        }))
      yield* io("complete upload", async () => {
        await file!.sync()
        await file!.close()
        file = undefined
        await writeMeta(bucket, key, { contentType: options.contentType, storageClass: "STANDARD" })
        await fs.mkdir(path.dirname(objectPath(bucket, key)), { recursive: true })
        await fs.rename(path.join(dir, "data"), objectPath(bucket, key))
        await fs.rm(dir, { recursive: true, force: true })
      })
      stored = true
      return { sizeBytes: total, sha256: hash.digest("hex"), multipart: false }
    }).pipe(
      Effect.onExit((exit) =>
        Exit.isSuccess(exit) || stored ? Effect.void : Effect.promise(async () => {
          // failed, refused or interrupted: nothing of it stays behind
          await file?.close().catch(() => undefined)
          await fs.rm(dir, { recursive: true, force: true })
        })
      )
    )
  }

  const download: ObjectStoreShape["download"] = (b, key) =>
    Effect.tryPromise({
      try: async () => {
        const st = await fs.stat(objectPath(b, key))
        return st.size
      },
      catch: (cause) => (isMissing(cause) ? new Missing({ what: "object", id: key }) : fsError("read")(cause))
    }).pipe(Effect.map((size) => {
      const readable = createReadStream(objectPath(b, key), { highWaterMark: 64 * 1024 })
      return {
        sizeBytes: BigInt(size),
        body: Stream.fromAsyncIterable(readable as AsyncIterable<Uint8Array>, fsError("read")).pipe(
          Stream.ensuring(Effect.sync(() => readable.destroy()))
        )
      }
    }))

  const head: ObjectStoreShape["head"] = (b, key) =>
    Effect.tryPromise({
      try: async () => {
        const st = await fs.stat(objectPath(b, key)).catch((e) => (isMissing(e) ? undefined : Promise.reject(e)))
        if (st === undefined) return undefined
        return { sizeBytes: BigInt(st.size), storageClass: (await readMeta(b, key)).storageClass }
      },
      catch: fsError("head")
    })

  const remove: ObjectStoreShape["remove"] = (b, key) =>
    io("delete", async () => {
      await fs.rm(objectPath(b, key), { force: true })
      await fs.rm(metaPath(b, key), { force: true })
    })

  const move: ObjectStoreShape["move"] = (from, to, contentType) =>
    io("move", async () => {
      const meta = { contentType, storageClass: to.storageClass ?? "STANDARD" }
      if (to.bucket === from.bucket) return writeMeta(from.bucket, from.key, meta)
      await fs.mkdir(path.dirname(objectPath(to.bucket, from.key)), { recursive: true })
      await writeMeta(to.bucket, from.key, meta)
      await fs.rename(objectPath(from.bucket, from.key), objectPath(to.bucket, from.key))
      await fs.rm(metaPath(from.bucket, from.key), { force: true })
    })

  const list: ObjectStoreShape["list"] = (b, prefix = "") =>
    io("list", async () => {
      const base = path.join(root, b, "objects")
      // walk only below the prefix's directory part; filter the rest of the prefix by name
      const dirPart = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : ""
      const start = dirPart === "" ? base : path.join(base, safe(dirPart))
      const entries = await fs.readdir(start, { recursive: true, withFileTypes: true })
        .catch((e) => (isMissing(e) ? [] : Promise.reject(e)))
      const out: Array<StoredObject> = []
      for (const e of entries) {
        if (!e.isFile()) continue
        const full = path.join(e.parentPath, e.name)
        const key = path.relative(base, full).split(path.sep).join("/")
        if (!key.startsWith(prefix)) continue
        const st = await fs.stat(full).catch(() => undefined)
        if (st !== undefined) out.push({ bucket: b, key, sizeBytes: BigInt(st.size), lastModified: st.mtime })
      }
      return out
    })

  const listMultipartUploads: ObjectStoreShape["listMultipartUploads"] = (b) =>
    io("list uploads", async () => {
      const ids = await fs.readdir(uploadsDir(b)).catch(() => [] as Array<string>)
      const out: Array<{ key: string; uploadId: string; initiated: Date | undefined }> = []
      for (const id of ids) {
        const key = await fs.readFile(path.join(uploadsDir(b), id, "key"), "utf8").catch(() => undefined)
        const st = await fs.stat(path.join(uploadsDir(b), id)).catch(() => undefined)
        if (key !== undefined) out.push({ key, uploadId: id, initiated: st?.mtime })
      }
      return out
    })

  const abortMultipartUpload: ObjectStoreShape["abortMultipartUpload"] = (b, _key, uploadId) =>
    io("abort upload", () => fs.rm(path.join(uploadsDir(b), path.basename(uploadId)), { recursive: true, force: true }))

  return {
    bucket,
    coldBucket,
    describe: `embedded file store (${root})`,
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
