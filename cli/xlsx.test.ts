// The workbook against a real spreadsheet engine: `econ run --out` writes model.xlsx, LibreOffice recalculates every
// formula, and each recalculated cell must equal the value the workbook cached (the engine's figures, to the cent);
// then the Pro price is changed in the workbook and the recalculated net profit must equal `econ run` with that
// override. Skipped only off CI on a machine without LibreOffice (.ci/run installs it).
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import ExcelJS from "exceljs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import YAML from "yaml"
import { LINES } from "../scenarios/engine/prepare.ts"
import { costLineLabel } from "../scenarios/report/figures.ts"
import { runEcon } from "./econ.ts"
import { convertRecalculated, SOFFICE } from "../scenarios/xlsx/libreOffice.ts"

const SCENARIO = "scenarios/mixed-growth-36m.yaml"
/** the other shipped scenarios: a flat start, targets with ramps, dedup + compression + tiering */
const OTHERS = ["plan-pro-1000", "q2-2025-targets", "optimizations"] as const
const econ = async (...args: ReadonlyArray<string>) => {
  const r = await runEcon(...args)
  if (r.code !== 0) throw new Error(`econ ${args.join(" ")} exited ${r.code}: ${r.stderr}`)
  return r.stdout
}

type CellValue = ExcelJS.CellValue
const resultOf = (v: CellValue): unknown => (v !== null && typeof v === "object" && "formula" in v ? (v.result ?? 0) : v)
const isFormula = (v: CellValue): v is ExcelJS.CellFormulaValue => v !== null && typeof v === "object" && "formula" in v
const cents = (x: unknown): number => Math.round(Number(x) * 100)

const load = async (file: string) => {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(file)
  return wb
}

interface MonthJson {
  readonly month: string
  readonly users: Record<string, number>
  readonly revenue: string
  readonly costs: Record<string, string>
  readonly gross_profit: string
  readonly gross_margin_pct: string
  readonly fixed: string
  readonly net_profit: string
  readonly cumulative_net_profit: string
  readonly jettythunder_pool: string
}

/** Formula cells of `written` whose LibreOffice value (in `recalculated`) differs from the cached one. */
const disagreements = (written: ExcelJS.Workbook, recalculated: ExcelJS.Workbook) => {
  let formulas = 0
  const differ: Array<string> = []
  written.eachSheet((ws) => {
    const other = recalculated.getWorksheet(ws.name)!
    ws.eachRow((row) =>
      row.eachCell((c) => {
        if (!isFormula(c.value)) return
        formulas++
        const cached = resultOf(c.value)
        const got = resultOf(other.getCell(c.address).value)
        const same = typeof cached === "number"
          ? typeof got === "number" && Math.abs(got - cached) <= 1e-9 * Math.max(1, Math.abs(cached))
          : got === cached
        if (!same) differ.push(`${ws.name}!${c.address} ${c.value.formula.slice(0, 80)}: cached ${cached}, LibreOffice ${got}`)
      })
    )
  })
  return { formulas, differ }
}

