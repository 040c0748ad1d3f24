// `npm run bench:enforcer`: the enforcer's hot path against a bare node:http + one Redis GET baseline measured in the
// same run on the same machine, at 64 connections on loopback (in-repo closed-loop load generator, own process);
// uploads against a raw @aws-sdk multipart upload to the same S3 server; RSS of a 1 GB upload against a 1 MB one;
// ledger and Redis bytes per counted request after 100,000 of them. Prints the machine and its load average beside
// every figure, and the targets each ratio is held to. Each comparison runs BENCH_ROUNDS times (3), its baseline
// beside it every time, and the median round is shown with the range. Not part of `npm test`.
import { spawn, type ChildProcess } from "node:child_process"
import { readFileSync } from "node:fs"
import { mkdtempSync, rmSync } from "node:fs"
import { request } from "node:http"
import { cpus, loadavg, totalmem, tmpdir } from "node:os"
import { join } from "node:path"
import { createInterface } from "node:readline"
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  S3Client,
  UploadPartCommand
} from "@aws-sdk/client-s3"
import pg from "pg"
import { Redis } from "ioredis"
import { startEmbeddedS3 } from "../testkit/s3Server.ts"
import { uniqueId } from "../testkit/settings.ts"
import type { LoadResult, LoadSpec } from "./load.ts"

const here = import.meta.dirname
const DATABASE_URL = process.env["TEST_DATABASE_URL"] || process.env["DATABASE_URL"] || "postgres://postgres@127.0.0.1:5432/test"
const REDIS_URL = process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379"
const CONNECTIONS = 64
const SECONDS = Number(process.env["BENCH_SECONDS"] ?? 5)
const ROUNDS = Math.max(1, Number(process.env["BENCH_ROUNDS"] ?? 3))
const COUNTED_TARGET = 100_000
const MB = 1_000_000
const prefix = uniqueId("econbench")
const children: Array<ChildProcess> = []

const startChild = async (script: string, env: Record<string, string>) => {
  // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") go to the servers measured
  const nodeArgs = (process.env["BENCH_NODE_ARGS"] ?? "").split(" ").filter((a) => a !== "")
  const child = spawn(process.execPath, [...nodeArgs, join(here, script)], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] })
  children.push(child)
  const line = await new Promise<string>((resolve, reject) => {
    // the first line is the child's address; what it logs after that (a request answered 503 or 500 logs why) goes
    // to stderr, so that a failure in the bench names its cause
    const lines = createInterface({ input: child.stdout! })
    lines.once("line", (first) => {
      lines.on("line", (l) => process.stderr.write(`[${script}] ${l}\n`))
      resolve(first)
    })
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)))
  })
  return { child, info: JSON.parse(line) as Record<string, string> }
}

const load = (spec: LoadSpec) =>
  new Promise<LoadResult>((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, "load.ts"), JSON.stringify(spec)], { stdio: ["ignore", "pipe", "inherit"] })
    let out = ""
    child.stdout!.on("data", (d) => (out += d))
    child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load exited ${code}`))))
  })

const api = async (base: string, method: string, path: string, token: string, body?: string) => {
  const r = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body } : {})
  })
  const text = await r.text()
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text}`)
  return text === "" ? undefined : JSON.parse(text)
}

/** A body of `size` bytes streamed in 1 MiB chunks (never all in memory), sized. */
const upload = (base: string, key: string, size: number) =>
  new Promise<{ readonly status: number; readonly ms: number }>((resolve, reject) => {
    const url = new URL("/api/v1/assets", base)
    const t0 = performance.now()
    const req = request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: "POST",
      headers: {
        authorization: `Bearer ${key}`,
        "content-type": "application/octet-stream",
        "x-cache-key": `bench-${size}-${Math.random()}`,
        "content-length": String(size)
      }
    }, (res) => {
      res.resume()
      res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }))
    })
    req.on("error", reject)
    const chunk = Buffer.alloc(1 << 20, 7)
    let sent = 0
    const pump = () => {
      while (sent < size) {
        const n = Math.min(chunk.length, size - sent)
        // a fresh byte per chunk: the content must not deduplicate against an earlier upload
        chunk[0] = (sent / chunk.length) % 251
        const more = req.write(n === chunk.length ? Buffer.from(chunk) : chunk.subarray(0, n))
        sent += n
        if (!more) return void req.once("drain", pump)
      }
      req.end()
    }
    pump()
  })

