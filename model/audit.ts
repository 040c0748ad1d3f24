// The audit: recompute every figure the plan states (`sheet.stated`) from the sheet's inputs and list each one that does
// not hold, plus the bugs in the plan's sample code (codeFindings.ts, data). A finding says what was stated, what we compute, and why they differ.
//
// Conventions. `computed` is the stated figure with THIS finding's flaw corrected on the section's own basis (so each
// finding isolates one flaw, and the figures match the plan's own method otherwise); the explanation then gives the
// all-in figure with every other flaw corrected too. Money is compared exactly. Percents: computed ones are the model's
// (`percent`: one decimal, half-even); a stated percent holds when the exact ratio, rounded half-even to as many
// decimals as the plan wrote (usually none: "79%"), equals it — so Pro's 78.57 % holds as "79".
import { auditAccounting, auditOptimisations, auditTiers, auditTransfer } from "./auditCosts.ts"
import { auditBreakEven, auditProjection, auditSuccess } from "./auditProjections.ts"
import { type AuditOptions, Auditor, type AuditReport } from "./auditReport.ts"
import { auditZeroLimitPercent, codeFindings } from "./codeFindings.ts"
import type { Sheet } from "./sheet.ts"

export {
  type AuditOptions,
  type AuditReport,
  type Check,
  type CheckStatus,
  type Finding,
  FINDING_KINDS,
  type FindingKind,
  statedPercentHolds
} from "./auditReport.ts"
export { CODE_FINDINGS, type CodeFinding } from "./codeFindings.ts"
export { restatedFigures } from "./restatedFigures.ts"

/**
 * Recompute every stated figure; return the findings (figures that do not hold, then the code bugs) and every check
 * made. The code findings that hold whatever the sheet says are findings, not checks: nothing was checked to find them.
 */
export const audit = (sheet: Sheet, options: AuditOptions = {}): AuditReport => {
  const a = new Auditor()
  auditTiers(a, sheet)
  auditTransfer(a, sheet)
  auditAccounting(a, sheet)
  auditOptimisations(a, sheet)
  auditProjection(a, sheet)
  auditBreakEven(a, sheet)
  auditSuccess(a, sheet)
  auditZeroLimitPercent(a, sheet)
  const findings = [...a.findings, ...codeFindings(sheet)]
  const kinds = options.kinds
  return {
    findings: kinds === undefined ? findings : findings.filter((f) => kinds.includes(f.kind)),
    checks: a.checks
  }
}
