// An in-repo HTTP load generator: N keep-alive connections, each sending its next request as soon as the previous one
// answered (closed loop), for a fixed time; reports requests/s and latency percentiles. Run as a child process so the
// load does not share an event loop with the server it measures: `node enforcer/bench/load.ts '<json LoadSpec>'`.
import { Agent, request } from "node:http"

export interface LoadSpec {
  readonly url: string
  readonly connections: number
  readonly durationMs: number
  readonly warmupMs: number
  /** Per connection (cycled): path and headers. */
  readonly targets: ReadonlyArray<{ readonly path: string; readonly headers?: Record<string, string> }>
}

export interface LoadResult {
  readonly requests: number
  readonly errors: number
  readonly non2xx: number
  readonly rps: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly maxMs: number
}

const percentile = (sorted: Float64Array, p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

export const runLoad = async (spec: LoadSpec): Promise<LoadResult> => {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections })
  const base = new URL(spec.url)
  let latencies = new Float64Array(1 << 16)
  let n = 0
  let errors = 0
  let non2xx = 0
  let measuring = false
  let stop = false
  const one = (target: LoadSpec["targets"][number]) =>
    new Promise<void>((resolve) => {
      const t0 = performance.now()
      const req = request({ host: base.hostname, port: base.port, path: target.path, agent, headers: target.headers }, (res) => {
        res.resume()
        res.on("end", () => {
          if (measuring) {
            if (n === latencies.length) {
              const grown = new Float64Array(n * 2)
              grown.set(latencies)
              latencies = grown
            }
            latencies[n++] = performance.now() - t0
            if (res.statusCode === undefined || res.statusCode >= 300) non2xx++
          }
          resolve()
        })
      })
      req.on("error", () => {
        if (measuring) errors++
        resolve()
      })
      req.end()
    })
  const loop = async (i: number) => {
    const target = spec.targets[i % spec.targets.length]!
    while (!stop) await one(target)
  }
  const loops = Array.from({ length: spec.connections }, (_, i) => loop(i))
  await new Promise((r) => setTimeout(r, spec.warmupMs))
  measuring = true
  const started = performance.now()
  await new Promise((r) => setTimeout(r, spec.durationMs))
  measuring = false
  const elapsed = performance.now() - started
  stop = true
  await Promise.all(loops)
  agent.destroy()
  const sorted = latencies.slice(0, n).sort()
  return {
    requests: n,
    errors,
    non2xx,
    rps: n / (elapsed / 1000),
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: n === 0 ? 0 : sorted[n - 1]!
  }
}

if (import.meta.main) {
  const spec = JSON.parse(process.argv[2]!) as LoadSpec
  process.stdout.write(JSON.stringify(await runLoad(spec)) + "\n")
}
