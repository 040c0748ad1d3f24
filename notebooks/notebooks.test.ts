// The notebooks run against the shipped sheet and produce readable, well-formed pages.
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Result from "effect/Result"
import { describe, expect, it } from "vitest"
import { audit } from "../model/index.ts"
import { loadSheet } from "../io/sheetFile.ts"
import { tierEconomicsNotebook } from "./01-tier-economics.ts"
import { planAuditNotebook } from "./02-plan-audit.ts"
import { growthNotebook } from "./03-growth-scenarios.ts"

const sheet = Result.getOrThrow(loadSheet())

describe("notebooks", () => {
  it("01 shows each tier's recomputed cost and a chart", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "nb-")), "01")
    tierEconomicsNotebook(sheet).write(dir)
    const md = readFileSync(join(dir, "index.md"), "utf8")
    expect(md).toMatch(/\| Pro \| \$49\.00 \| \$7\.50 \| \$1\.00 \| \$0\.00 \| \$1\.00 \| \$0\.50 \| \$0\.50 \| \$10\.50 \| \$38\.50 \| 78\.6 \|/)
    // readers see cost lines by name, never as snake_case ids
    expect(md).toMatch(/\| tier \| price \| Redis \| Lyve storage \|/)
    expect(md).not.toMatch(/hot_storage|jettythunder_api/)
    expect(readFileSync(join(dir, "cost-share-of-price.svg"), "utf8")).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
  })

  it("02 lists every audit finding", () => {
    const nb = planAuditNotebook(sheet)
    const html = nb.html()
    for (const f of audit(sheet).findings) expect(html).toContain(f.explanation.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"))
  })

  it("03 compares the plan's 1,000 Pro users line by line and shows the Monte Carlo fan", async () => {
    const nb = await growthNotebook({ runs: 200 })
    const md = nb.markdown()
    expect(md).toMatch(/\| Revenue \| \$49,000\.00 \| \$49,000\.00 \| \$0\.00 \| matches \|/)
    expect(md).toMatch(/\| Bandwidth \| \$1,000\.00 \| \$2,500\.00 \| \$1,500\.00 \|/)
    // inputs are named for readers, never by their scenario path
    expect(md).not.toMatch(/users\.signups|redis_per_mb_month/)
    expect(nb.blocks.filter((b) => b.kind === "svg").map((b) => (b as { name: string }).name)).toEqual([
      "mixed-revenue-costs", "mixed-break-even", "mixed-fan", "mixed-p-break-even"
    ])
  })
})

describe("notebooks 04–06", () => {
  it("04 reviews each paid tier's price against the 70 % target with money as money", async () => {
    const { pricingReviewNotebook } = await import("./04-pricing-review.ts")
    const md = pricingReviewNotebook(sheet).markdown()
    expect(md).toMatch(/\| Pro \| \$49\.00 \| \$10\.50 \| \$38\.50 \| 78\.6 % \| meets \|/)
    for (const f of audit(sheet).findings.filter((x) => x.kind !== "code")) expect(md).toContain(f.figure.replace(/_/g, " "))
    expect(md).not.toMatch(/\| [A-Z][a-z]+ cost_to_us/)
  })

  it("05 prices each optimization against storing the same bytes hot, and the stages sum to the total", async () => {
    const { optimizationSavingsNotebook } = await import("./05-optimization-savings.ts")
    const md = (await optimizationSavingsNotebook(sheet)).markdown()
    expect(md).toMatch(/\| Deduplication alone \| 10,000 GB \| 6,000 GB \| \$500\.00 \| \$300\.00 \| \$200\.00 \| 40\.0 % \|/)
    expect(md).toMatch(/combined saving of \$426\.08 splits into\s+deduplication \$200\.00, compression \$135\.00 and tiering\s+\$91\.08/)
  })

  it("06 says how to connect the enforcer's database when none is given", async () => {
    const { liveUsageNotebook } = await import("./06-live-usage.ts")
    expect(liveUsageNotebook(undefined).markdown()).toMatch(/No enforcer database given/)
  })
})
