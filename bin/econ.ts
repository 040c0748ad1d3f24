#!/usr/bin/env node
// The `econ` CLI entry: runs on the project's pinned Node 24 (type stripping, no build step).
import { enableCompileCache } from "node:module"

// Monte Carlo workers and every CLI call load the same large module graph; caching its compiled code halves start-up
enableCompileCache?.()
await import("../cli/main.ts")
