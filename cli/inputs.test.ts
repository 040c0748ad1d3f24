// Inputs that used to hang, mislead or fail silently: each gets one clear line on stderr and the contract's exit code
// (2 unusable input, 70 internal error), a Monte Carlo run stops on Ctrl-C, and the entry says which Node to use.
import * as Effect from "effect/Effect"
import { Command } from "effect/cli"
import { execFileSync, spawn, spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import { Stdio } from "./common.ts"
import { commandProgram, runEcon } from "./econ.ts"

const ROOT = fileURLToPath(new URL("..", import.meta.url))
const ECON = join(ROOT, "bin/econ.ts")
const dir = mkdtempSync(join(tmpdir(), "econ-inputs-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, text: string) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}
const HEAD = 'name: x\nstart: "2026-01"\nhorizon_months: 3\n'

const oneLine = (r: { stderr: string }) => expect(r.stderr.trim().split("\n")).toHaveLength(1)

describe("bad flags and fields: stderr alone, one line, with a suggestion", () => {
  it.each([
    [["run", "scenarios/plan-pro-1000.yaml", "--seed", "abc"], /^econ: Invalid value for flag --seed: "abc"/],
    [["sensitivity", "scenarios/plan-pro-1000.yaml", "--outptu", "net_profit"], /Unrecognized flag: --outptu .* — did you mean `--output`\?\n$/],
    [["rnu", "x"], /Unknown subcommand "rnu" .* — did you mean `run`\?/]
  ])("%j → exit 2, nothing on stdout (a --json reader gets no help text)", async (args, message) => {
    const r = await runEcon(...args, "--json")
    expect([r.code, r.stdout]).toEqual([2, ""])
    expect(r.stderr).toMatch(message)
    oneLine(r)
  })

  it("--help still prints help on stdout, exit 0", async () => {
    const r = await runEcon("run", "--help")
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/Run a scenario/)
  })

  it("an unknown YAML field names the closest known one", async () => {
    const r = await runEcon("run", file("chrun.yaml", HEAD + "users:\n  start: { pro: 5 }\n  chrun: { pro: 0.01 }\n"))
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/users\.chrun: unknown field `chrun` — did you mean `churn`\?\n$/)
  })

  it("40,000 unknown keys: a short message listing three and counting the rest", async () => {
    const keys = Array.from({ length: 40_000 }, (_, i) => `k${i}: 1`).join("\n")
    const r = await runEcon("run", file("keys.yaml", HEAD + "users: { start: { pro: 1 } }\n" + keys + "\n"))
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/k0: unknown field `k0`; k1: unknown field `k1`; k2: unknown field `k2`; and 39,997 more\n$/)
    expect(r.stderr.length).toBeLessThan(300)
  }, 60_000)

  it("an alias bomb is unusable input (exit 2 with the reason), not a silent exit 1", async () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]", "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]", "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]"]
    const r = await runEcon("run", file("bomb.yaml", bomb.join("\n") + "\n"))
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/too many YAML aliases/)
  })
})

describe("numbers as written", () => {
  it("0.0000005 written plainly is the same price as the quoted form", async () => {
    const body = (v: string) => HEAD + `overrides:\n  unit_prices: { redis_per_mb_month: ${v} }\nusers:\n  start: { pro: 5 }\n`
    const plain = await runEcon("run", file("plain.yaml", body("0.0000005")), "--json")
    const quoted = await runEcon("run", file("quoted.yaml", body('"0.0000005"')), "--json")
    expect(plain.code).toBe(0)
    expect(plain.stdout).toBe(quoted.stdout)
  })

  it("churn: 0.0000001 is refused for its 7 decimals", async () => {
    const r = await runEcon("run", file("churn.yaml", HEAD + "users:\n  start: { pro: 5 }\n  churn: { pro: 0.0000001 }\n"))
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/users\.churn\.pro: Expected at most 6 decimals/)
  })
})

describe("unexpected errors", () => {
  it("exit 70 with 'internal error' and the message, never a silent exit 1 (1 means findings)", async () => {
    const boom = Command.make("boom", {}, () => Effect.sync(() => {
      throw new Error("the unexpected")
    }))
    let stderr = ""
    const code = await Effect.runPromise(commandProgram(boom, []).pipe(Effect.provideService(Stdio, { out: () => {}, err: (t) => void (stderr += t) })))
    expect([code, stderr]).toEqual([70, "econ: internal error: the unexpected\n"])
  })
})

describe("the process", () => {
  it("Ctrl-C stops a --workers 1 Monte Carlo run promptly and writes nothing", async () => {
    const out = join(dir, "interrupted")
    const child = spawn(process.execPath, [ECON, "run", "scenarios/mixed-growth-36m.yaml", "--runs", "1000000", "--workers", "1", "--out", out], { cwd: ROOT })
    let stderr = ""
    // wait for the event "the simulation has begun" (its stderr line), then interrupt
    await new Promise<void>((resolve) => child.stderr.on("data", (d) => {
      stderr += String(d)
      if (/Monte Carlo: 1,000,000 runs/.test(stderr)) resolve()
    }))
    const sent = performance.now()
    child.kill("SIGINT")
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c, signal) => resolve(c ?? (signal === null ? null : 130))))
    // the inline loop looks for a signal every 250 runs (~0.1 s); 5 s is generous for a loaded 2-core machine and far
    // below the ~6 minutes a million runs take, so a run that ignores Ctrl-C fails here
    expect(performance.now() - sent).toBeLessThan(5_000)
    expect(code).toBe(130)
    expect(existsSync(out)).toBe(false)
  }, 60_000)

  // only a machine with an old system Node can show this (this one and the CI image have Node 20 for npm itself)
  const major = (node: string) => Number(execFileSync(node, ["-p", "process.versions.node.split('.')[0]"], { encoding: "utf8" }))
  const old = ["/usr/bin/node", "/usr/local/bin/node", "/bin/node"].find((p) => existsSync(p) && major(p) < 22)
  it.skipIf(old === undefined)(`under a Node too old for TypeScript (${old ?? "none on this machine: skipped"}), bin/econ.ts says to use npx econ`, () => {
    const r = spawnSync(old!, [ECON, "--version"], { encoding: "utf8" })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^econ: this is Node \d+\.\d+\.\d+, which cannot run econ's TypeScript: use npx econ \(Node 24 is pinned/)
  })

  it("npm run main and npm run serve reach econ (the scripts call node bin/econ.ts; npm puts the pinned Node first)", () => {
    for (const script of ["main", "serve"]) {
      const r = spawnSync("npm", ["run", "--silent", script, "--", "--help"], { cwd: ROOT, encoding: "utf8", timeout: 30_000 })
      expect(r.status, r.stderr).toBe(0)
      expect(r.stdout).toMatch(script === "main" ? /Run a scenario/ : /quota enforcer/i)
    }
  }, 60_000)
})
