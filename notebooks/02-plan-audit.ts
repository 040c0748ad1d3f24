// # 02 — The plan, audited
// Every figure the plan states, recomputed from the price sheet's inputs; each one that does not hold, with why.
import { audit, FINDING_KINDS, type Sheet } from "../model/index.ts"
import { Notebook, readable } from "./notebook.ts"

const KIND_TITLE = {
  arithmetic: "Sums that do not add up",
  omission: "Figures that leave out a cost the plan itself names",
  claim: "Claims the numbers do not support",
  code: "Bugs in the plan's sample code"
} as const

export const planAuditNotebook = (sheet: Sheet): Notebook => {
  const nb = new Notebook("02 — The plan, audited")
  const report = audit(sheet)
  const holds = report.checks.filter((c) => c.status === "holds").length
  nb.md`# 02 — The plan, audited

The plan's stated figures are kept apart from its inputs in the price sheet (\`stated:\`) and never used as inputs.
The audit recomputes each from the inputs: **${report.checks.length}** figures checked, **${holds}** hold,
**${report.findings.length}** findings. \`econ audit\` prints the same list (\`--json\` for the contract shape).`

  for (const kind of FINDING_KINDS) {
    const findings = report.findings.filter((f) => f.kind === kind)
    if (findings.length === 0) continue
    nb.md(`## ${KIND_TITLE[kind]} (${findings.length})`)
    nb.table(
      ["figure", "where", "stated", "computed", "why"],
      findings.map((f) => [readable(f.figure), f.where, f.stated, f.computed, f.explanation])
    )
  }
  return nb
}
