// Seedable random numbers with one independent stream per Monte Carlo run: run i draws the same numbers
// whichever worker executes it, which is what makes results identical for any worker count.
//
// Generator: xoshiro128** (Blackman & Vigna), 128-bit state, 32-bit ops only (fast in JS, Math.imul).
// Stream seeding: SplitMix64 over (seed, runIndex), emulated in 32-bit halves so it stays exact and BigInt-free;
// SplitMix64 is the seeding its authors recommend for xoshiro, and its outputs for nearby inputs are decorrelated.

const TWO_POW_32 = 4294967296

// 64-bit values travel as (hi, lo) uint32 pairs; these module-level slots avoid allocating a pair per call.
let outHi = 0
let outLo = 0

/** Low and high 32 bits of the 64-bit product of two uint32 (split into 16-bit limbs: doubles hold 53 bits). */
const mulFull32 = (a: number, b: number): void => {
  const a0 = a & 0xffff
  const a1 = a >>> 16
  const b0 = b & 0xffff
  const b1 = b >>> 16
  const p00 = a0 * b0
  const p01 = a0 * b1
  const p10 = a1 * b0
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff)
  outLo = ((mid & 0xffff) * 65536 + (p00 & 0xffff)) >>> 0
  outHi = (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + Math.floor(mid / 65536)) >>> 0
}

/** (hi, lo) * (chi, clo) mod 2^64 into outHi/outLo. */
const mul64 = (hi: number, lo: number, chi: number, clo: number): void => {
  mulFull32(lo, clo)
  const cross = (Math.imul(hi, clo) + Math.imul(lo, chi)) >>> 0
  outHi = (outHi + cross) >>> 0
}

/** SplitMix64's finaliser (Stafford variant 13) of (hi, lo) into outHi/outLo. */
const mix64 = (hi: number, lo: number): void => {
  // z ^= z >>> 30
  lo = (lo ^ ((lo >>> 30) | (hi << 2))) >>> 0
  hi = (hi ^ (hi >>> 30)) >>> 0
  mul64(hi, lo, 0xbf58476d, 0x1ce4e5b9)
  hi = outHi
  lo = outLo
  // z ^= z >>> 27
  lo = (lo ^ ((lo >>> 27) | (hi << 5))) >>> 0
  hi = (hi ^ (hi >>> 27)) >>> 0
  mul64(hi, lo, 0x94d049bb, 0x133111eb)
  hi = outHi
  lo = outLo
  // z ^= z >>> 31
  outLo = (lo ^ ((lo >>> 31) | (hi << 1))) >>> 0
  outHi = (hi ^ (hi >>> 31)) >>> 0
}

// SplitMix64's increment, the golden ratio: 0x9E3779B97F4A7C15
const GAMMA_HI = 0x9e3779b9
const GAMMA_LO = 0x7f4a7c15

const add64 = (hi: number, lo: number, bhi: number, blo: number): void => {
  const l = lo + blo
  outLo = l >>> 0
  outHi = (hi + bhi + (l >= TWO_POW_32 ? 1 : 0)) >>> 0
}

/** Splits a non-negative safe integer into (hi, lo) uint32. */
const split = (n: number, field: string): readonly [number, number] => {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${field} must be a non-negative safe integer (got ${n})`)
  }
  return [Math.floor(n / TWO_POW_32) >>> 0, n >>> 0]
}

/**
 * A xoshiro128** generator. One instance is reused across runs: `reseed(seed, runIndex)` puts it at the start
 * of run `runIndex`'s stream without allocating.
 */
export class Rng {
  private s0 = 0
  private s1 = 0
  private s2 = 0
  private s3 = 0

  constructor(seed: number, runIndex = 0) {
    this.reseed(seed, runIndex)
  }

  /** Start of the stream for (seed, runIndex). Both are non-negative safe integers. */
  reseed(seed: number, runIndex: number): void {
    const [sHi, sLo] = split(seed, "seed")
    const [rHi, rLo] = split(runIndex, "runIndex")
    // key = mix(seed); state0 = mix(key ^ mix(runIndex + gamma)): the run index is hashed before it meets the
    // seed so that (seed, run) and (seed + 1, run - 1) style neighbours land far apart.
    mix64(sHi, sLo)
    const kHi = outHi
    const kLo = outLo
    add64(rHi, rLo, GAMMA_HI, GAMMA_LO)
    mix64(outHi, outLo)
    let xHi = (kHi ^ outHi) >>> 0
    let xLo = (kLo ^ outLo) >>> 0
    // two SplitMix64 outputs fill the 128-bit state
    add64(xHi, xLo, GAMMA_HI, GAMMA_LO)
    xHi = outHi
    xLo = outLo
    mix64(xHi, xLo)
    this.s0 = outHi
    this.s1 = outLo
    add64(xHi, xLo, GAMMA_HI, GAMMA_LO)
    mix64(outHi, outLo)
    this.s2 = outHi
    this.s3 = outLo
    // xoshiro's only forbidden state; SplitMix64 is a bijection, so reaching it needs two chosen zero outputs
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s3 = 1
  }

  /** Next uint32 in [0, 2^32). */
  nextUint32(): number {
    const s0 = this.s0
    const s1 = this.s1
    const s2 = this.s2
    const s3 = this.s3
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0
    const t = s1 << 9
    const n2 = s2 ^ s0
    const n3 = s3 ^ s1
    this.s1 = s1 ^ n2
    this.s0 = s0 ^ n3
    this.s2 = n2 ^ t
    this.s3 = rotl(n3, 11)
    return r
  }

  /**
   * Uniform in the OPEN interval (0, 1), 52 random bits: (k + 0.5) / 2^52 for k in [0, 2^52).
   * Never 0 or 1, so inverse CDFs never see an infinite tail.
   */
  uniform(): number {
    const hi = this.nextUint32() >>> 12 // 20 bits
    const lo = this.nextUint32() // 32 bits
    return (hi * TWO_POW_32 + lo + 0.5) * 2.220446049250313e-16 // 2^-52
  }
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k))

/** A generator at the start of run `runIndex`'s stream. */
export const streamFor = (seed: number, runIndex: number): Rng => new Rng(seed, runIndex)

/** SplitMix64's finaliser on a 64-bit value given as (hi, lo); exported so tests can check it against BigInt. */
export const splitMix64Finalize = (hi: number, lo: number): readonly [number, number] => {
  mix64(hi >>> 0, lo >>> 0)
  return [outHi, outLo]
}
