// Golden-file helpers for the report tests: strip float noise from SVG coordinates so snapshots survive libm and
// Plot's own rounding, and number Plot's process-global clip ids by first appearance.
export const normaliseSvg = (svg: string): string => {
  const ids = new Map<string, string>()
  return svg
    .replace(/-?\d+\.\d{3,}(e-?\d+)?/g, (x) => {
      const r = Math.round(Number(x) * 100) / 100
      return String(Object.is(r, -0) ? 0 : r)
    })
    .replace(/plot-clip-\d+/g, (id) => {
      if (!ids.has(id)) ids.set(id, `plot-clip-${ids.size + 1}`)
      return ids.get(id)!
    })
}

/**
 * One element a line, indented by depth: how SVG goldens are stored, so a changed chart shows as a readable diff of
 * the elements that moved instead of one changed 6 KB line. Whitespace between tags is not kept (goldens are compared,
 * never rendered).
 */
export const prettySvg = (svg: string): string => {
  let depth = 0
  // lines are re-indented from scratch (text inside <style> included), so pretty-printing a golden again changes nothing
  const lines = svg.trim().replace(/>\s*</g, ">\n<").split("\n").map((l) => l.trim()).filter((l) => l !== "").map((line) => {
    if (line.startsWith("</")) depth = Math.max(0, depth - 1)
    const indented = "  ".repeat(depth) + line
    const opens = /^<[^/!?]/.test(line) && !/\/>$/.test(line) && !/<\/[^>]+>$/.test(line)
    if (opens) depth++
    return indented
  })
  return lines.join("\n") + "\n"
}

/** The golden form of a chart: float noise and clip ids normalised, one element a line. */
export const goldenSvg = (svg: string): string => prettySvg(normaliseSvg(svg))
