import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["architecture.test.ts", "model/**/*.test.ts", "io/**/*.test.ts", "scenarios/**/*.test.ts", "enforcer/**/*.test.ts", "cli/**/*.test.ts", "notebooks/**/*.test.ts"],
    // PGlite databases start from one template made here, not from their own initdb (enforcer/db/pgliteBoot.ts)
    globalSetup: ["enforcer/testkit/pgliteTemplate.setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // enforcer suites share one Redis and one PostgreSQL; they isolate by tenant/schema, not by process
    fileParallelism: true
  }
})
