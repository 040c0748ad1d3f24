// One-dimensional label placement: labels that want to sit at given positions (pixels along one axis) are pushed
// apart just enough not to overlap, and kept inside bounds, so end-of-line values and marker captions stay readable.

export interface LabelSlot {
  /** where the label's centre wants to be */
  readonly at: number
  /** its extent along the axis (text width for a row of captions, line height for a column of end labels) */
  readonly size: number
}

export interface SpreadLabels {
  /** placed centres, in the order of the input */
  readonly centres: ReadonlyArray<number>
  /** false when the labels, with their gaps, are longer than the bounds: some still overlap */
  readonly fits: boolean
}

/**
 * Centres as close to the wanted ones as a left-to-right then right-to-left sweep allows: no two labels closer than
 * `gap`, none past `lo`/`hi`. Order is kept (a label never jumps over its neighbour), so a caption stays on its side.
 */
export const spreadLabels = (slots: ReadonlyArray<LabelSlot>, lo: number, hi: number, gap = 4): SpreadLabels => {
  const order = slots.map((s, i) => ({ ...s, i })).sort((a, b) => a.at - b.at || a.i - b.i)
  const total = order.reduce((sum, s) => sum + s.size, 0) + gap * Math.max(0, order.length - 1)
  const fits = total <= hi - lo
  const c = order.map((s) => s.at)
  for (let k = 0; k < order.length; k++) {
    const s = order[k]!
    const floor = k === 0 ? lo + s.size / 2 : c[k - 1]! + order[k - 1]!.size / 2 + gap + s.size / 2
    c[k] = Math.max(c[k]!, floor)
  }
  for (let k = order.length - 1; k >= 0; k--) {
    const s = order[k]!
    const ceiling = k === order.length - 1 ? hi - s.size / 2 : c[k + 1]! - order[k + 1]!.size / 2 - gap - s.size / 2
    c[k] = Math.min(c[k]!, ceiling)
  }
  const centres = new Array<number>(slots.length)
  order.forEach((s, k) => (centres[s.i] = c[k]!))
  return { centres, fits }
}

/**
 * Vertical offsets (px) that part labels drawn at pixel heights `ys` (end-of-line values at the same month) so that
 * no two are closer than `lineHeight`; labels already apart get 0. Each moves as little as the sweep allows.
 */
export const partLabels = (ys: ReadonlyArray<number>, lineHeight = 16): ReadonlyArray<number> =>
  // whole pixels: a sub-pixel nudge is noise (and would churn golden files)
  spreadLabels(ys.map((y) => ({ at: y, size: lineHeight })), -Infinity, Infinity, 0).centres.map((c, i) => Math.round(c - ys[i]!) || 0)

/** A value's height in frame pixels (0 at the top) on a linear y scale over `domain`. */
export const yPixel = (value: number, [lo, hi]: readonly [number, number], height: number): number =>
  hi > lo ? (height * (hi - value)) / (hi - lo) : height / 2
