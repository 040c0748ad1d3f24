// The edge: a WorkbookSpec as XLSX bytes (exceljs), each formula cell written with its cached result so viewers that do
// not recalculate still show the figures, and with full recalculation on load so Excel and LibreOffice refresh them.
import ExcelJS from "exceljs"
import type { CellFormat, WorkbookSpec } from "./grid.ts"

const NUM_FMT: Readonly<Record<CellFormat, string | undefined>> = {
  usd: '"$"#,##0.00;-"$"#,##0.00',
  usd4: '"$"#,##0.0000;-"$"#,##0.0000',
  int: "#,##0",
  pct1: "0.0",
  share: "0.######",
  decimal: "#,##0.######",
  text: undefined
}

export const xlsxBytes = async (spec: WorkbookSpec): Promise<Uint8Array> => {
  const wb = new ExcelJS.Workbook()
  wb.creator = "econ"
  wb.calcProperties.fullCalcOnLoad = true
  for (const sheet of spec.sheets) {
    const ws = wb.addWorksheet(sheet.name, {
      views: sheet.freeze === undefined ? [] : [{ state: "frozen", xSplit: sheet.freeze.col, ySplit: sheet.freeze.row }]
    })
    if (sheet.print === "fit-width") ws.pageSetup = { orientation: "landscape", fitToPage: true, fitToWidth: 1, fitToHeight: 0 }
    else if (sheet.print !== undefined) ws.pageSetup = { orientation: "landscape", scale: sheet.print.scale }
    for (const [col, chars] of sheet.widths) ws.getColumn(col).width = chars
    for (const [row, points] of sheet.heights) ws.getRow(row).height = points
    for (const col of sheet.wrap ?? []) ws.getColumn(col).alignment = { wrapText: true, vertical: "top" }
    for (const [address, cell] of sheet.cells) {
      const c = ws.getCell(address)
      c.value = cell.formula === undefined ? cell.value : { formula: cell.formula, result: cell.value }
      const fmt = cell.format === undefined ? undefined : NUM_FMT[cell.format]
      if (fmt !== undefined) c.numFmt = fmt
      if (cell.bold === true) c.font = { bold: true }
      if (cell.wrap === true) c.alignment = { wrapText: true, vertical: "bottom" }
    }
  }
  for (const [name, range] of spec.names) wb.definedNames.add(range, name)
  return new Uint8Array(await wb.xlsx.writeBuffer())
}
