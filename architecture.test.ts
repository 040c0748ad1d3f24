// The import graph between top-level folders: model/ at the bottom, io/ (file reading) on it, scenarios/ and enforcer/
// side by side on those two, cli/ and notebooks/ on top, bin/ the entry. A reader can trust the tree for the layering.
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative, resolve, dirname, sep } from "node:path"
import { describe, expect, it } from "vitest"

const ROOT = import.meta.dirname
const FOLDERS = ["model", "io", "scenarios", "enforcer", "notebooks", "cli", "bin"] as const
type Folder = (typeof FOLDERS)[number]

/** What each folder may import besides itself (and npm packages, checked apart for model/). */
const ALLOWED: Record<Folder, ReadonlyArray<Folder>> = {
  model: [],
  io: ["model"],
  scenarios: ["model", "io"],
  enforcer: ["model", "io"],
  notebooks: ["model", "io", "scenarios", "enforcer"],
  cli: ["model", "io", "scenarios", "enforcer", "notebooks"],
  bin: ["cli"]
}

const tsFiles = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (name === "node_modules" || name.startsWith(".") || name === "__golden__") return []
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith(".ts") ? [p] : []
  })

const specifiers = (file: string): Array<string> => {
  const text = readFileSync(file, "utf8")
  const found: Array<string> = []
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^"'`;]*?from\s*["']([^"']+)["']/g)) found.push(m[1]!)
  for (const m of text.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g)) found.push(m[1]!)
  for (const m of text.matchAll(/new URL\(\s*["'](\.[^"']+\.ts)["']/g)) found.push(m[1]!)
  return found
}

const folderOf = (absolute: string): string => relative(ROOT, absolute).split(sep)[0]!

const edges = FOLDERS.flatMap((folder) =>
  tsFiles(join(ROOT, folder)).flatMap((file) =>
    specifiers(file).map((spec) => ({
      from: folder,
      file: relative(ROOT, file),
      spec,
      to: spec.startsWith(".") ? folderOf(resolve(dirname(file), spec)) : `npm:${spec}`
    }))
  )
)

describe("layering", () => {
  it("finds the imports it checks (the scan is not empty)", () => {
    expect(edges.length).toBeGreaterThan(300)
    expect(edges.some((e) => e.from === "enforcer" && e.to === "model")).toBe(true)
  })

  it.each(FOLDERS)("%s/ imports only the folders below it", (folder) => {
    const bad = edges.filter((e) =>
      e.from === folder && !e.to.startsWith("npm:") && e.to !== folder &&
      !(ALLOWED[folder] as ReadonlyArray<string>).includes(e.to) &&
      // model's tests may read the shipped sheet through io/ (the model itself never does I/O)
      !(folder === "model" && e.file.endsWith(".test.ts") && e.to === "io") &&
      // a test may spawn the CLI's entry as a process (a path, not an import)
      !(e.file.endsWith(".test.ts") && e.spec.endsWith("bin/econ.ts"))
    )
    expect(bad.map((e) => `${e.file} → ${e.spec}`)).toEqual([])
  })

  it("model/ uses no npm package but effect (tests also use their test tools)", () => {
    const bad = edges.filter((e) =>
      e.from === "model" && e.to.startsWith("npm:") &&
      !/^npm:effect(\/|$)/.test(e.to) &&
      !(e.file.endsWith(".test.ts") && /^npm:(vitest|fast-check|@fast-check\/vitest|yaml|node:.*)(\/|$)/.test(e.to))
    )
    expect(bad.map((e) => `${e.file} → ${e.spec}`)).toEqual([])
  })
})
