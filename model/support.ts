// Support as a cost: the plan budgets it per paying user ("Support/Operations $5,000" for 1,000 Pro users), so Free
// users cost none. The one rule for the break-even model, the scenario engine and every report.
import { ZERO, type Money } from "./money.ts"
import type { Sheet, TierId } from "./sheet.ts"
import { isPayingTier } from "./tiers.ts"

/**
 * Support per user-month of a tier: the sheet's `support_per_user_month` for paying tiers, nothing for Free.
 * `override` is a scenario's own amount for that tier (it wins, even for Free: a plan may choose to support Free users).
 */
export const supportPerUser = (sheet: Sheet, tier: TierId, override?: Money): Money =>
  override ?? (isPayingTier(tier) ? sheet.support_per_user_month : ZERO)
