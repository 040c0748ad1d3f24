// The bench's baseline: a bare node:http server that answers every request with one Redis GET. What the enforcer's
// counted requests are compared with (same machine, same Redis, same load, same run).
import { createServer } from "node:http"
import { Redis } from "ioredis"

const redis = new Redis(process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379")
const key = `${process.env["BENCH_PREFIX"] ?? "econbench"}:baseline`
await redis.set(key, "hello")
const server = createServer((_req, res) => {
  redis.get(key).then((v) => {
    res.writeHead(200, { "content-type": "text/plain" })
    res.end(v ?? "")
  }, () => {
    res.writeHead(503)
    res.end()
  })
})
server.listen(0, "127.0.0.1", () => {
  const address = server.address()
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}` }) + "\n")
})
process.on("SIGTERM", () => {
  server.close()
  redis.disconnect()
  process.exit(0)
})
