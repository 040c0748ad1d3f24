import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["model/**/*.test.ts", "scenarios/**/*.test.ts", "enforcer/**/*.test.ts", "notebooks/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // enforcer suites share one Redis and one PostgreSQL; they isolate by tenant/schema, not by process
    fileParallelism: true
  }
})
