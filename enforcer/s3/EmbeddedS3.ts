// The embedded S3 server (s3rver) used when no S3_ENDPOINT is configured. s3rver lacks AbortMultipartUpload and
// ListMultipartUploads, which the enforcer relies on to prove an aborted upload leaves no parts behind; a small
// middleware adds both, on s3rver's own on-disk layout, so the embedded server behaves like S3/Lyve there.
import { mkdirSync } from "node:fs"
import * as fs from "node:fs/promises"
import type { AddressInfo } from "node:net"
import * as path from "node:path"
import S3rver from "s3rver"

interface KoaContext {
  readonly method: string
  readonly path: string
  readonly query: Record<string, string | undefined>
  status: number
  body: unknown
  type: string
}

type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>

export interface EmbeddedS3Server {
  readonly endpoint: string
  readonly close: () => Promise<void>
}

const uploadsDir = (root: string, bucket: string) => path.join(root, bucket, "._S3rver_uploads")

const xmlEscape = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!)

const multipartAdapter = (root: string): Middleware => async (ctx, next) => {
  const segments = ctx.path.split("/").filter((s) => s !== "")
  const bucket = segments[0]
  if (bucket !== undefined && ctx.method === "DELETE" && segments.length > 1 && ctx.query["uploadId"]) {
    const id = ctx.query["uploadId"]!
    if (!/^[0-9a-f]+$/.test(id)) {
      ctx.status = 400
      return
    }
    await fs.rm(path.join(uploadsDir(root, bucket), id), { recursive: true, force: true })
    ctx.status = 204
    ctx.body = ""
    return
  }
  if (bucket !== undefined && ctx.method === "GET" && segments.length === 1 && "uploads" in ctx.query) {
    const dir = uploadsDir(root, bucket)
    const ids = await fs.readdir(dir).catch(() => [] as Array<string>)
    const uploads: Array<string> = []
    for (const id of ids) {
      const key = await fs.readFile(path.join(dir, id, "key"), "utf8").catch(() => undefined)
      if (key === undefined) continue
      const st = await fs.stat(path.join(dir, id))
      uploads.push(
        `<Upload><Key>${xmlEscape(key)}</Key><UploadId>${id}</UploadId><Initiated>${st.mtime.toISOString()}</Initiated>` +
          `<StorageClass>STANDARD</StorageClass></Upload>`
      )
    }
    ctx.type = "application/xml"
    ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<ListMultipartUploadsResult><Bucket>${xmlEscape(bucket)}</Bucket>` +
      `<IsTruncated>false</IsTruncated>${uploads.join("")}</ListMultipartUploadsResult>`
    return
  }
  await next()
}

/** Start s3rver on `port` (0: any free port) over `directory`, with `buckets` created. */
export const startEmbeddedS3 = async (
  options: { readonly directory: string; readonly port: number; readonly buckets: ReadonlyArray<string> }
): Promise<EmbeddedS3Server> => {
  mkdirSync(options.directory, { recursive: true })
  const server = new S3rver({
    port: options.port,
    address: "127.0.0.1",
    directory: options.directory,
    silent: true,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [] }))
  })
  // Koa composes its middleware at listen time: put the adapter in front of s3rver's router
  ;(server as unknown as { middleware: Array<Middleware> }).middleware.unshift(multipartAdapter(options.directory))
  const address = (await server.run()) as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    close: () => server.close().then(() => undefined, () => undefined)
  }
}
