#!/usr/bin/env node
// The `econ` CLI entry: runs on the project's pinned Node 24 (type stripping, no build step).
await import("./main.ts")
