// # 05 — Optimization savings
// What deduplication, compression and intelligent tiering each save on storage, against what (the cost of storing the
// same bytes hot, as they come), first for one volume, then over a business's months (scenarios/optimizations.yaml).
import * as Plot from "@observablehq/plot"
import * as BigDecimal from "effect/BigDecimal"
import * as Result from "effect/Result"
import { fileURLToPath } from "node:url"
import {
  combinedSavings,
  compressionSavings,
  dedupSavings,
  formatPercent,
  formatUsd,
  type Saving,
  type Sheet,
  splitByMedia,
  tieringSavings
} from "../model/index.ts"
import { loadScenario, renderChart, runScenario } from "../scenarios/index.ts"
import { COLORS } from "../scenarios/report/theme.ts"
import { Notebook } from "./notebook.ts"

const TB = 10n ** 12n
const DUPLICATE_RATIO = BigDecimal.fromStringUnsafe("0.4")
const COLD_SHARE = BigDecimal.fromStringUnsafe("0.6")

const gb = (bytes: bigint): string => `${(bytes / 10n ** 9n).toLocaleString("en-US")} GB`
const pct = (s: Saving): string => (s.savedPct === undefined ? "—" : `${formatPercent(s.savedPct)} %`)

export const optimizationSavingsNotebook = async (sheet: Sheet): Promise<Notebook> => {
  const nb = new Notebook("05 — Optimization savings")
  const logical = 10n * TB
  const byMedia = splitByMedia(sheet, logical)
  const dedup = dedupSavings(sheet, logical, DUPLICATE_RATIO)
  const compression = compressionSavings(sheet, byMedia)
  const tiering = tieringSavings(sheet, logical, COLD_SHARE)
  const all = combinedSavings(sheet, { bytes: byMedia, duplicateRatio: DUPLICATE_RATIO, coldFraction: COLD_SHARE })
  nb.md`# 05 — Optimization savings

The plan promises three storage optimizations. Each is priced here on **10 TB** of assets as customers upload them
(the sheet's default media mix: images, videos, audio, 3D models), against the cost of storing those bytes as they
come, all hot on Lyve at $${BigDecimal.format(sheet.unit_prices.lyve_per_gb_month)} per GB-month:

- **Deduplication** stores each identical asset once; here ${formatPercent(BigDecimal.multiply(DUPLICATE_RATIO, BigDecimal.fromBigInt(100n)))} % of the bytes are copies (the plan: "30–50 %").
- **Compression** shrinks each media type by the sheet's ratio before storage.
- **Intelligent tiering** keeps ${formatPercent(BigDecimal.multiply(COLD_SHARE, BigDecimal.fromBigInt(100n)))} % of stored bytes in cold storage at $${BigDecimal.format(sheet.unit_prices.cold_per_gb_month)} per GB-month; bytes do not shrink, their price does.`

  nb.table(
    ["Measure", "Stored before", "Stored after", "Cost before", "Cost after", "Saved per month", "Saved"],
    [
      ["Deduplication alone", gb(dedup.bytesBefore), gb(dedup.bytesAfter), formatUsd(dedup.costBefore), formatUsd(dedup.costAfter), formatUsd(dedup.saved), pct(dedup)],
      ["Compression alone", gb(compression.bytesBefore), gb(compression.bytesAfter), formatUsd(compression.costBefore), formatUsd(compression.costAfter), formatUsd(compression.saved), pct(compression)],
      ["Tiering alone", gb(tiering.bytesBefore), `${gb(tiering.hotBytes)} hot + ${gb(tiering.coldBytes)} cold`, formatUsd(tiering.costBefore), formatUsd(tiering.costAfter), formatUsd(tiering.saved), pct(tiering)],
      ["All three, in sequence", gb(all.logicalBytes), `${gb(all.hotBytes)} hot + ${gb(all.coldBytes)} cold`, formatUsd(all.costBefore), formatUsd(all.costAfter), formatUsd(all.saved), all.savedPct === undefined ? "—" : `${formatPercent(all.savedPct)} %`]
    ],
    [1, 2, 3, 4, 5, 6]
  )
  nb.md`Applied in sequence (dedup, then compression of what is left, then tiering of what is stored) the measures do not
add up: each works on the bytes the previous one left. The combined saving of ${formatUsd(all.saved)} splits into
deduplication ${formatUsd(all.byStage.dedup)}, compression ${formatUsd(all.byStage.compression)} and tiering
${formatUsd(all.byStage.tiering)} (the split sums to the total to the cent).`

  const stages = [
    { stage: "Dedup", usd: BigDecimal.toNumberUnsafe(all.byStage.dedup) },
    { stage: "Compression", usd: BigDecimal.toNumberUnsafe(all.byStage.compression) },
    { stage: "Tiering", usd: BigDecimal.toNumberUnsafe(all.byStage.tiering) },
    { stage: "Still paid", usd: BigDecimal.toNumberUnsafe(all.costAfter) }
  ]
  nb.chart(
    "savings-by-stage",
    renderChart({
      title: `Where ${formatUsd(all.costBefore)} a month of storage goes`,
      subtitle: "10 TB as uploaded, all hot: what each measure saves in sequence, and what is still paid",
      footnote: "Source: model/price-sheet.yaml (Lyve, cold storage, compression ratios, media mix); duplicate ratio 0.4, cold share 0.6.",
      plot: {
        marginLeft: 100,
        x: { label: "$ per month", grid: true },
        y: { label: null, domain: stages.map((s) => s.stage) },
        marks: [
          Plot.barX(stages, { y: "stage", x: "usd", fill: (d: { stage: string }) => (d.stage === "Still paid" ? COLORS.median : "#15803d") }),
          Plot.ruleX([0])
        ]
      }
    })
  )

  const loaded = loadScenario(fileURLToPath(new URL("../scenarios/optimizations.yaml", import.meta.url)))
  if (Result.isFailure(loaded)) throw new Error(loaded.failure.message)
  const run = await runScenario(loaded.success, { runs: 0, seed: 1, tornado: false })
  nb.md`## Over a business's months

\`scenarios/optimizations.yaml\` runs the same business twice, with the three measures on and off
(\`compare_to\`); the engine books each month's storage lines for all users. What it finds:`
  for (const note of run.notes.filter((n) => n.startsWith("Compared with"))) nb.md(note)
  return nb
}
