// A Redis Cluster of the test's own (three masters, no replicas, free ports, a temp dir), never the shared one on
// 7101–7103: a test kills, restarts, flushes, cuts and blackholes its nodes at will. Each node sits behind a TCP proxy
// and announces the proxy's port (cluster-announce-port), so the service, which learns the nodes from CLUSTER SLOTS
// and MOVED, reaches every node through its proxy with no client option of its own; the cluster bus stays direct.
import { type ChildProcess, execFile, spawn } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { Redis } from "ioredis"
import { until } from "./faultBench.ts"
import { startTcpProxy, type TcpProxy } from "./tcpProxy.ts"

const run = promisify(execFile)

/** A free TCP port whose +10000 (the cluster bus port) is free too. */
const freePort = async (): Promise<number> => {
  const listen = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const s = createServer()
      s.once("error", () => resolve(undefined))
      s.listen(port, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port
        s.close(() => resolve(p))
      })
    })
  for (;;) {
    const p = await listen(0)
    if (p !== undefined && p + 10_000 < 65_536 && (await listen(p + 10_000)) !== undefined) return p
  }
}

export interface RedisClusterNode {
  /** The node's own port (what redis-cli and the cluster bus use). */
  readonly port: number
  /** The proxy in front of it: the address the node announces, the only one the service knows. */
  readonly proxy: TcpProxy
}

export interface TestRedisCluster {
  /** For settings.redisClusterNodes: the proxies' addresses. */
  readonly nodes: ReadonlyArray<string>
  readonly node: (i: number) => RedisClusterNode
  /** Index of the node that serves `key`'s slot. */
  readonly ownerOf: (key: string) => Promise<number>
  /** SIGKILL one node (no save: it comes back empty). */
  readonly kill: (i: number) => Promise<void>
  /** Start a killed node again on its port and its nodes.conf (it rejoins with its slots); resolves once the cluster is ok. */
  readonly restart: (i: number) => Promise<void>
  /** FLUSHALL on every master. */
  readonly flushAll: () => Promise<void>
  /** cluster_state:ok on every node. */
  readonly waitOk: () => Promise<void>
  /** Back to a whole cluster whatever a test did: killed nodes restarted, every proxy open and clean. */
  readonly heal: () => Promise<void>
  readonly close: () => Promise<void>
}

/**
 * How long a node may not answer before the others mark it failed: the shared cluster's 2 s, never shorter, since a
 * node starved of CPU on a busy machine must not be declared failed (the whole cluster then refuses every slot).
 */
const NODE_TIMEOUT_MS = 2_000

/**
 * Three masters joined with `redis-cli --cluster create … --cluster-replicas 0`; every wait is on the event (a log
 * line, cluster_state:ok).
 */
export const startRedisCluster = async (): Promise<TestRedisCluster> => {
  const dir = mkdtempSync(join(tmpdir(), "econ-redis-cluster-"))
  const ports: Array<number> = []
  while (ports.length < 3) {
    const p = await freePort()
    if (!ports.includes(p)) ports.push(p)
  }
  const proxies = await Promise.all(ports.map((p) => startTcpProxy("127.0.0.1", p)))
  const children: Array<ChildProcess | undefined> = [undefined, undefined, undefined]

  const start = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const port = ports[i]!
      const nodeDir = join(dir, String(port))
      mkdirSync(nodeDir, { recursive: true })
      const c = spawn("redis-server", [
        "--port", String(port), "--bind", "127.0.0.1", "--dir", nodeDir,
        "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", String(NODE_TIMEOUT_MS),
        "--cluster-announce-ip", "127.0.0.1", "--cluster-announce-port", String(proxies[i]!.port),
        "--cluster-announce-bus-port", String(port + 10_000),
        "--save", "", "--appendonly", "no"
      ], { stdio: ["ignore", "pipe", "inherit"] })
      children[i] = c
      let out = ""
      const onData = (d: Buffer) => {
        out += String(d)
        if (out.includes("Ready to accept connections")) {
          c.stdout!.off("data", onData)
          c.stdout!.resume()
          resolve()
        }
      }
      c.stdout!.on("data", onData)
      c.once("exit", (code) => reject(new Error(`redis-server on ${port} exited ${code}: ${out.slice(-300)}`)))
    })

  const direct = (i: number) => {
    const r = new Redis({ host: "127.0.0.1", port: ports[i]!, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null })
    r.on("error", () => undefined)
    return r
  }
  const onNode = async <A>(i: number, f: (r: Redis) => Promise<A>): Promise<A> => {
    const r = direct(i)
    try {
      await r.connect()
      return await f(r)
    } finally {
      r.disconnect()
    }
  }
  const waitOk = () =>
    until("cluster_state:ok on every node", async () =>
      (await Promise.all(ports.map((_, i) => onNode(i, (r) => r.cluster("INFO") as Promise<string>))))
        .every((info) => info.includes("cluster_state:ok")), 30_000)

  const stop = async (i: number) => {
    const c = children[i]
    children[i] = undefined
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) return
    await new Promise((r) => {
      c.once("exit", r)
      c.kill("SIGKILL")
    })
  }

  try {
    await Promise.all(ports.map((_, i) => start(i)))
    await run("redis-cli", [
      "--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", "0", "--cluster-yes"
    ])
    await waitOk()
  } catch (e) {
    await Promise.all(ports.map((_, i) => stop(i)))
    await Promise.all(proxies.map((p) => p.close()))
    throw e
  }

  return {
    nodes: proxies.map((p) => `127.0.0.1:${p.port}`),
    node: (i) => ({ port: ports[i]!, proxy: proxies[i]! }),
    ownerOf: async (key) => {
      const slot = await onNode(0, (r) => r.cluster("KEYSLOT", key) as Promise<number>)
      // CLUSTER SLOTS names each range's master by its announced address: its proxy's port
      const ranges = await onNode(0, (r) => r.cluster("SLOTS"))
      const range = ranges.find(([from, to]) => slot >= from && slot <= to)
      const i = proxies.findIndex((p) => p.port === range?.[2]?.[1])
      if (i < 0) throw new Error(`no node serves slot ${slot} of ${key}`)
      return i
    },
    kill: stop,
    restart: async (i) => {
      await start(i)
      await waitOk()
    },
    flushAll: async () => {
      await Promise.all(ports.map((_, i) => onNode(i, (r) => r.flushall())))
    },
    waitOk,
    heal: async () => {
      for (const p of proxies) {
        await p.up()
        p.heal()
      }
      for (const [i, c] of children.entries()) if (c === undefined || c.exitCode !== null || c.signalCode !== null) await start(i)
      await waitOk()
    },
    close: async () => {
      await Promise.all(ports.map((_, i) => stop(i)))
      await Promise.all(proxies.map((p) => p.close()))
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
