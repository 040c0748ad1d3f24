// The econ CLI: its exit codes (0 ok, 1 findings, 2 bad input) and the JSON contracts of transfer, breakeven and audit,
// run in-process (`runEcon`, the same command tree and exit code as the entry); the process itself is checked last.
import * as Result from "effect/Result"
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import YAML from "yaml"
import { encodeSheet, restatedFigures } from "../model/index.ts"
import { loadSheet } from "../io/sheetFile.ts"
import { runEcon } from "./econ.ts"

const ECON = fileURLToPath(new URL("../bin/econ.ts", import.meta.url))
const econ = runEcon
const json = async (...args: Array<string>) => {
  const r = await econ(...args, "--json")
  return { ...r, body: JSON.parse(r.stdout) }
}

const dir = mkdtempSync(join(tmpdir(), "econ-cli-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("econ transfer", () => {
  it("prints the plan's billing record with every amount recomputed (exit 0)", async () => {
    const r = await json("transfer", "--tier", "pro", "--storage-gb", "20", "--bandwidth-gb", "50", "--requests", "10000")
    expect(r.code).toBe(0)
    expect(r.body).toMatchObject({
      source_platform: "agentcache",
      tier: "pro",
      jettythunder_allocation: { storage_gb: "20", bandwidth_gb: "50", requests: 10000 },
      internal_cost: { storage: "1.00", bandwidth: "2.50", api_calls: "0.50", total: "4.00" },
      charged_to_user: "49.00",
      margin: "45.00",
      full_cost: { total: "13.00", margin: "36.00", margin_pct: "73.5" }
    })
  })
  it("prints an aligned table for people", async () => {
    const r = await econ("transfer", "--tier", "pro", "--storage-gb", "20", "--bandwidth-gb", "50", "--requests", "10000")
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/internal cost \(plan's record\)\s+JettyThunder\s+\$4\.00/)
    expect(r.stdout).toMatch(/margin \(price − full cost\)\s+73\.5%\s+\$36\.00/)
  })
  it.each([
    [["--tier", "gold"], /^econ: --tier: unknown tier "gold"; use one of free, starter, pro, business, enterprise\n$/],
    [["--tier", "pro", "--storage-gb", "-5"], /^econ: --storage-gb: expected a number of GB ≥ 0/],
    [["--tier", "pro", "--requests=-1"], /^econ: --requests: expected a whole number ≥ 0/],
    [["--tier", "pro", "--bandwidth-gb", "1.0000000001"], /^econ: --bandwidth-gb: at most 9 decimals/]
  ])("bad input %j → one line on stderr, exit 2", async (args, message) => {
    const r = await econ("transfer", ...args)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stderr.trim().split("\n")).toHaveLength(1)
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/) // no stack trace
  })
})

describe("econ breakeven", () => {
  it("--tier pro: 325 users on the plan's fixed costs", async () => {
    const r = await json("breakeven", "--tier", "pro")
    expect(r.code).toBe(0)
    expect(r.body).toMatchObject({ tier: "pro", fixed: "12500.00", contribution: "38.50", users: 325, reachable: true })
    expect(r.body.at).toMatchObject({ users: 325, net: "12.50" })
    expect(r.body.before).toMatchObject({ users: 324, net: "-26.00" })
  })
  it("--with-support: 374; --fixed overrides", async () => {
    expect((await json("breakeven", "--tier", "pro", "--with-support")).body.users).toBe(374)
    expect((await json("breakeven", "--tier", "pro", "--fixed", "385")).body).toMatchObject({ fixed: "385.00", users: 10 })
  })
  it("--mix splits users by largest remainder", async () => {
    const r = await json("breakeven", "--mix", "starter=2,pro=5,business=1")
    expect(r.code).toBe(0)
    expect(r.body.mix).toEqual({ starter: 2, pro: 5, business: 1 })
    const split = r.body.at.split as Record<string, number>
    expect(Object.values(split).reduce((a, b) => a + b, 0)).toBe(r.body.users)
  })
  it("--target-profit and --target-margin seek the least users", async () => {
    expect((await json("breakeven", "--tier", "pro", "--target-profit", "10000", "--with-support")).body.users).toBe(672)
    expect((await json("breakeven", "--tier", "pro", "--target-margin", "70")).body.users).toBe(2977)
  })
  it("an unreachable goal prints why and exits 1", async () => {
    const r = await json("breakeven", "--tier", "pro", "--target-margin", "90")
    expect(r.code).toBe(1)
    expect(r.body).toMatchObject({ users: null, reachable: false })
    expect(r.body.reason).toMatch(/78\.6%/)
  })
  it.each([
    [["--tier", "gold"], /--tier: unknown tier "gold"/],
    [["--tier", "pro", "--fixed", "-5"], /--fixed: expected a number ≥ 0/],
    [["--mix", "pro=x"], /--mix: weight for pro must be a whole number/],
    [["--mix", "gold=1"], /--mix: unknown tier "gold"/],
    [[], /exactly one of --tier .* or --mix/]
  ])("bad input %j → exit 2", async (args, message) => {
    const r = await econ("breakeven", ...args)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stderr.trim().split("\n")).toHaveLength(1)
  })
})

describe("econ audit", () => {
  it("lists the plan's findings and exits 1", async () => {
    const r = await econ("audit")
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/tiers\.starter\.cost_to_us\s+\$2\.80\s+\$2\.60/)
    expect(r.stdout).toMatch(/break_even\.users\s+120\s+325/)
  })
  it("--json: findings with id, kind, figure, where, stated, computed, explanation", async () => {
    const r = await json("audit")
    expect(r.code).toBe(1)
    expect(r.body.findings.length).toBe(r.body.summary.findings)
    for (const f of r.body.findings) {
      expect(Object.keys(f)).toEqual(["id", "kind", "figure", "where", "stated", "computed", "explanation"])
    }
  })
  it("exits 0 when nothing fails: restated figures, arithmetic only", async () => {
    const sheet = Result.getOrThrow(loadSheet())
    const path = join(dir, "restated.yaml")
    writeFileSync(path, YAML.stringify(encodeSheet({ ...sheet, stated: restatedFigures(sheet) })))
    const r = await econ("audit", "--sheet", path, "--kind", "arithmetic")
    expect(r.stdout).toMatch(/^No findings/)
    expect(r.code).toBe(0)
  })
  it("an unusable sheet or flag exits 2 with one line", async () => {
    const bad = join(dir, "bad.yaml")
    writeFileSync(bad, "version: 1\ncurrency: EUR\n")
    for (const args of [["--sheet", bad], ["--sheet", join(dir, "missing.yaml")], ["--kind", "typo"]]) {
      const r = await econ("audit", ...args)
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(/^econ: /)
    }
  })
})

describe("the econ process (bin/econ.ts)", () => {
  const run = (...args: Array<string>) => spawnSync(process.execPath, [ECON, ...args], { encoding: "utf8", timeout: 30_000 })

  it("exits with the contract's code: 2 and one line for bad input, no stack trace", () => {
    const r = run("transfer", "--tier", "gold")
    expect(r.status).toBe(2)
    expect(r.stderr).toBe('econ: --tier: unknown tier "gold"; use one of free, starter, pro, business, enterprise\n')
  })
  it("exits 1 on findings, with the report on stdout", () => {
    const r = run("audit", "--json")
    expect(r.status).toBe(1)
    expect(JSON.parse(r.stdout).findings.length).toBeGreaterThan(0)
  })
})
