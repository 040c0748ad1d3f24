// The plan's sample code, read against the model: bugs in code, not in figures. Ten hold whatever the sheet says, so they
// are data (no check computes them: they are findings by construction), worded with the sheet's figures that show each
// one. One depends on the sheet (a percent of a zero limit fails only where a tier has one) and is a real check.
import * as BigDecimal from "effect/BigDecimal"
import { divideRounded, formatMoney, percent, roundMoney } from "./money.ts"
import type { Sheet } from "./sheet.ts"
import { tierOf } from "./sheet.ts"
import { tierEconomics } from "./tiers.ts"
import { ANOMALY, type Auditor, DASHBOARD, dec, DEDUP, ENFORCEMENT, type Finding, pctText, plain, QUOTA_API, SCHEMA, TIERING, usd } from "./auditReport.ts"

/** A code finding as data: its texts may quote the sheet (`(sheet) => …`). */
export interface CodeFinding {
  readonly id: `code.${string}`
  readonly where: string
  readonly figure: string | ((sheet: Sheet) => string)
  readonly stated: string | ((sheet: Sheet) => string)
  readonly computed: string | ((sheet: Sheet) => string)
  readonly explanation: (sheet: Sheet) => string
}

const proGb = (sheet: Sheet) => tierOf(sheet, "pro").limits.storage_gb ?? dec(20)

export const CODE_FINDINGS: ReadonlyArray<CodeFinding> = [
  {
    id: "code.dedup_constant",
    where: DEDUP,
    figure: (s) => `Deduplication sample: cost_saved: "$${formatMoney(s.stated.dedup_cost_saved_per_hit)}"`,
    stated: (s) => `${formatMoney(s.stated.dedup_cost_saved_per_hit)} per duplicate hit (a constant)`,
    computed: (s) => `duplicate size (GB) × ${formatMoney(s.unit_prices.lyve_per_gb_month)} per month kept`,
    explanation: (s) => {
      const hot = s.unit_prices.lyve_per_gb_month
      const perHit = s.stated.dedup_cost_saved_per_hit
      const gbForConstant = BigDecimal.isZero(hot) ? undefined : BigDecimal.normalize(divideRounded(perHit, hot, 3, "half-even"))
      const fiveMb = BigDecimal.multiply(BigDecimal.make(5n, 3), hot)
      return `A duplicate saves its own size × the storage price for as long as the second copy would have been kept. ` +
        (gbForConstant === undefined ? "" : `${usd(perHit)} is what a ${plain(gbForConstant)} GB duplicate saves in a month; `) +
        `a 5 MB image saves ${plain(fiveMb)} a month (${usd(roundMoney(fiveMb))} booked). ` +
        `Summing the constant overstates savings by orders of magnitude for typical assets.`
    }
  },
  {
    id: "code.gib_vs_gb",
    where: ENFORCEMENT,
    figure: "assetSizeGB = asset.length / (1024 ** 3)",
    stated: "bytes / 2^30 (GiB)",
    computed: "bytes / 10^9 (GB)",
    explanation: (s) => {
      const gibInGb = BigDecimal.multiply(proGb(s), BigDecimal.make(1_073_741_824n, 9))
      return `Limits and $/GB prices are decimal GB (10^9 bytes); dividing by 2^30 counts every asset 6.87% small, so ` +
        `${tierOf(s, "pro").name}'s ${plain(proGb(s))} GB quota admits ${plain(roundMoney(gibInGb))} GB and storage is booked 6.87% low.`
    }
  },
  {
    id: "code.decimal_10_2",
    where: SCHEMA,
    figure: "jettythunder_used_gb DECIMAL(10,2)",
    stated: "usage in GB to 2 decimals (10 MB steps)",
    computed: "usage in bytes, BIGINT",
    explanation: () =>
      `Each upload adds its size rounded to 0.01 GB: an asset under 5 MB (5.37 MB with the code's GiB) adds 0.00, ` +
      `so any number of small assets uses no quota; 5–15 MB all book 0.01 GB. Errors accumulate with every upload.`
  },
  {
    id: "code.decimal_string_concat",
    where: ENFORCEMENT,
    figure: "quota.jettythunder_used_gb + assetSizeGB > quota.jettythunder_limit_gb",
    stated: "numeric addition",
    computed: "string concatenation (DECIMAL arrives as a string)",
    explanation: () =>
      `node-postgres returns DECIMAL columns as strings, so "1.50" + 0.004 is "1.500.004"; comparing that with the limit ` +
      `coerces it to NaN and NaN > 20 is false: the check never denies. Parse the column (or keep bytes as BIGINT).`
  },
  {
    id: "code.alert_usage_percent",
    where: ANOMALY,
    figure: "Math.round(user.usage_percent)",
    stated: "usage_percent",
    computed: "not selected by the query (undefined)",
    explanation: () =>
      `The query selects user_id, tier and jettythunder_used_gb only, so every alert reads "Storage at NaN%". ` +
      `Select used and limit and compute the percent (quota.usagePercent, rounded down).`
  },
  {
    id: "code.tiering_timestamp",
    where: TIERING,
    figure: "asset.lastAccessed > 30 days",
    stated: "a timestamp compared with a duration",
    computed: (s) => `now − lastAccessed > ${s.tiering.cold_after_days} days (tiering.decideTiering)`,
    explanation: () =>
      `A last-access timestamp is "greater than 30 days" for any date after 31 January 1970, so every asset with a low ` +
      `hit rate moves to cold storage however recently it was read (and "30 days" is not JavaScript).`
  },
  {
    id: "code.tiering_gap",
    where: TIERING,
    figure: (s) => `hitRate < ${plain(s.tiering.cold_max_hit_rate)} … hitRate > ${plain(s.tiering.hot_min_hit_rate)}`,
    stated: "two rules",
    computed: (s) => `hit rates in [${plain(s.tiering.cold_max_hit_rate)}, ${plain(s.tiering.hot_min_hit_rate)}] stay where they are`,
    explanation: (s) =>
      `Nothing says what happens between the thresholds, nor how a cold asset returns: the model makes both explicit ` +
      `(stay; back to hot only above ${plain(s.tiering.hot_min_hit_rate)}).`
  },
  {
    id: "code.dashboard_avg_margin",
    where: DASHBOARD,
    figure: "AVG((monthly_cost - internal_cost) / monthly_cost * 100)",
    stated: "mean of per-user margins",
    computed: "SUM(monthly_cost - internal_cost) / NULLIF(SUM(monthly_cost), 0) * 100",
    explanation: (sheet) => {
      const s = tierEconomics(sheet, "starter")
      const b = tierEconomics(sheet, "business")
      const meanOfRatios = percent(
        BigDecimal.sum(BigDecimal.multiply(s.margin, b.price), BigDecimal.multiply(b.margin, s.price)),
        BigDecimal.multiply(dec(2), BigDecimal.multiply(s.price, b.price))
      )
      const weighted = percent(BigDecimal.sum(s.margin, b.margin), BigDecimal.sum(s.price, b.price))
      return `Free users have monthly_cost 0: PostgreSQL raises "division by zero" and the report fails. And a mean of ratios ` +
        `weights a ${usd(s.price)} user like a ${usd(b.price)} one: one ${s.tier.name} + one ${b.tier.name} user average ` +
        `${pctText(meanOfRatios)}, but the business earns ${pctText(weighted)} of its revenue.`
    }
  },
  {
    id: "code.dashboard_month",
    where: DASHBOARD,
    figure: "DATE_TRUNC('month', created_at) … FROM user_storage_quotas",
    stated: "monthly report",
    computed: "one row per user per billing period (period_start)",
    explanation: () =>
      `user_storage_quotas has one row per user (user_id is its key) and created_at is when that row was made, ` +
      `so each user is counted only in their sign-up month, with today's prices: the report has no history.`
  },
  {
    id: "code.check_then_update",
    where: ENFORCEMENT,
    figure: "getQuota → check → upload → UPDATE … + $1",
    stated: "check, then update",
    computed: "one atomic reserve before the upload (released if the upload fails)",
    explanation: (s) => {
      const limit = proGb(s)
      const chunk = roundMoney(BigDecimal.multiply(limit, BigDecimal.make(75n, 2)))
      return `Two concurrent ${plain(chunk)} GB uploads by a ${tierOf(s, "pro").name} user at 0 GB both pass the check ` +
        `(${plain(chunk)} ≤ ${plain(limit)}) and ${plain(BigDecimal.multiply(chunk, dec(2)))} GB is stored against a ` +
        `${plain(limit)} GB limit; an upload that succeeds before a failed UPDATE is never counted.`
    }
  }
]

