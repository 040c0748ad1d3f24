// Reading YAML at the edge: files that would hang or exhaust the process are refused with a clear message, parsing is
// linear in the number of keys, and numbers are read as written.
import * as Result from "effect/Result"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { MAX_YAML_BYTES, readYamlFile } from "./sheetFile.ts"

const dir = mkdtempSync(join(tmpdir(), "econ-yaml-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, text: string) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}
const failure = (path: string) => {
  const r = readYamlFile(path)
  if (Result.isSuccess(r)) throw new Error("expected a failure")
  return r.failure.message
}

describe("readYamlFile", () => {
  it("refuses an alias bomb (nested references) with a message, instead of expanding it", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for (const [prev, name] of [["a", "b"], ["b", "c"], ["c", "d"], ["d", "e"], ["e", "f"]] as const)
      levels.push(`${name}: &${name} [${Array.from({ length: 10 }, () => `*${prev}`).join(", ")}]`)
    expect(failure(file("bomb.yaml", levels.join("\n") + "\n"))).toMatch(/too many YAML aliases \(more than 100/)
    // a few aliases stay fine
    expect(Result.isSuccess(readYamlFile(file("alias.yaml", "a: &a { x: 1 }\nb: *a\n")))).toBe(true)
  })

  it("refuses a file over the size limit before reading it", () => {
    expect(failure(file("big.yaml", "# " + "x".repeat(MAX_YAML_BYTES) + "\n"))).toMatch(/1 MB is more than the 1 MB a scenario or price sheet may have/)
  })

  it("finds a duplicate key with its line (the parser's own check is quadratic, ours is one set per mapping)", () => {
    expect(failure(file("dup.yaml", "name: x\nusers:\n  churn: 1\n  churn: 2\n"))).toMatch(/line 4, column 3: the key `churn` appears twice/)
  })

  it("parses 80,000 keys in linear time (quadratic took 40 s for 40,000)", () => {
    // a generous timeout, not a timing assertion: linear parsing takes about a second here, quadratic minutes
    const keys = Array.from({ length: 80_000 }, (_, i) => `k${i}: 1`).join("\n")
    const r = readYamlFile(file("keys.yaml", keys + "\n"))
    expect(Result.isSuccess(r) && Object.keys(r.success as object).length).toBe(80_000)
  }, 60_000)

  it("reads numbers from their source text when the float would not read back the same", () => {
    const r = Result.getOrThrow(readYamlFile(file("n.yaml", "a: 0.0000005\nb: 0.30000000000000001\nc: 0.015\nd: 36\ne: -0.4\nf: 1.0\ng: 1e-7\n")))
    expect(r).toEqual({ a: "0.0000005", b: "0.30000000000000001", c: 0.015, d: 36, e: -0.4, f: 1, g: 1e-7 })
  })
})
