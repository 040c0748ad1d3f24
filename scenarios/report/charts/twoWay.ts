// Two-way sensitivity as a heat map: the output for every (row input, column input) pair, labelled in each cell.
import * as Plot from "@observablehq/plot"
import { figureLabel, plotNumber } from "../figures.ts"
import { dollarTick, monthLabel } from "../format.ts"
import { inputLabel } from "../../engine/inputLabel.ts"
import { formatInputValues } from "../inputLabel.ts"
import type { ChartSpec } from "../svg.ts"
import { ReportInputError, type ScenarioSummary } from "../../engine/summaryContract.ts"
import { INK } from "../theme.ts"
import { MARGINS } from "./axes.ts"

export const defaults = {
  title: undefined as string | undefined,
  /** diverging colours centred on zero: red is a loss, green a profit */
  scheme: "RdYlGn" as Plot.ColorScheme
}

export type TwoWayOptions = Partial<typeof defaults>

export const twoWayChart = (summary: ScenarioSummary, options: TwoWayOptions = {}): ChartSpec => {
  const o = { ...defaults, ...options }
  const t = summary.two_way
  if (t === undefined) throw new ReportInputError({ field: "two_way", message: "the heat map needs two_way in the summary: run a two-way sweep" })
  if (t.values.length !== t.rows.length || t.values.some((r) => r.length !== t.cols.length))
    throw new ReportInputError({ field: "two_way.values", message: `values must be ${t.rows.length} rows × ${t.cols.length} columns (one per rows × cols)` })
  const data = t.rows.flatMap((row, i) =>
    t.cols.map((col, j) => {
      const v = t.values[i]![j]!
      return { row: String(row), col: String(col), value: typeof v === "number" ? v : plotNumber(v) }
    })
  )
  const output = figureLabel(t.output ?? "net_profit")
  // values as the inputs read ($39, 8%), one unit per input; the axis titles keep the input path next to its label
  const rowText = new Map(t.rows.map((r, i) => [String(r), formatInputValues(t.row_input, t.rows)[i] ?? String(r)]))
  const colText = new Map(t.cols.map((c, i) => [String(c), formatInputValues(t.col_input, t.cols)[i] ?? String(c)]))
  const axisTitle = (path: string) => (inputLabel(path) === path ? path : `${inputLabel(path)} (${path})`)
  const extent = Math.max(1, ...data.map((d) => Math.abs(d.value)))
  type Cell = (typeof data)[number]
  return {
    title: o.title ?? `${output}: ${inputLabel(t.row_input)} × ${inputLabel(t.col_input)}`,
    subtitle: `${output}${t.month !== undefined ? ` in ${monthLabel(t.month)}` : ""} for each pair of values. Red: loss, green: profit.`,
    plot: {
      ...MARGINS,
      marginLeft: 72,
      marginBottom: 48,
      x: { domain: t.cols.map(String), label: axisTitle(t.col_input), labelAnchor: "center", labelArrow: "none", tickSize: 0, padding: 0.04, tickFormat: (c: string) => colText.get(c) ?? c },
      y: { domain: t.rows.map(String), label: axisTitle(t.row_input), labelArrow: "none", tickSize: 0, padding: 0.06, tickFormat: (r: string) => rowText.get(r) ?? r },
      color: { type: "diverging", scheme: o.scheme, pivot: 0, domain: [-extent, extent] },
      marks: [
        Plot.cell(data, { x: "col", y: "row", fill: "value", inset: 0.5 }),
        // white on the darkest third of the scale, ink elsewhere, so every label keeps its contrast
        Plot.text(data, { x: "col", y: "row", text: (d: Cell) => dollarTick(d.value), fill: (d: Cell) => (Math.abs(d.value) > extent * 0.66 ? "white" : INK.title), fontWeight: 600, fontSize: 13 })
      ]
    }
  }
}