const tmp = mkdtempSync(join(tmpdir(), "econ-xlsx-"))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe.skipIf(SOFFICE === undefined && process.env["CI"] === undefined)("model.xlsx recalculated by LibreOffice", () => {
  let summary: { months: ReadonlyArray<MonthJson>; monte_carlo: { percentiles: Record<string, ReadonlyArray<{ p50: number }>> } }
  let override: { months: ReadonlyArray<MonthJson> }
  let written: ExcelJS.Workbook
  let recalculated: ExcelJS.Workbook
  let changed: ExcelJS.Workbook

  beforeAll(async () => {
    summary = JSON.parse(await econ("run", SCENARIO, "--runs", "200", "--seed", "7", "--workers", "1", "--out", join(tmp, "report"), "--json"))
    // the same scenario with Pro at $59, through the scenario file as finance would write it
    const tree = YAML.parse(readFileSync(SCENARIO, "utf8"))
    tree.overrides = { ...tree.overrides, tiers: { pro: { price: 59 } } }
    writeFileSync(join(tmp, "pro59.yaml"), YAML.stringify(tree))
    override = JSON.parse(await econ("run", join(tmp, "pro59.yaml"), "--json"))

    copyFileSync(join(tmp, "report", "model.xlsx"), join(tmp, "model.xlsx"))
    written = await load(join(tmp, "model.xlsx"))
    // change the named input in the workbook; cached values stay stale, so only a recalculation can match
    const edit = await load(join(tmp, "model.xlsx"))
    const [address] = edit.definedNames.getRanges("pro_price").ranges
    const [sheet, cell] = address!.split("!")
    edit.getWorksheet(sheet!)!.getCell(cell!.replace(/\$/g, "")).value = 59
    await edit.xlsx.writeFile(join(tmp, "pro59.xlsx"))

    for (const name of OTHERS) {
      const r = await runEcon("run", `scenarios/${name}.yaml`, "--runs", "0", "--xlsx", join(tmp, `${name}.xlsx`))
      expect(r.code, r.stderr).toBeLessThan(2) // a failed check of the scenario exits 1
      expect(r.stderr).toContain(`wrote ${join(tmp, `${name}.xlsx`)}\n`) // no "differ from the engine"
    }
    await convertRecalculated(
      [join(tmp, "model.xlsx"), join(tmp, "pro59.xlsx"), ...OTHERS.map((n) => join(tmp, `${n}.xlsx`))],
      join(tmp, "recalc"),
      "xlsx"
    )
    recalculated = await load(join(tmp, "recalc", "model.xlsx"))
    changed = await load(join(tmp, "recalc", "pro59.xlsx"))
  }, 240_000)

  it("every formula cell LibreOffice recalculates equals the value the workbook cached", () => {
    const { formulas, differ } = disagreements(written, recalculated)
    expect(differ.slice(0, 10)).toEqual([])
    expect(formulas).toBeGreaterThan(5000)
  })

  it.each(OTHERS)("%s: every recalculated formula cell equals its cached value too", async (name) => {
    const { formulas, differ } = disagreements(await load(join(tmp, `${name}.xlsx`)), await load(join(tmp, "recalc", `${name}.xlsx`)))
    expect(differ.slice(0, 10)).toEqual([])
    expect(formulas).toBeGreaterThan(1000)
  })

  it("the recalculated Monthly sheet is the engine's projection to the cent, and the Notes sheet lists no deviation", () => {
    const ws = recalculated.getWorksheet("Monthly")!
    const header = ws.getRow(3).values as Array<unknown>
    const col = (label: string) => {
      const i = header.indexOf(label)
      expect(i, label).toBeGreaterThan(0)
      return i
    }
    summary.months.forEach((m, i) => {
      const row = ws.getRow(4 + i)
      const at = (label: string) => resultOf(row.getCell(col(label)).value)
      expect(at("Month")).toBe(m.month)
      for (const [t, n] of Object.entries(m.users)) expect(at(`${t[0]!.toUpperCase()}${t.slice(1)} users`), `${m.month} ${t}`).toBe(n)
      expect(cents(at("Revenue")), m.month).toBe(cents(m.revenue))
      for (const l of LINES) expect(cents(at(costLineLabel(l))), `${m.month} ${l}`).toBe(cents(m.costs[l]))
      expect(cents(at("Gross profit"))).toBe(cents(m.gross_profit))
      expect(Number(at("Gross margin %")).toFixed(1)).toBe(m.gross_margin_pct)
      expect(cents(at("Fixed costs"))).toBe(cents(m.fixed))
      expect(cents(at("Net profit")), m.month).toBe(cents(m.net_profit))
      expect(cents(at("Cumulative net profit"))).toBe(cents(m.cumulative_net_profit))
      expect(cents(at("JettyThunder pool"))).toBe(cents(m.jettythunder_pool))
    })
    const notes = recalculated.getWorksheet("Notes")!
    const text = (notes.getColumn(1).values as Array<unknown>).join("\n")
    expect(text).toMatch(/Checked when written: every figure of Monthly computed by these formulas equals the engine's/)
  })

  it("the Monte Carlo sheet holds the run's percentiles", () => {
    const ws = written.getWorksheet("Monte Carlo")!
    const header = ws.getRow(3).values as Array<unknown>
    const c = header.indexOf("net profit p50")
    expect(c).toBeGreaterThan(0)
    summary.monte_carlo.percentiles["net_profit"]!.forEach((b, i) => expect(ws.getRow(4 + i).getCell(c).value).toBe(b.p50))
  })

  it("Pro at $59 typed into the workbook moves the recalculated net profit to what `econ run` computes with that override", () => {
    const ws = changed.getWorksheet("Monthly")!
    const header = ws.getRow(3).values as Array<unknown>
    const net = header.indexOf("Net profit")
    const cumulative = header.indexOf("Cumulative net profit")
    expect(override.months.at(-1)!.net_profit).not.toBe(summary.months.at(-1)!.net_profit)
    override.months.forEach((m, i) => {
      expect(cents(resultOf(ws.getRow(4 + i).getCell(net).value)), m.month).toBe(cents(m.net_profit))
      expect(cents(resultOf(ws.getRow(4 + i).getCell(cumulative).value)), m.month).toBe(cents(m.cumulative_net_profit))
    })
  })
})