/** Peak resident memory of a process while `work` runs (sampled every 20 ms from /proc). */
const peakRss = async <A>(pid: number, work: () => Promise<A>) => {
  const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) * 1024
  let peak = rss()
  const timer = setInterval(() => {
    peak = Math.max(peak, rss())
  }, 20)
  try {
    const result = await work()
    return { result, peak: Math.max(peak, rss()) }
  } finally {
    clearInterval(timer)
  }
}

const redisBytes = async () => {
  const r = new Redis(REDIS_URL)
  let total = 0
  let keys = 0
  let cursor = "0"
  do {
    const [next, batch] = await r.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000)
    for (const k of batch) {
      total += Number((await r.memory("USAGE", k)) ?? 0)
      keys++
    }
    cursor = next
  } while (cursor !== "0")
  r.disconnect()
  return { bytes: total, keys }
}

/** Bytes of the ledger tables; `compact` first rewrites them (VACUUM FULL, the bench's own schema) so that only live
 * rows count: what the ledger keeps, apart from row versions autovacuum reclaims for reuse. */
const ledgerBytes = async (schema: string, compact = false) => {
  const c = new pg.Client({ connectionString: DATABASE_URL })
  await c.connect()
  if (compact) await c.query(`vacuum full ${schema}.usage_ledger, ${schema}.usage_counters, ${schema}.ledger_batches`)
  const r = await c.query<{ bytes: string; rows: string }>(
    `select coalesce(sum(pg_total_relation_size(format('%I.%I', $1::text, t))), 0) as bytes,
       (select count(*) from ${schema}.usage_ledger) + (select count(*) from ${schema}.usage_counters) as rows
     from unnest(array['usage_ledger', 'usage_counters', 'ledger_batches']) as t`,
    [schema]
  )
  await c.end()
  return { bytes: Number(r.rows[0]!.bytes), rows: Number(r.rows[0]!.rows) }
}

const rawS3Upload = async (endpoint: string, bucket: string, size: number) => {
  const s3 = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED"
  })
  const key = `raw/${Math.random()}`
  const part = 8 * 1024 * 1024
  const t0 = performance.now()
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))
  const parts: Array<{ ETag: string; PartNumber: number }> = []
  for (let off = 0, n = 1; off < size; off += part, n++) {
    const body = Buffer.alloc(Math.min(part, size - off), n)
    const r = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: n, Body: body }))
    parts.push({ ETag: r.ETag!, PartNumber: n })
  }
  await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }))
  s3.destroy()
  return performance.now() - t0
}

const fmt = (n: number, d = 0) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d })
const verdict = (ok: boolean) => (ok ? "met" : "NOT met")

