// A mergeable quantile sketch (DDSketch-style log buckets) so each worker summarises its runs in bounded memory and
// the main thread merges them. Merging only adds integer counts and takes min/max, so the merged state, and every
// quantile read from it, is the same byte for byte whatever the number of workers or the merge order.
//
// ERROR BOUND. With relative accuracy α (default 0.001 = 0.1%): quantile(p) returns v with |v − x| ≤ α·|x|, where
// x is the ⌊p·(n − 1)⌋-th smallest (0-based) of the n values added, provided |x| ≥ 1e-9. Magnitudes below 1e-9
// are counted as zero, so then |v − x| < 1e-9. (Float rounding of the bucket index can add ~1e-13 relative.)
// Why it holds: bucket i holds the magnitudes in (γ^(i−1), γ^i] with γ = (1 + α)/(1 − α) and answers
// 2γ^i/(γ + 1), which is within α of every magnitude in the bucket; answers are clamped to [min, max], which
// only moves them towards x. The smallest and largest ranks (p = 0, p = 1 and tiny samples) answer min/max exactly.
//
// MEMORY does not grow with n: one count per occupied bucket range, i.e. about ln(max|x| / min|x|) / (2α) counts
// per sign (≈ 1 150 for values spanning one decade at α = 0.001), however many values are added.

export const DEFAULT_RELATIVE_ACCURACY = 0.001

/** Magnitudes below this are counted in the zero bucket (net profit passes through zero; money below 1e-9 is nil). */
export const ZERO_THRESHOLD = 1e-9

/** Plain-data form for postMessage / JSON: counts trimmed to the occupied index range, so equal sketches serialise equally. */
export interface SketchJson {
  readonly relativeAccuracy: number
  readonly count: number
  readonly zeroCount: number
  readonly min: number
  readonly max: number
  readonly positive: BucketsJson
  readonly negative: BucketsJson
}

export interface BucketsJson {
  /** bucket index of counts[0] */
  readonly offset: number
  readonly counts: ReadonlyArray<number>
}

/** Dense counts for a contiguous range of bucket indices, grown on demand. */
class Buckets {
  offset = 0
  counts = new Float64Array(0)

  add(index: number, n: number): void {
    const at = index - this.offset
    const counts = this.counts
    // one unsigned comparison covers both ends of the range (and the empty start)
    if (at >>> 0 < counts.length) counts[at]! += n
    else this.addOutside(index, n)
  }

  private addOutside(index: number, n: number): void {
    if (this.counts.length === 0) {
      this.offset = index - 32
      this.counts = new Float64Array(64)
    } else {
      this.grow(index)
    }
    this.counts[index - this.offset]! += n
  }

  private grow(index: number): void {
    const lo = Math.min(index, this.offset)
    const hi = Math.max(index + 1, this.offset + this.counts.length)
    // double the span (slack on the side that grew) so a drifting range costs O(log) reallocations
    const span = Math.max(hi - lo, this.counts.length * 2)
    const newOffset = index < this.offset ? hi - span : lo
    const next = new Float64Array(span)
    next.set(this.counts, this.offset - newOffset)
    this.offset = newOffset
    this.counts = next
  }

  toJSON(): BucketsJson {
    let first = 0
    let last = this.counts.length - 1
    while (first <= last && this.counts[first] === 0) first++
    while (last >= first && this.counts[last] === 0) last--
    if (first > last) return { offset: 0, counts: [] }
    return { offset: this.offset + first, counts: Array.from(this.counts.subarray(first, last + 1)) }
  }

  /** Adds counts[k] to bucket offset + k for every k: one range check and at most one reallocation. */
  addCounts(offset: number, counts: ArrayLike<number>): void {
    let first = 0
    let last = counts.length - 1
    while (first <= last && counts[first] === 0) first++
    while (last >= first && counts[last] === 0) last--
    if (first > last) return
    this.add(offset + first, 0)
    this.add(offset + last, 0)
    const shift = offset - this.offset
    const own = this.counts
    for (let k = first; k <= last; k++) own[shift + k]! += counts[k] as number
  }

  mergeFrom(other: Buckets): void {
    this.addCounts(other.offset, other.counts)
  }

  static fromJSON(j: BucketsJson): Buckets {
    const b = new Buckets()
    b.addCounts(j.offset, j.counts)
    return b
  }
}

export class QuantileSketch {
  readonly relativeAccuracy: number
  private readonly gamma: number
  private readonly invLogGamma: number
  private positive = new Buckets()
  private negative = new Buckets()
  private zeroCount = 0
  private n = 0
  private lo = Infinity
  private hi = -Infinity

