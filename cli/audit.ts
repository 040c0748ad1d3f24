// `econ audit`: every figure the plan states, recomputed from the sheet; lists each that does not hold (and the bugs in
// the plan's sample code). Exit 1 when there are findings, 0 when none, 2 when the sheet or flags are unusable.
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Command, Flag } from "effect/cli"
import { audit, type AuditReport, FINDING_KINDS, type FindingKind } from "../model/index.ts"
import { Findings, formatTable, jsonFlag, pctCell, printJson, printLine, sheetFlag, usdCell, UsageError, useSheet } from "./common.ts"

const parseKinds = (text: string): Effect.Effect<ReadonlyArray<FindingKind>, UsageError> => {
  const kinds = text.split(",").map((k) => k.trim()).filter((k) => k !== "")
  const bad = kinds.find((k) => !(FINDING_KINDS as ReadonlyArray<string>).includes(k))
  return bad === undefined && kinds.length > 0
    ? Effect.succeed(kinds as ReadonlyArray<FindingKind>)
    : Effect.fail(new UsageError({ message: `--kind: unknown kind "${bad ?? text}"; use a comma list of ${FINDING_KINDS.join(", ")}` }))
}

export const auditJson = (r: AuditReport) => ({
  findings: r.findings,
  summary: {
    findings: r.findings.length,
    checked: r.checks.length,
    holds: r.checks.filter((c) => c.status === "holds").length,
    fails: r.checks.filter((c) => c.status === "fails").length,
    unverifiable: r.checks.filter((c) => c.status === "unverifiable").length
  },
  checks: r.checks
})

/**
 * A stated or computed figure in the one table format: a percentage (ids ending in _pct) gets "%", amounts at cents
 * get "$" and thousands separators ("-9150.00" → "-$9,150.00"); words and other numbers stay as the audit wrote them.
 */
export const auditCell = (id: string, text: string): string =>
  id.endsWith("_pct") || id.endsWith("margin_pct_min")
    ? text.replace(/^(-?\d+(\.\d+)?)$/, (n) => pctCell(n))
    : text.replace(/(?<![\d.])-?\d+\.\d{2}(?![\d.])/g, (n) => usdCell(n))

export const auditText = (r: AuditReport): string => {
  if (r.findings.length === 0) return `No findings: every stated figure checked holds (${r.checks.length} checks).`
  const table = formatTable(
    ["#", "kind", "id", "stated", "computed"],
    r.findings.map((f, i) => [String(i + 1), f.kind, f.id, auditCell(f.id, f.stated), auditCell(f.id, f.computed)]),
    new Set([0])
  )
  const notes = r.findings.map((f, i) => `${String(i + 1).padStart(2)}. ${f.figure} — ${f.where}\n    ${f.explanation}`)
  const holds = r.checks.filter((c) => c.status === "holds").length
  const unverifiable = r.checks.filter((c) => c.status === "unverifiable")
  return [
    table,
    "",
    ...notes,
    "",
    `${r.findings.length} findings; ${r.checks.length} checks: ${holds} hold, ${unverifiable.length} cannot be checked from the sheet` +
    (unverifiable.length > 0 ? ` (${unverifiable.map((c) => c.id).join(", ")})` : "") + ".",
    "Percents: computed ones at one decimal, half-even; a stated percent holds when the exact ratio rounds to it at the plan's precision."
  ].join("\n")
}

export const auditCommand = Command.make(
  "audit",
  {
    sheet: sheetFlag,
    json: jsonFlag,
    kind: Flag.String("kind").pipe(
      Flag.withDescription(`Only these kinds of finding (comma list of ${FINDING_KINDS.join(", ")})`),
      Flag.optional
    )
  },
  Effect.fn(function*({ sheet, json, kind }) {
    const s = yield* useSheet(sheet)
    const kinds = Option.isSome(kind) ? yield* parseKinds(kind.value) : undefined
    const report = audit(s, kinds === undefined ? {} : { kinds })
    if (json) yield* printJson(auditJson(report))
    else yield* printLine(auditText(report))
    if (report.findings.length > 0) return yield* new Findings({ count: report.findings.length })
  })
).pipe(Command.withDescription("Recompute every figure the plan states and list those that do not hold (exit 1 if any)"))
