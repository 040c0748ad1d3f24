// An S3 server for tests: s3rver (a real S3 protocol server on a free port) as the "remote" S3 the service talks to,
// so real-S3 behaviour (multipart, listings under 1,000 objects, errors) stays tested now that the embedded default
// is a file store. s3rver lacks AbortMultipartUpload and ListMultipartUploads; a small HTTP front answers those two
// from s3rver's on-disk upload folders and passes every other request through, untouched (nothing of s3rver patched).
import { mkdirSync } from "node:fs"
import * as fs from "node:fs/promises"
import { createServer, request as httpRequest } from "node:http"
import type { AddressInfo } from "node:net"
import * as path from "node:path"
import S3rver from "s3rver"

export interface EmbeddedS3Server {
  readonly endpoint: string
  readonly close: () => Promise<void>
}

const uploadsDir = (root: string, bucket: string) => path.join(root, bucket, "._S3rver_uploads")

const xmlEscape = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!)

/** The two multipart calls s3rver does not know, or undefined to pass the request through. */
const multipartAnswer = async (
  root: string,
  method: string,
  url: URL
): Promise<{ readonly status: number; readonly body: string } | undefined> => {
  const segments = url.pathname.split("/").filter((s) => s !== "")
  const bucket = segments[0]
  const uploadId = url.searchParams.get("uploadId")
  if (bucket !== undefined && method === "DELETE" && segments.length > 1 && uploadId) {
    if (!/^[0-9a-f]+$/.test(uploadId)) return { status: 400, body: "" }
    await fs.rm(path.join(uploadsDir(root, bucket), uploadId), { recursive: true, force: true })
    return { status: 204, body: "" }
  }
  if (bucket !== undefined && method === "GET" && segments.length === 1 && url.searchParams.has("uploads")) {
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
    return {
      status: 200,
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<ListMultipartUploadsResult><Bucket>${xmlEscape(bucket)}</Bucket>` +
        `<IsTruncated>false</IsTruncated>${uploads.join("")}</ListMultipartUploadsResult>`
    }
  }
  return undefined
}

/** Start s3rver (on a free port) over `directory` with `buckets`, behind its front on `port` (0: any free port). */
export const startEmbeddedS3 = async (
  options: { readonly directory: string; readonly port: number; readonly buckets: ReadonlyArray<string> }
): Promise<EmbeddedS3Server> => {
  mkdirSync(options.directory, { recursive: true })
  const server = new S3rver({
    port: 0,
    address: "127.0.0.1",
    directory: options.directory,
    silent: true,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [] }))
  })
  const inner = (await server.run()) as AddressInfo
  const front = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://s3")
    multipartAnswer(options.directory, req.method ?? "GET", url).then((answer) => {
      if (answer !== undefined) {
        res.writeHead(answer.status, answer.body === "" ? {} : { "content-type": "application/xml" })
        res.end(answer.body)
        return
      }
      const upstream = httpRequest(
        { host: "127.0.0.1", port: inner.port, method: req.method, path: req.url, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers)
          r.pipe(res)
        }
      )
      upstream.on("error", () => res.destroy())
      req.pipe(upstream)
    }, () => {
      res.writeHead(500)
      res.end()
    })
  })
  await new Promise<void>((r) => front.listen(options.port, "127.0.0.1", () => r()))
  const sockets = new Set<import("node:net").Socket>()
  front.on("connection", (s) => {
    sockets.add(s)
    s.on("close", () => sockets.delete(s))
  })
  return {
    endpoint: `http://127.0.0.1:${(front.address() as AddressInfo).port}`,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((r) => front.close(() => r()))
      await server.close().then(() => undefined, () => undefined)
    }
  }
}
