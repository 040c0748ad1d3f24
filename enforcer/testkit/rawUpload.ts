// A raw HTTP client for uploads: chunked (no Content-Length) or sized, paced, and able to drop the connection
// mid-body the way a crashing or impatient client does.
import { createHash } from "node:crypto"
import { request } from "node:http"

export interface RawUploadOptions {
  readonly apiKey: string
  readonly cacheKey?: string
  readonly contentType?: string
  readonly idempotencyKey?: string
  /** Send Content-Length (default) or stream chunked. */
  readonly sized?: boolean
  /** Pause between chunks. */
  readonly delayMs?: number
  /** Destroy the socket after this many chunks (no response is awaited). */
  readonly abortAfterChunks?: number
  /** Send the whole body, then destroy the socket this long after (the service is busy recording it). */
  readonly abortAfterEndMs?: number
}

export interface RawReply {
  readonly status: number
  readonly json: any
  readonly aborted: boolean
}

export const rawUpload = (baseUrl: string, chunks: ReadonlyArray<Uint8Array>, o: RawUploadOptions): Promise<RawReply> =>
  new Promise((resolve, reject) => {
    const total = chunks.reduce((a, c) => a + c.length, 0)
    const url = new URL("/api/v1/assets", baseUrl)
    const req = request(url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${o.apiKey}`,
        "content-type": o.contentType ?? "application/octet-stream",
        "x-cache-key": o.cacheKey ?? "raw",
        ...(o.idempotencyKey ? { "idempotency-key": o.idempotencyKey } : {}),
        ...(o.sized === false ? { "transfer-encoding": "chunked" } : { "content-length": String(total) })
      }
    })
    let settled = false
    req.on("response", (res) => {
      let text = ""
      res.setEncoding("utf8")
      res.on("data", (d) => (text += d))
      res.on("end", () => {
        settled = true
        let json: unknown
        try {
          json = JSON.parse(text)
        } catch {
          json = undefined
        }
        resolve({ status: res.statusCode ?? 0, json, aborted: false })
      })
    })
    req.on("error", (e) => {
      if (settled) return
      settled = true
      if (o.abortAfterChunks !== undefined || o.abortAfterEndMs !== undefined) resolve({ status: 0, json: undefined, aborted: true })
      // the server may answer (403) and close before the whole body is sent
      else if ((e as NodeJS.ErrnoException).code === "EPIPE" || (e as NodeJS.ErrnoException).code === "ECONNRESET") {
        resolve({ status: -1, json: undefined, aborted: false })
      } else reject(e)
    })
    const send = async () => {
      for (const [i, c] of chunks.entries()) {
        if (settled) return
        if (o.abortAfterChunks !== undefined && i >= o.abortAfterChunks) {
          req.destroy()
          settled = true
          resolve({ status: 0, json: undefined, aborted: true })
          return
        }
        await new Promise<void>((r) => (req.write(c) ? r() : req.once("drain", () => r())))
        if (o.delayMs) await new Promise((r) => setTimeout(r, o.delayMs))
      }
      if (settled) return
      req.end()
      if (o.abortAfterEndMs !== undefined) {
        setTimeout(() => {
          if (settled) return
          settled = true
          req.destroy()
          resolve({ status: 0, json: undefined, aborted: true })
        }, o.abortAfterEndMs)
      }
    }
    send().catch(reject)
  })

/** `n` chunks of `size` bytes, distinct per `seed` so that no two uploads deduplicate. */
export const chunksOf = (seed: string, n: number, size: number): Array<Uint8Array> => {
  const tag = createHash("sha256").update(seed).digest("hex").slice(0, 12)
  return Array.from({ length: n }, (_, i) => {
    const b = Buffer.alloc(size, 0x61 + (i % 26))
    b.write(`${tag}${i}`.slice(0, size))
    return new Uint8Array(b)
  })
}
