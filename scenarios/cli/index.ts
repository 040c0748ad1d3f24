// The model-facing and scenario commands of `econ`.
import { tiersCommand } from "./tiers.ts"

export const modelCommands = [tiersCommand] as const
