// The model-facing and scenario commands of `econ`.
import { auditCommand } from "./audit.ts"
import { breakevenCommand } from "./breakeven.ts"
import { compareCommand } from "./compare.ts"
import { goalseekCommand } from "./goalseek.ts"
import { notebooksCommand } from "./notebooks.ts"
import { runCommand } from "./run.ts"
import { sensitivityCommand } from "./sensitivity.ts"
import { tiersCommand } from "./tiers.ts"
import { transferCommand } from "./transfer.ts"
import { varianceCommand } from "./variance.ts"
import { whatifCommand } from "./whatif.ts"

export const planningCommands = [
  tiersCommand,
  transferCommand,
  breakevenCommand,
  auditCommand,
  runCommand,
  sensitivityCommand,
  goalseekCommand,
  compareCommand,
  varianceCommand,
  whatifCommand,
  notebooksCommand
] as const
