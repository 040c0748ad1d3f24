// A workbook as plain data: sheets of cells, each a value or a formula with its cached value, plus defined names. The
// model workbook is built as this (pure, testable) and handed to the XLSX writer at the edge.
import type { Expr } from "./formula.ts"

export type CellFormat = "usd" | "usd4" | "int" | "pct1" | "share" | "text" | "decimal"

export interface Cell {
  readonly value: number | string
  /** formula without "=", its cached result being `value` */
  readonly formula?: string
  readonly format?: CellFormat
  readonly bold?: boolean
  /** text wraps within the cell (column headers) */
  readonly wrap?: boolean
}

export interface SheetSpec {
  readonly name: string
  readonly cells: Map<string, Cell>
  readonly widths: Map<number, number>
  /** rows taller than one line (points), e.g. for a wrapped note */
  readonly heights: Map<number, number>
  /** rows and columns kept in view while scrolling */
  readonly freeze?: { readonly row: number; readonly col: number }
  /** how it prints: landscape at `scale` %, or scaled to the page width */
  readonly print?: { readonly scale: number } | "fit-width"
  /** columns whose text wraps in its cell instead of running over the next ones */
  readonly wrap?: ReadonlySet<number>
}

export interface WorkbookSpec {
  readonly sheets: ReadonlyArray<SheetSpec>
  /** name → absolute reference ("Inputs!$B$5") */
  readonly names: ReadonlyMap<string, string>
}

/** 1 → A, 27 → AA */
export const colName = (c: number): string => {
  let s = ""
  for (let n = c; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s
  return s
}

export class Grid {
  readonly spec: SheetSpec
  constructor(
    name: string,
    options: Pick<SheetSpec, "freeze" | "print" | "wrap"> = {}
  ) {
    this.spec = { name, cells: new Map(), widths: new Map(), heights: new Map(), ...options }
  }

  /** Absolute reference to (col, row) from another sheet. */
  abs(col: number, row: number): string {
    return `${this.spec.name}!$${colName(col)}$${row}`
  }

  set(col: number, row: number, cell: Cell): void {
    this.spec.cells.set(`${colName(col)}${row}`, cell)
  }

  text(col: number, row: number, value: string, bold = false): void {
    this.set(col, row, { value, format: "text", ...(bold ? { bold } : {}) })
  }

  /** A plain number; returns it as an expression referring to the cell. */
  value(col: number, row: number, value: number, format: CellFormat): Expr {
    this.set(col, row, { value, format })
    return { f: this.abs(col, row), v: value }
  }

  /** A formula cell with its cached value; returns a reference to it. `cached` overrides the expression's own value. */
  formula(col: number, row: number, e: Expr, format: CellFormat, cached?: number | string): Expr {
    const value = cached ?? e.v
    this.set(col, row, { value, formula: e.f, format })
    return { f: this.abs(col, row), v: typeof value === "number" ? value : e.v }
  }

  width(col: number, chars: number): void {
    this.spec.widths.set(col, chars)
  }

  /** Room for `text` wrapped in a column `chars` wide: one 15-point line per `chars` characters. */
  fitText(row: number, text: string, chars: number): void {
    const lines = Math.ceil(text.length / chars)
    if (lines > 1) this.spec.heights.set(row, Math.max(this.spec.heights.get(row) ?? 0, lines * 15))
  }
}