const text = (t: string | ((sheet: Sheet) => string), sheet: Sheet) => (typeof t === "string" ? t : t(sheet))

/** The code findings worded for `sheet`. */
export const codeFindings = (sheet: Sheet): ReadonlyArray<Finding> =>
  CODE_FINDINGS.map((c) => ({
    id: c.id,
    kind: "code",
    figure: text(c.figure, sheet),
    where: c.where,
    stated: text(c.stated, sheet),
    computed: text(c.computed, sheet),
    explanation: c.explanation(sheet)
  }))

/** The one code bug that depends on the sheet: the quota endpoint divides by a storage limit that may be zero. */
export const auditZeroLimitPercent = (a: Auditor, sheet: Sheet): void => {
  const zeroLimit = sheet.tiers.filter((t) => t.limits.storage_gb !== null && BigDecimal.isZero(t.limits.storage_gb)).map((t) => t.name)
  a.check("code.percent_zero_limit", QUOTA_API, zeroLimit.length === 0, () => ({
    kind: "code",
    figure: "jettythunder_used_gb / jettythunder_limit_gb * 100",
    stated: "divides by the limit",
    computed: "0% when unused, 100% when used, on a zero limit (quota.usagePercent)",
    explanation: `${zeroLimit.join(", ")} ${zeroLimit.length > 1 ? "have" : "has"} a 0 GB storage limit: PostgreSQL raises ` +
      `"division by zero", so the quota endpoint fails for every such user.`
  }))
}
