// Support as a cost: the plan budgets it per paying user ("Support/Operations $5,000" for 1,000 Pro users), so Free
// users cost none. The one rule for the break-even model, the scenario engine and every report.
import * as BigDecimal from "effect/BigDecimal"
import { ZERO, type Money } from "./money.ts"
import { type Sheet, type TierId, tierOf } from "./sheet.ts"

/** A tier whose users pay (price > 0): the users support is budgeted for. */
export const isPaidTier = (sheet: Sheet, tier: TierId): boolean => BigDecimal.isPositive(tierOf(sheet, tier).price)

/**
 * Support per user-month of a tier: the sheet's `support_per_user_month` for paid tiers, nothing for Free.
 * `override` is a scenario's own amount for that tier (it wins, even for Free: a plan may choose to support Free users).
 */
export const supportPerUser = (sheet: Sheet, tier: TierId, override?: Money): Money =>
  override ?? (isPaidTier(sheet, tier) ? sheet.support_per_user_month : ZERO)
