// Profiling aid (not part of the bench's figures): the enforcer under 64-connection cache GETs (or quota GETs) with
// --cpu-prof, or one 100 MB upload, then the heaviest functions by self time.
// `node enforcer/bench/profile.ts [cache|quota|hot|upload] [seconds]`.
import { spawn } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync } from "node:fs"
import { request } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createInterface } from "node:readline"
import { startEmbeddedS3 } from "../testkit/s3Server.ts"
import { uniqueId } from "../testkit/settings.ts"
import { runLoad } from "./load.ts"

const mode = process.argv[2] ?? "cache"
const seconds = Number(process.argv[3] ?? 8)
const here = import.meta.dirname
const profDir = mkdtempSync(join(tmpdir(), "econ-prof-"))
const s3 = await startEmbeddedS3({ directory: mkdtempSync(join(tmpdir(), "econ-prof-s3-")), port: 0, buckets: ["econ-bench"] })
// PROFILE_NODE_ARGS (e.g. "--max-semi-space-size=32") go to the server too
const extra = (process.env["PROFILE_NODE_ARGS"] ?? "").split(" ").filter((a) => a !== "")
const child = spawn(process.execPath, [...extra, "--cpu-prof", `--cpu-prof-dir=${profDir}`, join(here, "server.ts")], {
  env: {
    ...process.env,
    BENCH_PREFIX: uniqueId("econprof"),
    DATABASE_URL: process.env["TEST_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test",
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: "econ-bench",
    REDIS_CLUSTER_NODES: ""
  },
  stdio: ["ignore", "pipe", "inherit"]
})
const info = JSON.parse(await new Promise<string>((r) => createInterface({ input: child.stdout! }).once("line", r))) as { url: string; adminToken: string }
const api = (method: string, path: string, token: string, body?: string) =>
  new Promise<any>((resolve, reject) => {
    const req = request(new URL(path, info.url), { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } }, (res) => {
      let t = ""
      res.on("data", (d) => (t += d))
      res.on("end", () => resolve(t === "" ? undefined : JSON.parse(t)))
    })
    req.on("error", reject)
    req.end(body)
  })
const tenants: Array<{ api_key: string }> = []
for (let i = 0; i < 64; i++) tenants.push(await api("POST", "/admin/v1/users", info.adminToken, JSON.stringify({ tier: "enterprise" })))
for (const t of tenants) await api("PUT", "/api/v1/cache/greeting?ttl=86400", t.api_key, "\"hello\"")
if (mode === "upload") {
  // 100 MB in 64 KiB chunks, sized, as the bench sends it
  const size = 100_000_000
  const t0 = performance.now()
  const reply = await new Promise<number>((resolve, reject) => {
    const req = request(new URL("/api/v1/assets", info.url), {
      method: "POST",
      headers: { authorization: `Bearer ${tenants[1]!.api_key}`, "content-type": "application/octet-stream", "x-cache-key": "big", "content-length": String(size) }
    }, (res) => {
      res.resume()
      res.on("end", () => resolve(res.statusCode ?? 0))
    })
    req.on("error", reject)
    let sent = 0
    const chunk = Buffer.alloc(65536)
    const pump = () => {
      while (sent < size) {
        const n = Math.min(chunk.length, size - sent)
        chunk[0] = sent & 255
        const more = req.write(n === chunk.length ? Buffer.from(chunk) : chunk.subarray(0, n))
        sent += n
        if (!more) return void req.once("drain", pump)
      }
      req.end()
    }
    pump()
  })
  console.log({ status: reply, mbPerS: size / (performance.now() - t0) / 1000 })
} else {
const path = mode === "quota" ? "/api/v1/storage/quota" : mode === "health" ? "/health" : "/api/v1/cache/greeting"
const who = mode === "hot" ? [tenants[0]!] : tenants
const result = await runLoad({
  url: info.url,
  connections: 64,
  durationMs: seconds * 1000,
  warmupMs: 1000,
  targets: who.map((t) => ({ path, headers: { authorization: `Bearer ${t.api_key}` } }))
})
console.log(result)
}
child.kill("SIGTERM")
await new Promise((r) => child.once("exit", r))
await s3.close()
const file = readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"))!
const prof = JSON.parse(readFileSync(join(profDir, file), "utf8")) as {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>
  samples: Array<number>
  timeDeltas: Array<number>
}
const byId = new Map(prof.nodes.map((n) => [n.id, n]))
const self = new Map<string, number>()
const byFile = new Map<string, number>()
let total = 0
prof.samples.forEach((id, i) => {
  const n = byId.get(id)!
  const dt = prof.timeDeltas[i] ?? 0
  total += dt
  const f = n.callFrame
  const file = f.url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*\/(enforcer|model)\//, "$1/")
  const key = `${f.functionName || "(anon)"} ${file}:${f.lineNumber + 1}`
  self.set(key, (self.get(key) ?? 0) + dt)
  const pkg = file.startsWith("@") ? file.split("/").slice(0, 2).join("/") : file.split("/")[0]!
  byFile.set(pkg, (byFile.get(pkg) ?? 0) + dt)
})
const top = (m: Map<string, number>, n: number) =>
  [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${(100 * v / total).toFixed(1).padStart(5)} %  ${k}`).join("\n")
console.log(`profile ${join(profDir, file)}: ${(total / 1e6).toFixed(1)} s sampled\n-- by package --\n${top(byFile, 15)}\n-- by function --\n${top(self, 40)}`)
