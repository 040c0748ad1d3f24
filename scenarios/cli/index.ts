// The model-facing and scenario commands of `econ`.
import { auditCommand } from "./audit.ts"
import { breakevenCommand } from "./breakeven.ts"
import { tiersCommand } from "./tiers.ts"
import { transferCommand } from "./transfer.ts"

export const modelCommands = [tiersCommand, transferCommand, breakevenCommand, auditCommand] as const
