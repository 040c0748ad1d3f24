// The audit's vocabulary: what a finding and a check are, the Auditor that records them, the plan's section names and
// the formatting every finding's text uses. The sections' audits (auditCosts.ts, auditProjections.ts), the code findings
// (codeFindings.ts) and audit.ts build on it.
import * as BigDecimal from "effect/BigDecimal"
import { divideRounded, formatMoney, formatPercent, formatUsd, type Money, roundMoney, ZERO } from "./money.ts"
import { type Sheet, type TierId, tierOf } from "./sheet.ts"
import type { TierEconomics } from "./tiers.ts"

export type FindingKind = "arithmetic" | "omission" | "claim" | "code"
export const FINDING_KINDS: ReadonlyArray<FindingKind> = ["arithmetic", "omission", "claim", "code"]

export interface Finding {
  /** Stable across runs and sheet edits: section.figure[.flaw]. */
  readonly id: string
  readonly kind: FindingKind
  /** The figure in the plan's words. */
  readonly figure: string
  /** The plan's section. */
  readonly where: string
  readonly stated: string
  readonly computed: string
  readonly explanation: string
}

export type CheckStatus = "holds" | "fails" | "unverifiable"

/** Every figure looked at, including those that hold: the audit's coverage. */
export interface Check {
  readonly id: string
  readonly where: string
  readonly status: CheckStatus
  readonly note?: string
}

export interface AuditReport {
  readonly findings: ReadonlyArray<Finding>
  readonly checks: ReadonlyArray<Check>
}

export interface AuditOptions {
  /** Only these kinds (default: all). */
  readonly kinds?: ReadonlyArray<FindingKind>
}

export const fm = formatMoney
export const usd = formatUsd
export const pctText = (p: BigDecimal.BigDecimal | undefined) => (p === undefined ? "n/a" : `${formatPercent(p)}%`)
export const dec = (n: number | bigint) => BigDecimal.fromBigInt(BigInt(n))
export const eq = BigDecimal.equals
export const times = (m: Money, n: number | bigint) => BigDecimal.multiply(m, dec(n))
export const plain = (d: BigDecimal.BigDecimal) => BigDecimal.format(BigDecimal.normalize(d))

/** Does the stated percent equal num/den × 100 rounded half-even to the stated number of decimals? */
export const statedPercentHolds = (stated: BigDecimal.BigDecimal, num: Money, den: Money): boolean => {
  if (BigDecimal.isZero(den)) return false
  const places = Math.max(0, BigDecimal.normalize(stated).scale)
  return eq(divideRounded(BigDecimal.multiply(num, dec(100)), den, places, "half-even"), stated)
}

export const TIER_SECTION = (name: string) => `Tiered Storage Allocation › ${name} Tier`
export const TRANSFER = "Cost Allocation Strategy › Internal Transfer Pricing"
export const ACCOUNTING = "Cost Allocation Strategy › Accounting Model"
export const TIERING = "Storage Cost Optimization › 1. Intelligent Tiering"
export const DEDUP = "Storage Cost Optimization › 2. Deduplication"
export const COMPRESSION = "Storage Cost Optimization › 3. Compression"
export const BREAK_EVEN = "Revenue Projections › Break-Even Analysis"
export const SUCCESS = "Success Metrics"
export const SCHEMA = "Implementation: Quota Management › Database Schema"
export const QUOTA_API = "Implementation: Quota Management › API Endpoint: Check Quota"
export const ENFORCEMENT = "Implementation: Quota Management › Quota Enforcement"
export const ANOMALY = "Monitoring & Alerts › Cost Anomaly Detection"
export const DASHBOARD = "Monitoring & Alerts › Financial Dashboard"

export class Auditor {
  readonly findings: Array<Finding> = []
  readonly checks: Array<Check> = []

  /** Record a check; when it fails, the finding's details are built (lazily: they may compute more). */
  check(
    id: string,
    where: string,
    holds: boolean,
    finding: () => Omit<Finding, "id" | "where">
  ): void {
    this.checks.push({ id, where, status: holds ? "holds" : "fails" })
    if (!holds) {
      const f = finding()
      this.findings.push({
        id,
        kind: f.kind,
        figure: f.figure,
        where,
        stated: f.stated,
        computed: f.computed,
        explanation: f.explanation
      })
    }
  }

  unverifiable(id: string, where: string, note: string): void {
    this.checks.push({ id, where, status: "unverifiable", note })
  }
}

export const lineAmount = (e: TierEconomics, name: string): Money | undefined => e.lines.find((l) => l.name === name)?.amount

export const bandwidthAtAllowance = (sheet: Sheet, id: TierId): Money => {
  const gb = tierOf(sheet, id).limits.bandwidth_gb
  return gb === null ? ZERO : roundMoney(BigDecimal.multiply(gb, sheet.unit_prices.bandwidth_per_gb))
}

export const assumptionFor = (sheet: Sheet, id: TierId, field: string): string | undefined =>
  tierOf(sheet, id).assumptions?.find((a) => a.field === field)?.reason
