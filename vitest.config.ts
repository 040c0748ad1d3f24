import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["architecture.test.ts", "model/**/*.test.ts", "io/**/*.test.ts", "scenarios/**/*.test.ts", "enforcer/**/*.test.ts", "cli/**/*.test.ts", "notebooks/**/*.test.ts"],
    // PGlite databases start from one template made here, not from their own initdb (enforcer/db/pgliteBoot.ts)
    globalSetup: ["enforcer/testkit/pgliteTemplate.setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // enforcer suites share one Redis and one PostgreSQL; they isolate by tenant/schema, not by process
    fileParallelism: true,
    // two files at a time, on two cores too (vitest's default there is one): the enforcer and CLI suites spend most of
    // their time waiting on Redis, PostgreSQL, S3 and child processes
    maxWorkers: 2
  }
})