  constructor(relativeAccuracy: number = DEFAULT_RELATIVE_ACCURACY) {
    if (!(relativeAccuracy > 0 && relativeAccuracy < 1)) {
      throw new RangeError(`relativeAccuracy must be in (0, 1) (got ${relativeAccuracy})`)
    }
    this.relativeAccuracy = relativeAccuracy
    this.gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
    this.invLogGamma = 1 / Math.log(this.gamma)
  }

  /** Number of values added (over all merges). */
  get count(): number {
    return this.n
  }

  /** Exact smallest value added (NaN when empty). */
  get min(): number {
    return this.n === 0 ? NaN : this.lo
  }

  /** Exact largest value added (NaN when empty). */
  get max(): number {
    return this.n === 0 ? NaN : this.hi
  }

  /** Adds one finite value; NaN or ±Infinity is a caller bug and throws. */
  add(x: number): void {
    // the hot path of every Monte Carlo run (one call per figure and month): comparisons first, NaN fails them all
    if (x >= ZERO_THRESHOLD) {
      if (x === Infinity) this.reject(x)
      this.positive.add(Math.ceil(Math.log(x) * this.invLogGamma), 1)
    } else if (x <= -ZERO_THRESHOLD) {
      if (x === -Infinity) this.reject(x)
      this.negative.add(Math.ceil(Math.log(-x) * this.invLogGamma), 1)
    } else if (x === x) {
      // −0 would make min/max depend on arrival order (−0 < 0 is false) and does not survive JSON
      if (x === 0) x = 0
      this.zeroCount++
    } else {
      this.reject(x)
    }
    this.n++
    if (x < this.lo) this.lo = x
    if (x > this.hi) this.hi = x
  }

  private reject(x: number): never {
    throw new RangeError(`QuantileSketch.add: value must be finite (got ${x})`)
  }

  /** Adds another sketch's values into this one (same relative accuracy required). Commutative and associative. */
  merge(other: QuantileSketch): this {
    if (other.relativeAccuracy !== this.relativeAccuracy) {
      throw new RangeError(`cannot merge sketches of relative accuracy ${this.relativeAccuracy} and ${other.relativeAccuracy}`)
    }
    this.positive.mergeFrom(other.positive)
    this.negative.mergeFrom(other.negative)
    this.zeroCount += other.zeroCount
    this.n += other.n
    if (other.lo < this.lo) this.lo = other.lo
    if (other.hi > this.hi) this.hi = other.hi
    return this
  }

  /** The value at quantile p in [0, 1] (see the bound at the top of the file); NaN when empty. */
  quantile(p: number): number {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile p must be in [0, 1] (got ${p})`)
    if (this.n === 0) return NaN
    const rank = Math.floor(p * (this.n - 1))
    // the extremes are kept exactly
    if (rank === 0) return this.lo
    if (rank === this.n - 1) return this.hi
    let seen = 0
    let v: number | undefined
    // negatives from the largest magnitude down, then zero, then positives from the smallest magnitude up
    const neg = this.negative.counts
    for (let i = neg.length - 1; i >= 0 && v === undefined; i--) {
      seen += neg[i] as number
      if (seen > rank) v = -this.bucketValue(this.negative.offset + i)
    }
    if (v === undefined) {
      seen += this.zeroCount
      if (seen > rank) v = 0
    }
    const pos = this.positive.counts
    for (let i = 0; i < pos.length && v === undefined; i++) {
      seen += pos[i] as number
      if (seen > rank) v = this.bucketValue(this.positive.offset + i)
    }
    const value = v ?? this.hi
    return value < this.lo ? this.lo : value > this.hi ? this.hi : value
  }

  private bucketValue(index: number): number {
    return (2 * Math.pow(this.gamma, index)) / (this.gamma + 1)
  }

  toJSON(): SketchJson {
    return {
      relativeAccuracy: this.relativeAccuracy,
      count: this.n,
      zeroCount: this.zeroCount,
      min: this.n === 0 ? 0 : this.lo,
      max: this.n === 0 ? 0 : this.hi,
      positive: this.positive.toJSON(),
      negative: this.negative.toJSON()
    }
  }

  static fromJSON(j: SketchJson): QuantileSketch {
    const s = new QuantileSketch(j.relativeAccuracy)
    s.positive = Buckets.fromJSON(j.positive)
    s.negative = Buckets.fromJSON(j.negative)
    s.zeroCount = j.zeroCount
    s.n = j.count
    s.lo = j.count === 0 ? Infinity : j.min
    s.hi = j.count === 0 ? -Infinity : j.max
    return s
  }
}
