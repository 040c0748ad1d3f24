#!/usr/bin/env node
// The `econ` CLI entry: runs on the project's pinned Node 24 (type stripping, no build step). CommonJS with no type
// syntax (bin/package.json), so a Node too old to run TypeScript still reads this far and says what to do instead.
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number)
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(
    `econ: this is Node ${process.versions.node}, which cannot run econ's TypeScript: use npx econ (Node 24 is pinned as a ` +
      `devDependency; npm ci installs it)\n`
  )
  process.exit(2)
}
// Monte Carlo workers and every CLI call load the same large module graph; caching its compiled code halves start-up
require("node:module").enableCompileCache?.()
import("../cli/main.ts").catch((e) => {
  process.stderr.write(`econ: internal error: ${e instanceof Error ? e.message : String(e)}\n`)
  process.exitCode = 70
})
