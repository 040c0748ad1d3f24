// The enforcer's commands: users without a running service, the same commands routed through a running `serve` in a
// child process (the embedded database admits one process), exit codes, and the one line printed when Redis is
// unreachable. Commands run in-process (`runEconWith`, the same tree and exit codes) with the test's environment;
// `serve` and the Redis failure run as real processes, since a process holding the database is what is tested.
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import { dropRedisPrefix, REDIS_URL, uniqueId } from "../enforcer/testkit/settings.ts"
import { runEconWith } from "./econ.ts"

const ECON = fileURLToPath(new URL("../bin/econ.ts", import.meta.url))

const envFor = (dataDir: string, extra: Record<string, string> = {}) => {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !["DATABASE_URL", "S3_ENDPOINT", "ADMIN_TOKEN", "PORT", "REDIS_CLUSTER_NODES"].includes(k)) env[k] = v
  }
  return { ...env, ECON_DATA_DIR: dataDir, REDIS_URL, REDIS_KEY_PREFIX: uniqueId("econcli"), ...extra }
}

/** A command in-process, configured by `env` as the process would be. */
const econ = (args: ReadonlyArray<string>, env: Record<string, string>) => runEconWith({ env }, args)

/** A command as its own process (for what only a process shows: a server holding the database, a start-up failure). */
const econProcess = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(process.execPath, [ECON, ...args], { env, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    p.stdout.on("data", (d) => (stdout += String(d)))
    p.stderr.on("data", (d) => (stderr += String(d)))
    p.on("exit", (code) => resolve({ code: code ?? -1, stdout, stderr }))
  })

describe("econ users / jobs / serve", () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), "econ-cli-")), ".data")
  const env = envFor(dataDir)
  let server: ChildProcess | undefined
  afterAll(async () => {
    server?.kill("SIGKILL")
    await dropRedisPrefix(env["REDIS_KEY_PREFIX"]!)
  })

  it("adds and lists users with no service running (opens the embedded database itself)", async () => {
    const add = await econ(["users", "add", "--tier", "pro", "--json"], env)
    expect(add.code).toBe(0)
    const user = JSON.parse(add.stdout)
    expect(Object.keys(user).sort()).toEqual(["api_key", "tier", "user_id"])
    expect(user.tier).toBe("pro")
    expect(user.api_key).toMatch(/^ak_/)
    const list = await econ(["users", "list", "--json"], env)
    expect(list.code).toBe(0)
    expect(JSON.parse(list.stdout).map((u: { user_id: string }) => u.user_id)).toEqual([user.user_id])
    // the key is stored hashed only
    expect(readFileSync(join(dataDir, "pg", "PG_VERSION"), "utf8")).toMatch(/\d/)
  })

  it("bad input exits 2 with one line", async () => {
    const bad = await econ(["users", "add", "--tier", "gold"], env)
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim().split("\n")).toHaveLength(1)
    expect(bad.stderr).toContain("gold")
  })

  it("routes through a running serve: users and jobs work while it holds the database, and nothing is lost", async () => {
    server = spawn(process.execPath, [ECON, "serve", "--port", "0"], { env, stdio: ["ignore", "pipe", "pipe"] })
    const url = await new Promise<string>((resolve, reject) => {
      let out = ""
      server!.stdout!.on("data", (d) => {
        out += String(d)
        const m = /listening on (\S+)/.exec(out)
        if (m) resolve(m[1]!)
      })
      server!.stderr!.on("data", (d) => (out += String(d)))
      server!.on("close", (code) => reject(new Error(`serve exited ${code}: ${out}`)))
      setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 30_000)
    })
    const add = await econ(["users", "add", "--tier", "starter", "--json"], env)
    expect(add.code).toBe(0)
    const user = JSON.parse(add.stdout)
    // the new key works at once against the running service: it went into the service's database
    const quota = await fetch(`${url}/api/v1/storage/quota`, { headers: { authorization: `Bearer ${user.api_key}` } })
    expect(quota.status).toBe(200)
    expect(((await quota.json()) as { tier: string }).tier).toBe("starter")
    const set = await econ(["users", "set-tier", user.user_id, "business"], env)
    expect(set.code).toBe(0)
    expect(set.stdout).toContain("starter → business")
    const after = await fetch(`${url}/api/v1/storage/quota`, { headers: { authorization: `Bearer ${user.api_key}` } })
    expect(((await after.json()) as { tier: string }).tier).toBe("business")
    const missing = await econ(["users", "set-tier", "no-such-user", "pro"], env)
    expect(missing.code).toBe(2)
    const job = await econ(["jobs", "rollover", "--json"], env)
    expect(job.code).toBe(0)
    expect(JSON.parse(job.stdout)).toMatchObject({ rolled_over: 0 })
    const list = await econ(["users", "list", "--json"], env)
    expect(JSON.parse(list.stdout)).toHaveLength(2)
    server.kill("SIGINT")
    await new Promise((r) => server!.once("exit", r))
    server = undefined
    // stopped: the commands open the database themselves again, and everything written through the service is there
    const direct = await econ(["users", "list", "--json"], env)
    expect(direct.code).toBe(0)
    expect(JSON.parse(direct.stdout).map((u: { tier: string }) => u.tier).sort()).toEqual(["business", "pro"])
  })

  it("revokes a user's keys (no service running: directly in the database); an unknown user exits 2", async () => {
    const own = envFor(join(mkdtempSync(join(tmpdir(), "econ-cli-")), ".data"))
    const user = JSON.parse((await econ(["users", "add", "--tier", "pro", "--json"], own)).stdout)
    const revoke = await econ(["users", "revoke", user.user_id], own)
    expect(revoke.code).toBe(0)
    expect(revoke.stdout).toContain("1 key(s) revoked")
    expect((await econ(["users", "revoke", "00000000-0000-4000-8000-000000000000"], own)).code).toBe(2)
  }, 180_000) // three processes that each open an embedded database: slow on a loaded 2-core machine

  it("serve on a port already taken, or with a data directory it cannot create, says so in one line and exits 1", async () => {
    const own = envFor(join(mkdtempSync(join(tmpdir(), "econ-cli-")), ".data"))
    const taken = createServer()
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", () => r()))
    const port = (taken.address() as { port: number }).port
    try {
      const r = await econ(["serve", "--port", String(port)], own)
      expect(r.code).toBe(1)
      expect(r.stderr.trim().split("\n")).toHaveLength(1)
      expect(r.stderr).toContain(`port ${port}`)
      expect(r.stderr).toContain("--port")
    } finally {
      taken.close()
    }
    // the production configuration keeps only serve.json in the data directory; one it cannot create is named
    const r = await econ(["serve", "--port", "0"], { ...own, ECON_DATA_DIR: join(ECON, "not-a-dir") })
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split("\n")).toHaveLength(1)
    expect(r.stderr).toContain("ECON_DATA_DIR")
  }, 180_000)

  it("serve with Redis unreachable prints one line naming the fix and exits 1 (the work failed, the input was fine)", async () => {
    const r = await econProcess(["serve", "--port", "0"], { ...env, REDIS_URL: "redis://127.0.0.1:1" })
    expect(r.code).toBe(1)
    const lines = r.stderr.trim().split("\n")
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain("REDIS_URL")
    expect(lines[0]).toContain("redis-server")
  })
})