const main = async () => {
  const s3dir = mkdtempSync(join(tmpdir(), "econ-bench-s3-"))
  const s3 = await startEmbeddedS3({ directory: s3dir, port: 0, buckets: ["econ-bench"] })
  const redisInfo = new Redis(REDIS_URL)
  const redisVersion = /redis_version:(\S+)/.exec(await redisInfo.info("server"))?.[1]
  redisInfo.disconnect()
  try {
    const baseline = await startChild("baseline.ts", { BENCH_PREFIX: prefix, REDIS_URL })
    const enforcer = await startChild("server.ts", {
      BENCH_PREFIX: prefix,
      DATABASE_URL,
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: "econ-bench",
      ...(process.env["BENCH_CLUSTER"] ? {} : { REDIS_CLUSTER_NODES: "" })
    })
    const { url, adminToken, schema } = enforcer.info as { url: string; adminToken: string; schema: string }
    const tenants: Array<{ user_id: string; api_key: string }> = []
    for (let i = 0; i < CONNECTIONS; i++) tenants.push(await api(url, "POST", "/admin/v1/users", adminToken, JSON.stringify({ tier: "enterprise" })))
    for (const t of tenants) {
      await api(url, "PUT", "/api/v1/cache/greeting?ttl=86400", t.api_key, "\"hello\"")
    }
    const auth = (t: { api_key: string }) => ({ authorization: `Bearer ${t.api_key}` })
    const spec = (u: string, targets: LoadSpec["targets"]): LoadSpec => ({ url: u, connections: CONNECTIONS, durationMs: SECONDS * 1000, warmupMs: 1000, targets })
    const before = { redis: await redisBytes(), ledger: await ledgerBytes(schema, true) }

    // Each comparison is run ROUNDS times, the baseline beside the enforcer in every round, and its median round is
    // reported with the range of the rounds: on a shared machine one 5 s run swung a ratio by a third between runs
    const rounds: Array<{ base: LoadResult; health: LoadResult; cache64: LoadResult; cacheHot: LoadResult; quota64: LoadResult }> = []
    for (let i = 0; i < ROUNDS; i++) {
      rounds.push({
        base: await load(spec(baseline.info["url"]!, [{ path: "/" }])),
        // the framework's floor: the service's HTTP stack and one Redis PING, no key, no quota
        health: await load(spec(url, [{ path: "/health" }])),
        cache64: await load(spec(url, tenants.map((t) => ({ path: "/api/v1/cache/greeting", headers: auth(t) })))),
        cacheHot: await load(spec(url, [{ path: "/api/v1/cache/greeting", headers: auth(tenants[0]!) }])),
        quota64: await load(spec(url, tenants.map((t) => ({ path: "/api/v1/storage/quota", headers: auth(t) }))))
      })
      process.stderr.write(`round ${i + 1} of ${ROUNDS} measured\n`)
    }
    /** The median round of one measure by its ratio to the round's baseline, and the range of the ratios. */
    const summary = (pick: (r: (typeof rounds)[number]) => LoadResult) => {
      const ratios = rounds.map((r) => ({ r: pick(r), ratio: pick(r).rps / r.base.rps })).sort((a, b) => a.ratio - b.ratio)
      const mid = ratios[Math.floor(ratios.length / 2)]!
      const p99s = rounds.map((r) => pick(r).p99Ms).sort((a, b) => a - b)
      return { rps: mid.r.rps, ratio: mid.ratio, lo: ratios[0]!.ratio, hi: ratios.at(-1)!.ratio, p99: p99s[Math.floor(p99s.length / 2)]! }
    }
    const base = summary((r) => r.base)
    const health = summary((r) => r.health)
    const cache64 = summary((r) => r.cache64)
    const cacheHot = summary((r) => r.cacheHot)
    const quota64 = summary((r) => r.quota64)

    // counted requests so far (the loads' own warm-ups count too: read them from the ledger), then fill to 100,000
    const countedNow = async () => {
      const c = new pg.Client({ connectionString: DATABASE_URL })
      await c.connect()
      const r = await c.query<{ n: string }>(`select coalesce(sum(requests), 0) as n from ${schema}.usage_all`)
      await c.end()
      return Number(r.rows[0]!.n) - CONNECTIONS // the setup PUTs
    }
    let counted = await countedNow()
    while (counted < COUNTED_TARGET) {
      const seconds = Math.min(60, Math.max(2, Math.ceil((COUNTED_TARGET - counted) / Math.max(100, cache64.rps))))
      await load({ ...spec(url, tenants.map((t) => ({ path: "/api/v1/cache/greeting", headers: auth(t) }))), durationMs: seconds * 1000, warmupMs: 0 })
      counted = await countedNow()
    }
    const after = { redis: await redisBytes(), ledger: await ledgerBytes(schema) }
    const compacted = await ledgerBytes(schema, true)

    const pid = enforcer.child.pid!
    // raw and enforcer uploads alternate, ROUNDS each; the median pair by ratio is reported
    const pairs: Array<{ raw: number; enf: number; status: number }> = []
    for (let i = 0; i < ROUNDS; i++) {
      const raw = await rawS3Upload(s3.endpoint, "econ-bench", 100 * MB)
      const enf = await upload(url, tenants[1]!.api_key, 100 * MB)
      pairs.push({ raw, enf: enf.ms, status: enf.status })
    }
    pairs.sort((a, b) => a.raw / a.enf - b.raw / b.enf)
    const mid = pairs[Math.floor(pairs.length / 2)]!
    const raw100 = mid.raw
    const enf100 = { ms: mid.enf, status: pairs.every((p) => p.status === 201) ? 201 : pairs.find((p) => p.status !== 201)!.status }
    const uploadRange = `${fmt(100 * pairs[0]!.raw / pairs[0]!.enf, 1)}–${fmt(100 * pairs.at(-1)!.raw / pairs.at(-1)!.enf, 1)} %`
    const small = await peakRss(pid, () => upload(url, tenants[2]!.api_key, 1 * MB))
    const big = await peakRss(pid, () => upload(url, tenants[3]!.api_key, 1000 * MB))
    if (enf100.status !== 201 || small.result.status !== 201 || big.result.status !== 201) {
      throw new Error(`uploads answered ${enf100.status}, ${small.result.status}, ${big.result.status}`)
    }

    const pct = (x: number) => `${fmt(100 * x, 1)} %`
    // the ratio is the figure (each round's own baseline beside it); the requests/s are the median round's
    const measured = (m: ReturnType<typeof summary>) =>
      `${pct(m.ratio)} of the baseline (rounds ${fmt(100 * m.lo, 1)}–${pct(m.hi)}); ${fmt(m.rps)} req/s`
    const baseRps = rounds.map((r) => r.base.rps).sort((a, b) => a - b)
    const rows: Array<[string, string, string, string]> = [
      ["baseline: node:http + 1 Redis GET", `${fmt(baseRps[Math.floor(baseRps.length / 2)]!)} req/s (rounds ${fmt(baseRps[0]!)}–${fmt(baseRps.at(-1)!)})`,
        `p99 ${fmt(base.p99, 1)} ms`, ""],
      ["for scale: GET /health (the service's HTTP stack + 1 Redis PING)", measured(health), `p99 ${fmt(health.p99, 1)} ms`, ""],
      ["cache GET, 64 tenants", measured(cache64), `p99 ${fmt(cache64.p99, 1)} ms`,
        `≥ 30 %: ${verdict(cache64.ratio >= 0.3)}; p99 ≤ 25 ms: ${verdict(cache64.p99 <= 25)}`],
      ["cache GET, one hot tenant", measured(cacheHot), `p99 ${fmt(cacheHot.p99, 1)} ms`,
        `p99 ≤ 100 ms: ${verdict(cacheHot.p99 <= 100)}`],
      ["quota GET, 64 tenants", measured(quota64), `p99 ${fmt(quota64.p99, 1)} ms`,
        `≥ 60 %: ${verdict(quota64.ratio >= 0.6)}`],
      ["upload 100 MB: enforcer vs raw @aws-sdk", `${fmt(100 * MB / enf100.ms / 1000, 1)} vs ${fmt(100 * MB / raw100 / 1000, 1)} MB/s`,
        `${fmt(100 * raw100 / enf100.ms, 1)} % (rounds ${uploadRange})`, `≥ 70 %: ${verdict(raw100 / enf100.ms >= 0.7)}`],
      ["peak RSS: 1 GB upload vs 1 MB upload", `${fmt(big.peak / MB)} vs ${fmt(small.peak / MB)} MB`, `${fmt(big.peak / small.peak, 2)} ×`,
        `≤ 1.5 ×: ${verdict(big.peak / small.peak <= 1.5)}`]
    ]
    const perReq = (b: number) => b / (counted)
    const ledgerPer = perReq(after.ledger.bytes - before.ledger.bytes)
    const redisPer = perReq(after.redis.bytes - before.redis.bytes)
    // growth of the ledger kept (its tables' fixed pages, and the setup's rows, were there before)
    const livePer = perReq(compacted.bytes - before.ledger.bytes)
    rows.push(
      [`ledger bytes per counted request (${fmt(counted)} requests)`, `${fmt(livePer, 3)} B kept`,
        `${fmt(compacted.rows)} rows, ${fmt(compacted.bytes)} B; ${fmt(ledgerPer, 1)} B before vacuum`, `< 1 B: ${verdict(livePer < 1)}`],
      [`Redis bytes per counted request`, `${fmt(redisPer, 3)} B`, `${fmt(after.redis.keys)} keys, ${fmt(after.redis.bytes)} B`,
        `< 1 B: ${verdict(redisPer < 1)}`]
    )
    const errors = rounds.flatMap((r) => [r.base, r.health, r.cache64, r.cacheHot, r.quota64]).reduce((a, r) => a + r.errors + r.non2xx, 0)
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${fmt(totalmem() / 1e9, 1)} GB RAM, Node ${process.version}, Redis ${redisVersion}` +
      `${process.env["BENCH_CLUSTER"] ? " (cluster)" : ""}; load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}`)
    console.log(`${CONNECTIONS} connections, ${SECONDS} s per run after 1 s warm-up, loopback; each comparison in ${ROUNDS} ` +
      `rounds beside its baseline, the median round shown; ${errors} errors or non-2xx answers\n`)
    console.log("| measure | result | detail | target |\n| --- | --- | --- | --- |")
    for (const r of rows) console.log(`| ${r.join(" | ")} |`)
  } finally {
    for (const c of children) c.kill("SIGTERM")
    await s3.close()
    rmSync(s3dir, { recursive: true, force: true })
  }
}

await main()
