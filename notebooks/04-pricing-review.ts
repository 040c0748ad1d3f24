// # 04 — Pricing review
// Each paid tier's price against its cost lines, the plan's 70 % margin target, and the users it takes alone to carry
// the fixed costs; then the audit's findings about prices and tiers.
import * as BigDecimal from "effect/BigDecimal"
import { allTierEconomics, audit, breakEven, type Finding, fixedCostsOf, formatPercent, formatUsd, type Sheet } from "../model/index.ts"
import * as Plot from "@observablehq/plot"
import { costLineLabel, renderChart } from "../scenarios/report/index.ts"
import { COLORS, INK } from "../scenarios/report/theme.ts"
import { Notebook, readable } from "./notebook.ts"

const TARGET_PCT = BigDecimal.fromBigInt(70n)
const KIND_LABEL: Readonly<Record<Finding["kind"], string>> = {
  arithmetic: "Arithmetic",
  omission: "Omission",
  claim: "Claim",
  code: "Sample code"
}

export const pricingReviewNotebook = (sheet: Sheet): Notebook => {
  const nb = new Notebook("04 — Pricing review")
  const paid = allTierEconomics(sheet).filter((e) => !BigDecimal.isZero(e.price))
  nb.md`# 04 — Pricing review

Every paid tier's monthly price against what a user at **full allowance** costs us, line by line, from the price sheet
(\`model/price-sheet.yaml\`). The plan aims for a gross margin of at least **70 %**. "Users to carry fixed costs" is
the least number of users of that tier alone, support included, whose contribution covers the sheet's fixed costs
(${formatUsd(fixedCostsOf(sheet))} a month).`

  nb.table(
    ["Tier", "Price", "Cost at allowance", "Margin", "Margin %", "70 % target", "Users to carry fixed costs"],
    paid.map((e) => {
      const be = breakEven(sheet, { [e.tier.id]: 1n }, { withSupport: true })
      return [
        e.tier.name + (e.tier.price_is_minimum ? " (from)" : ""),
        formatUsd(e.price),
        formatUsd(e.cost),
        formatUsd(e.margin),
        e.marginPct === undefined ? "—" : `${formatPercent(e.marginPct)} %`,
        e.marginPct !== undefined && BigDecimal.isGreaterThanOrEqualTo(e.marginPct, TARGET_PCT) ? "meets" : "misses",
        be._tag === "Reached" ? be.users.toLocaleString("en-US") : "never"
      ]
    }),
    [1, 2, 3, 4, 6]
  )

  // Plot wants numbers: these floats only place bars, the table above carries the exact figures
  const bars = paid.map((e) => ({ tier: e.tier.name, pct: e.marginPct === undefined ? 0 : BigDecimal.toNumberUnsafe(e.marginPct) }))
  nb.chart(
    "margin-against-target",
    renderChart({
      title: "Gross margin at full allowance against the 70 % target",
      subtitle: "Price minus the cost lines of a user who uses the whole allowance, as a share of the price",
      legend: [
        { label: "meets the target", color: COLORS.profit, shape: "bar" },
        { label: "misses it", color: COLORS.loss, shape: "bar" },
        { label: "70 % target", color: INK.title, shape: "dashed" }
      ],
      footnote: "Source: model/price-sheet.yaml; bandwidth is billed on use and not included.",
      plot: {
        marginLeft: 110,
        x: { label: "gross margin (%)", domain: [0, 100], grid: true },
        y: { label: null, domain: bars.map((b) => b.tier) },
        marks: [
          Plot.barX(bars, { y: "tier", x: "pct", fill: (d: { pct: number }) => (d.pct >= 70 ? COLORS.profit : COLORS.loss) }),
          Plot.text(bars, { y: "tier", x: "pct", text: (d: { pct: number }) => `${d.pct.toFixed(1)} %`, dx: 6, textAnchor: "start", fill: INK.text }),
          Plot.ruleX([70], { stroke: INK.title, strokeDasharray: "5 3" }),
          Plot.ruleX([0])
        ]
      }
    })
  )

  nb.md`## Where each tier's cost goes

Cost lines per user per month at full allowance (bandwidth is billed on use, so it is not among them):`
  const lines = paid[0]!.lines.map((l) => l.name)
  nb.table(
    ["Tier", ...lines.map(costLineLabel), "Total"],
    paid.map((e) => [e.tier.name, ...e.lines.map((l) => formatUsd(l.amount)), formatUsd(e.cost)]),
    lines.map((_, i) => i + 1).concat([lines.length + 1])
  )

  const findings = audit(sheet).findings.filter((f) => f.kind !== "code")
  nb.md`## What the audit says about the prices

${findings.length} of the plan's figures do not hold when recomputed from its own inputs (notebook 02 lists every
check). The ones a price decision rests on:`
  nb.table(
    ["Kind", "Figure", "Where", "Stated", "Computed", "Why"],
    findings.map((f) => [KIND_LABEL[f.kind], readable(f.figure), f.where, f.stated, f.computed, f.explanation])
  )
  nb.md`## Reading it

- A tier that **misses** the 70 % target does so at full allowance, the worst case; typical usage costs less (see the
  usage shares in \`scenarios/mixed-growth-36m.yaml\`).
- Try a price live: \`npx econ whatif scenarios/mixed-growth-36m.yaml\` writes a page with a slider per tier price.`
  return nb
}
