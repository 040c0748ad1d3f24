// A price sheet with tiny limits for tests: the plan's sheet with some tiers' limits replaced, written to a temp file
// and read back through the same loader `serve` uses (so it is validated like any sheet).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import YAML from "yaml"
import { DEFAULT_SHEET_PATH } from "../../io/sheetFile.ts"

export interface TestLimits {
  readonly cache_requests?: number | null
  readonly redis_mb?: string | null
  readonly storage_gb?: string | null
  readonly bandwidth_gb?: string | null
}

/**
 * Default test limits: starter holds 1000 bytes of storage, 1000 bytes of Redis, 20 requests and 3000 bytes of
 * bandwidth; pro ten times that. Free and enterprise keep the plan's shape (free: zero storage, no multimodal).
 */
export const TINY: Record<string, TestLimits> = {
  starter: { cache_requests: 20, redis_mb: "0.001", storage_gb: "0.000001", bandwidth_gb: "0.000003" },
  pro: { cache_requests: 200, redis_mb: "0.01", storage_gb: "0.00001", bandwidth_gb: "0.00003" },
  business: { cache_requests: 100000, redis_mb: "1", storage_gb: "0.1", bandwidth_gb: "1" }
}

export const writeTestSheet = (overrides: Record<string, TestLimits> = TINY): string => {
  const doc = YAML.parse(readFileSync(DEFAULT_SHEET_PATH, "utf8")) as {
    tiers: Array<{ id: string; limits: Record<string, unknown> }>
  }
  for (const tier of doc.tiers) {
    const o = overrides[tier.id]
    if (o) tier.limits = { ...tier.limits, ...o }
  }
  const path = join(mkdtempSync(join(tmpdir(), "econ-sheet-")), "sheet.yaml")
  writeFileSync(path, YAML.stringify(doc))
  return path
}
