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
