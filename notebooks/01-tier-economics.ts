// # 01 — Tier economics
// What each tier costs us at full allowance, line by line, recomputed from the price sheet; where the margin goes.
// Run: `npm run notebooks` (writes reports/notebooks/01-tier-economics/index.html).
import * as Plot from "@observablehq/plot"
import * as BigDecimal from "effect/BigDecimal"
import { allTierEconomics, formatPercent, formatUsd, type Sheet, tierTable } from "../model/index.ts"
import { costLineLabel, renderChart } from "../scenarios/report/index.ts"
import { COLORS, costLineColor } from "../scenarios/report/theme.ts"
import { Notebook } from "./notebook.ts"

export const tierEconomicsNotebook = (sheet: Sheet): Notebook => {
  const nb = new Notebook("01 — Tier economics")
  const all = allTierEconomics(sheet)
  nb.md`# 01 — Tier economics

Each tier's monthly cost to us **at full allowance**, from the unit prices and flat lines of the price sheet
(\`model/price-sheet.yaml\`). Every line is rounded once to the cent (half-even); cost is the sum of the lines, so the
table adds up. Bandwidth is billed on use (see transfer pricing), not on allowance, as in the plan's own tables.`

  const lineNames = all[0]!.lines.map((l) => l.name)
  const table = tierTable(all, { money: formatUsd, line: costLineLabel })
  nb.table(table.header, table.rows, table.header.map((_, i) => i).filter((i) => i > 0))

  // Plot wants numbers: these floats only place bars on a chart, the table above carries the exact figures
  const bars = all.filter((e) => !BigDecimal.isZero(e.price)).flatMap((e) =>
    e.lines.map((l) => ({ tier: e.tier.name, line: l.name, usd: BigDecimal.toNumberUnsafe(l.amount) / BigDecimal.toNumberUnsafe(e.price) * 100 }))
  )
  nb.chart(
    "cost-share-of-price",
    renderChart({
      title: "Cost lines as a share of the tier's price",
      subtitle: "Percent of the monthly price spent on each cost line at full allowance; the rest is margin",
      legend: lineNames.map((n) => ({ label: costLineLabel(n), color: costLineColor(n, lineNames), shape: "bar" as const })),
      footnote: "Source: model/price-sheet.yaml; Free is omitted (price $0).",
      plot: {
        marginLeft: 90,
        x: { label: "% of price", domain: [0, 100], grid: true },
        y: { label: null, domain: all.filter((e) => !BigDecimal.isZero(e.price)).map((e) => e.tier.name) },
        color: { domain: lineNames, range: lineNames.map((n) => costLineColor(n, lineNames)) },
        marks: [Plot.barX(bars, Plot.stackX({ y: "tier", x: "usd", fill: "line" })), Plot.ruleX([0], { stroke: COLORS.median })]
      }
    })
  )

  nb.md`## Reading it

- The plan states Pro at $10.50 and 79 %; recomputed: ${formatUsd(all.find((e) => e.tier.id === "pro")!.cost)} and
  ${formatPercent(all.find((e) => e.tier.id === "pro")!.marginPct!)} % — it holds.
- Starter and Business do not: see notebook 02 (the sheet audit) for each figure that does not add up.
- Enterprise is priced at its $500 minimum against the stated floor limits (10 GB Redis, 1 TB storage): the margin shown
  is the worst case a contract can have at those limits.`
  return nb
}
