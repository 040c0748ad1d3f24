// writeReport on a real filesystem: the files, replacement of a previous report, and nothing half-written on failure.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Exit, Option } from "effect"
import { describe, expect, it } from "vitest"
import { fixture } from "./fixture.ts"
import { ReportInputError } from "../engine/summaryContract.ts"
import { ReportWriteError, writeFilesAtomically, writeReport } from "./write.ts"

const scratch = () => mkdtempSync(join(tmpdir(), "econ-report-"))

describe("writeReport", () => {
  it("writes projection.csv, summary.json, report.html and one .svg per chart", async () => {
    const dir = join(scratch(), "base")
    const written = await Effect.runPromise(writeReport(dir, { ...fixture, notes: ["a note"] }))
    const files = readdirSync(dir).sort()
    expect(files).toEqual([...written.files].sort())
    expect(files).toEqual(
      expect.arrayContaining(["projection.csv", "summary.json", "report.html", "revenue-costs.svg", "cost-stack.svg", "margin.svg", "break-even.svg", "tornado.svg"])
    )
    expect(JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"))).toEqual(fixture.summary)
    expect(statSync(dir).mode & 0o777).toBe(0o755)
  })

  it("replaces a previous report in place and leaves no temp dirs behind", async () => {
    const parent = scratch()
    const dir = join(parent, "base")
    await Effect.runPromise(writeReport(dir, fixture))
    await Effect.runPromise(writeReport(dir, { ...fixture, notes: ["second run"] }))
    expect(readFileSync(join(dir, "report.html"), "utf8")).toContain("second run")
    expect(readdirSync(parent)).toEqual(["base"])
  })

  it("refuses to replace a directory that is not a report", async () => {
    const dir = scratch()
    writeFileSync(join(dir, "thesis.tex"), "precious")
    const exit = await Effect.runPromiseExit(writeReport(dir, fixture))
    expect(Option.getOrUndefined(Exit.findErrorOption(exit))).toBeInstanceOf(ReportWriteError)
    expect(String(exit)).toMatch(/not a report directory/)
    expect(readFileSync(join(dir, "thesis.tex"), "utf8")).toBe("precious")
  })

  it("fails on bad input naming the field, before touching the disk", async () => {
    const parent = scratch()
    const bad = { ...fixture.summary, months: fixture.summary.months.map((m, i) => (i === 3 ? { ...m, revenue: "1,234.00" } : m)) }
    const exit = await Effect.runPromiseExit(writeReport(join(parent, "base"), { ...fixture, summary: bad }))
    const failure = Option.getOrUndefined(Exit.findErrorOption(exit))
    expect(failure).toBeInstanceOf(ReportInputError)
    expect((failure as ReportInputError).message).toMatch(/\["months"\]\[3\]\["revenue"\]/)
    expect(readdirSync(parent)).toEqual([])
  })

  it("a failure half-way through writing leaves neither the target nor a temp dir", async () => {
    const parent = scratch()
    const target = join(parent, "base")
    const exit = await Effect.runPromiseExit(
      writeFilesAtomically(target, [
        { name: "summary.json", content: "{}" },
        { name: "no-such-dir/x.svg", content: "<svg/>" }
      ])
    )
    expect(Option.getOrUndefined(Exit.findErrorOption(exit))).toBeInstanceOf(ReportWriteError)
    expect(readdirSync(parent)).toEqual([])
  })

  it("a failure while replacing keeps the previous report intact", async () => {
    const parent = scratch()
    const target = join(parent, "base")
    mkdirSync(target)
    writeFileSync(join(target, "summary.json"), "old")
    writeFileSync(join(target, "report.html"), "old")
    const exit = await Effect.runPromiseExit(writeFilesAtomically(target, [{ name: "a/b", content: "x" }]))
    expect(Option.getOrUndefined(Exit.findErrorOption(exit))).toBeInstanceOf(ReportWriteError)
    expect(readFileSync(join(target, "report.html"), "utf8")).toBe("old")
    expect(readdirSync(parent)).toEqual(["base"])
    expect(existsSync(join(target, "a"))).toBe(false)
  })
})
