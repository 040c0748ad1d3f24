// One look for every chart and the HTML page: fonts that exist without web fonts, and colours that keep their meaning
// (revenue is always blue, Redis is always the same hue) from chart to chart and report to report.
import { COST_LINE_ORDER } from "./figures.ts"

/** System UI fonts first; DejaVu/Liberation are what a bare Linux box (and rsvg-convert) has. No web fonts. */
export const FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"

export const INK = {
  title: "#0f172a",
  text: "#334155",
  muted: "#64748b",
  grid: "#e2e8f0",
  zero: "#94a3b8"
} as const

export const COLORS = {
  revenue: "#2563eb",
  costs: "#ea580c",
  variableCosts: "#f59e0b",
  profit: "#16a34a",
  loss: "#dc2626",
  cumulative: "#0f766e",
  band: "#93c5fd",
  median: "#1d4ed8",
  scenarioA: "#64748b",
  scenarioB: "#2563eb",
  low: "#f97316",
  high: "#0ea5e9",
  breakEven: "#7c3aed",
  relapse: "#d97706"
} as const

// Tableau 10 plus two, assigned by canonical cost-line position so a line keeps its colour across reports.
const CATEGORICAL = [
  "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
  "#17becf", "#8c564b"
] as const

export const costLineColor = (line: string, allLines: ReadonlyArray<string>): string => {
  const canonical = (COST_LINE_ORDER as ReadonlyArray<string>).indexOf(line)
  const unknown = allLines.filter((l) => !(COST_LINE_ORDER as ReadonlyArray<string>).includes(l))
  const index = canonical >= 0 ? canonical : COST_LINE_ORDER.length + Math.max(0, unknown.indexOf(line))
  return CATEGORICAL[index % CATEGORICAL.length]!
}

export const CHART_SIZE = { width: 880, height: 440 } as const
