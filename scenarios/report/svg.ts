// Observable Plot → standalone SVG string, server-side (linkedom, no browser). A chart is a ChartSpec (title, legend,
// Plot options); rendering adds the header, legend and white background that a pasted-into-a-deck SVG needs.
import * as Plot from "@observablehq/plot"
import { parseHTML } from "linkedom"
import { escapeXml } from "./format.ts"
import { CHART_SIZE, FONT_FAMILY, INK } from "./theme.ts"

export interface LegendItem {
  readonly label: string
  readonly color: string
  /** how the swatch is drawn: a line, a dashed line, a filled area/band, a solid bar, or a dot */
  readonly shape: "line" | "dashed" | "area" | "bar" | "dot"
}

export interface ChartSpec {
  readonly title: string
  readonly subtitle?: string
  readonly legend?: ReadonlyArray<LegendItem>
  /** small print under the plot: sources, clipping, what a band means */
  readonly footnote?: string
  readonly plot: Plot.PlotOptions
  /** a second, smaller plot drawn over the first (a zoom on a detail the main axis flattens), in plot pixels */
  readonly inset?: Inset
}

export interface Inset {
  readonly plot: Plot.PlotOptions
  readonly title: string
  /** top-left corner in the main plot's pixels, and size; the box is opaque so the main plot must be empty there */
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

export interface ChartSize {
  readonly width: number
  readonly height: number
}

const SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'

/** Plot's own SVG at a fixed size, with xmlns (outerHTML omits it, and without it the file is not an image). */
export const renderPlotSvg = (options: Plot.PlotOptions, size: ChartSize = CHART_SIZE): string => {
  // a fresh document per chart: linkedom documents accumulate nodes, and charts must not share state
  const { document } = parseHTML("<!doctype html><html><body></body></html>")
  const node = Plot.plot({
    className: "econ-plot",
    ...options,
    width: size.width,
    height: size.height,
    style: { fontFamily: FONT_FAMILY, fontSize: "12px", color: INK.text, background: "white", overflow: "visible" },
    document: document as unknown as NonNullable<Plot.PlotOptions["document"]>
  })
  // Plot returns <figure> when it draws its own legend or title; charts here never ask it to, so this is an <svg>
  if (node.tagName.toLowerCase() !== "svg")
    throw new Error("renderPlotSvg: Plot returned a <figure>; draw titles and legends through ChartSpec, not Plot options")
  return node.outerHTML.replace(/^<svg /, `<svg ${SVG_NS} `)
}

// Average glyph width as a fraction of the font size; DejaVu Sans (the widest fallback) is ≈0.6 (bold ≈0.63), so a
// layout sized with these never overlaps.
export const textWidth = (text: string, fontSize: number, bold = false): number => text.length * fontSize * (bold ? 0.66 : 0.62)

const swatch = (item: LegendItem, x: number, y: number): string => {
  const c = escapeXml(item.color)
  switch (item.shape) {
    case "line":
      return `<line x1="${x}" x2="${x + 20}" y1="${y}" y2="${y}" stroke="${c}" stroke-width="2.5" stroke-linecap="round"/>`
    case "dashed":
      return `<line x1="${x}" x2="${x + 20}" y1="${y}" y2="${y}" stroke="${c}" stroke-width="2.5" stroke-dasharray="5 3"/>`
    case "area":
      return `<rect x="${x}" y="${y - 6}" width="20" height="12" fill="${c}" fill-opacity="0.45" stroke="${c}" stroke-width="1"/>`
    case "bar":
      return `<rect x="${x}" y="${y - 6}" width="20" height="12" rx="2" fill="${c}"/>`
    case "dot":
      return `<circle cx="${x + 10}" cy="${y}" r="4.5" fill="${c}"/>`
  }
}

interface Placed {
  readonly svg: string
  readonly height: number
}

/** Legend items left to right, wrapping to a new row when the next item would pass the right edge. */
const layoutLegend = (items: ReadonlyArray<LegendItem>, top: number, left: number, right: number): Placed => {
  if (items.length === 0) return { svg: "", height: 0 }
  const rowHeight = 20
  const parts: Array<string> = []
  let x = left
  let row = 0
  for (const item of items) {
    const w = 20 + 6 + textWidth(item.label, 12) + 18
    if (x > left && x + w > right) {
      row += 1
      x = left
    }
    const y = top + row * rowHeight + 8
    parts.push(swatch(item, x, y))
    parts.push(`<text x="${x + 26}" y="${y}" dy="0.35em" font-size="12" fill="${INK.text}">${escapeXml(item.label)}</text>`)
    x += Math.round(w)
  }
  return { svg: `<g aria-label="legend">${parts.join("")}</g>`, height: (row + 1) * rowHeight }
}

const renderInset = (inset: Inset, top: number): string => {
  const { x, width, height } = inset
  const y = top + inset.y
  const titleHeight = 18
  const body = renderPlotSvg(inset.plot, { width, height: height - titleHeight }).replace(/^<svg /, `<svg x="${x}" y="${y + titleHeight}" `)
  return `<g aria-label="inset"><rect x="${x - 1}" y="${y - 1}" width="${width + 2}" height="${height + 2}" rx="6" fill="white" stroke="${INK.grid}"/>` +
    `<text x="${x + 8}" y="${y + 14}" font-size="12" font-weight="700" fill="${INK.title}">${escapeXml(inset.title)}</text>${body}</g>`
}

/**
 * A finished chart: white background, title, subtitle, legend, the plot, a footnote. Fixed pixel size with a viewBox,
 * so it scales when inlined in HTML and renders the same in rsvg-convert, a browser or a slide.
 */
export const renderChart = (spec: ChartSpec, size: ChartSize = CHART_SIZE): string => {
  const { width, height } = size
  const pad = 16
  const head: Array<string> = []
  let y = 0
  head.push(
    `<text x="${pad}" y="${(y += 28)}" font-size="17" font-weight="700" fill="${INK.title}">${escapeXml(spec.title)}</text>`
  )
  if (spec.subtitle !== undefined)
    head.push(`<text x="${pad}" y="${(y += 20)}" font-size="12.5" fill="${INK.muted}">${escapeXml(spec.subtitle)}</text>`)
  y += 10
  const legend = layoutLegend(spec.legend ?? [], y, pad, width - pad)
  y += legend.height + (legend.height > 0 ? 6 : 0)
  const foot = spec.footnote === undefined ? 0 : 24
  const plotHeight = height - y - foot
  if (plotHeight < 120) throw new Error(`renderChart: ${height}px is too short for "${spec.title}" (plot area ${plotHeight}px)`)
  const plot = renderPlotSvg(spec.plot, { width, height: plotHeight }).replace(/^<svg /, `<svg x="0" y="${y}" `)
  const inset = spec.inset === undefined ? "" : renderInset(spec.inset, y)
  const footnote =
    spec.footnote === undefined
      ? ""
      : `<text x="${pad}" y="${height - 8}" font-size="11" fill="${INK.muted}">${escapeXml(spec.footnote)}</text>`
  return [
    `<svg ${SVG_NS} width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" font-family="${FONT_FAMILY}">`,
    `<title>${escapeXml(spec.title)}</title>`,
    spec.subtitle === undefined ? "" : `<desc>${escapeXml(spec.subtitle)}</desc>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...head,
    legend.svg,
    plot,
    inset,
    footnote,
    `</svg>`
  ].join("")
}
