// Spreadsheet formulas built together with their value. Each expression carries its formula text and the number a
// spreadsheet computes for it in binary floating point (the same IEEE doubles), so a cell's formula and its cached value
// come from one definition and cannot drift apart. Integer arithmetic stays exact below 2^53; every division of
// integers goes through `floorDiv`, which corrects the quotient by its remainder because LibreOffice's INT() snaps a
// value to 15 significant digits first (INT(999999999.999999) is 10^9 there).

export interface Expr {
  /** formula text without the leading "=" */
  readonly f: string
  readonly v: number
}

export const num = (v: number): Expr => ({ f: Number.isInteger(v) ? String(v) : String(v), v })

/** A cell or a defined name whose value is already known. */
export const ref = (address: string, v: number): Expr => ({ f: address, v })

/** Parenthesised unless it is a plain number, reference or name. */
const wrap = (f: string): string => (/^[A-Za-z0-9_.$!]+$/.test(f) ? f : `(${f})`)

export const add = (...xs: ReadonlyArray<Expr>): Expr =>
  xs.length === 1 ? xs[0]! : { f: xs.map((x) => x.f).join("+"), v: xs.reduce((a, x) => a + x.v, 0) }

export const sub = (a: Expr, b: Expr): Expr => ({ f: `${a.f}-${wrap(b.f)}`, v: a.v - b.v })

export const mul = (...xs: ReadonlyArray<Expr>): Expr =>
  xs.length === 1 ? xs[0]! : { f: xs.map((x) => wrap(x.f)).join("*"), v: xs.reduce((a, x) => a * x.v, 1) }

export const div = (a: Expr, b: Expr): Expr => ({ f: `${wrap(a.f)}/${wrap(b.f)}`, v: a.v / b.v })

export const min = (a: Expr, b: Expr): Expr => ({ f: `MIN(${a.f},${b.f})`, v: Math.min(a.v, b.v) })

export const int = (a: Expr): Expr => ({ f: `INT(${a.f})`, v: Math.floor(a.v) })

/** ROUND(a, digits): half away from zero at `digits` decimals, as spreadsheets do (only used to strip float noise). */
export const round = (a: Expr, digits: number): Expr => {
  const p = 10 ** digits
  const scaled = Math.abs(a.v) * p
  // decimal-aware like the spreadsheet: round the shortest decimal form, not the binary value
  const r = Math.sign(a.v) * Math.round(Number(scaled.toPrecision(15)))
  return { f: `ROUND(${a.f},${digits})`, v: r / p }
}

/** A comparison as 1 or 0 (TRUE/FALSE take part in arithmetic as 1/0 in Excel and LibreOffice). */
export const cmp = (a: Expr, op: "<" | ">=" | "=" | ">", b: Expr): Expr => {
  const v = op === "<" ? a.v < b.v : op === ">=" ? a.v >= b.v : op === ">" ? a.v > b.v : a.v === b.v
  return { f: `(${a.f}${op}${b.f})`, v: v ? 1 : 0 }
}

export const ifElse = (test: Expr, a: Expr, b: Expr): Expr => ({ f: `IF(${test.f},${a.f},${b.f})`, v: test.v !== 0 ? a.v : b.v })

export const mod2 = (a: Expr): Expr => ({ f: `MOD(${a.f},2)`, v: ((a.v % 2) + 2) % 2 })

/**
 * ⌊n / d⌋ of integers n and d > 0 with |n| + d ≤ 2^53, exact: INT(n/d) corrected by ±1 when its remainder says so,
 * which undoes LibreOffice's 15-digit snapping and the float division's rounding alike. The bound is the remainder's:
 * q·d may exceed |n| by up to d, and past 2^53 that product (so the remainder) is rounded in a spreadsheet too. The
 * workbook's divisions are of cents and counts, far inside it.
 */
export const floorDiv = (n: Expr, d: Expr): Expr => {
  const q = int(div(n, d))
  const r = sub(n, mul(q, d))
  const f = `${wrap(q.f)}-${cmp(r, "<", num(0)).f}+${cmp(r, ">=", d).f}`
  let qv = Math.floor(n.v / d.v)
  const rv = n.v - qv * d.v
  if (rv < 0) qv--
  else if (rv >= d.v) qv++
  return { f: `(${f})`, v: qv }
}

/** n / d rounded half-even to an integer (n, d integers, d > 0): the engine's rounding rule, exactly. */
export const halfEvenDiv = (n: Expr, d: Expr): Expr => {
  const q = floorDiv(n, d)
  const twice = mul(num(2), sub(n, mul(q, d)))
  const up = add(cmp(twice, ">", d), mul(cmp(twice, "=", d), mod2(q)))
  return { f: `${wrap(q.f)}+${up.f}`, v: q.v + up.v }
}

/**
 * A non-negative or negative amount in cents held as a float with sub-cent decimals (noise below 10^-6 cent) booked
 * half-even to whole cents: a half cent (after stripping the noise at 6 decimals) goes to the even cent.
 */
export const bookHalfEven = (cents: Expr): Expr => {
  const y = round(cents, 6)
  const whole = int(y)
  const tie = cmp(round(sub(y, whole), 6), "=", num(0.5))
  return ifElse(tie, add(whole, mod2(whole)), round(y, 0))
}
