// Start-up: the subcommands an invocation needs, loaded by name, so `econ run` never loads the enforcer (database, S3
// and Redis clients) nor the report renderer unless it writes a report, and `econ --version` loads no command at all.
// A name not listed here (or --help, or no name) loads the whole tree, so a new command works before it is listed.
import type { Command } from "effect/cli"

export type Commands = ReadonlyArray<Command.Command.Any>

const enforcer = async (): Promise<Commands> => (await import("./enforcer.ts")).enforcerCommands
const everything = async (): Promise<Commands> => [...(await import("./planningCommands.ts")).planningCommands, ...(await enforcer())]

const BY_NAME: Readonly<Record<string, () => Promise<Commands>>> = {
  run: async () => [(await import("./run.ts")).runCommand],
  sensitivity: async () => [(await import("./sensitivity.ts")).sensitivityCommand],
  goalseek: async () => [(await import("./goalseek.ts")).goalseekCommand],
  compare: async () => [(await import("./compare.ts")).compareCommand],
  tiers: async () => [(await import("./tiers.ts")).tiersCommand],
  audit: async () => [(await import("./audit.ts")).auditCommand],
  breakeven: async () => [(await import("./breakeven.ts")).breakevenCommand],
  transfer: async () => [(await import("./transfer.ts")).transferCommand],
  variance: async () => [(await import("./variance.ts")).varianceCommand],
  whatif: async () => [(await import("./whatif.ts")).whatifCommand],
  notebooks: async () => [(await import("./notebooks.ts")).notebooksCommand],
  serve: enforcer,
  users: enforcer,
  jobs: enforcer
}

export const commandsFor = (args: ReadonlyArray<string>): Promise<Commands> => {
  if (args.length === 1 && (args[0] === "--version" || args[0] === "-v")) return Promise.resolve([])
  const name = args[0] ?? ""
  return (Object.hasOwn(BY_NAME, name) ? BY_NAME[name]! : everything)()
}
