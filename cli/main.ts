// The econ command tree and its exit-code contract: 0 ok, 1 findings/failed checks, 2 unusable input.
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as Effect from "effect/Effect"
import { CliError, Command } from "effect/cli"

// Start-up: only the named command's module graph is loaded, so `econ run` never loads the enforcer (database, S3,
// Redis clients) and `econ --version` loads no command at all. A name not listed here (or --help) loads the whole tree.
type Commands = ReadonlyArray<Command.Command.Any>
const enforcer = async (): Promise<Commands> => (await import("./enforcer.ts")).enforcerCommands
const COMMANDS: Readonly<Record<string, () => Promise<Commands>>> = {
  run: async () => [(await import("./run.ts")).runCommand],
  sensitivity: async () => [(await import("./sensitivity.ts")).sensitivityCommand],
  goalseek: async () => [(await import("./goalseek.ts")).goalseekCommand],
  compare: async () => [(await import("./compare.ts")).compareCommand],
  tiers: async () => [(await import("./tiers.ts")).tiersCommand],
  audit: async () => [(await import("./audit.ts")).auditCommand],
  breakeven: async () => [(await import("./breakeven.ts")).breakevenCommand],
  transfer: async () => [(await import("./transfer.ts")).transferCommand],
  serve: enforcer,
  users: enforcer,
  jobs: enforcer
}
const args = process.argv.slice(2)
const everything = async (): Promise<Commands> => [...(await import("./planningCommands.ts")).planningCommands, ...(await enforcer())]
const subcommands: Commands = args.length === 1 && args[0] === "--version"
  ? []
  : await (Object.hasOwn(COMMANDS, args[0] ?? "") ? COMMANDS[args[0]!]! : everything)()

// `econ … | head` closes stdout early: that is the reader's choice, not an error
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0)
  throw e
})

const root = Command.make("econ").pipe(
  Command.withDescription("AgentCache storage economics: price model, scenarios and the live quota enforcer")
)
const econ = subcommands.length === 0 ? root : root.pipe(Command.withSubcommands(subcommands))

const fail = (code: number, message: string) =>
  Effect.sync(() => {
    if (message) process.stderr.write(`econ: ${message}\n`)
    process.exitCode = code
  })

const program = Command.runWith(econ, { version: "0.1.0", renderErrors: false })(args).pipe(
  Effect.catch((e: unknown) => {
    const tag = (e as { _tag?: string })._tag
    if (tag === "Findings") return fail(1, "")
    if (tag === "UsageError") return fail(2, (e as { message: string }).message)
    if (CliError.isCliError(e)) {
      // --help arrives as ShowHelp with no errors; a bad flag arrives as ShowHelp carrying the parse errors
      const errors = tag === "ShowHelp" ? (e as unknown as { errors: ReadonlyArray<Error> }).errors : [e as Error]
      return errors.length === 0 ? fail(0, "") : fail(2, errors.map((x) => x.message.split("\n")[0]).join("; "))
    }
    return fail(70, `internal error: ${e instanceof Error ? e.message : String(e)}`)
  }),
  Effect.provide(NodeServices.layer)
)

// loaded by name, the commands are typed as Command.Any: what they need is the Node services provided above
NodeRuntime.runMain(program as Effect.Effect<void>, { disableErrorReporting: true })
