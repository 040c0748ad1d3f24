// The econ command tree and its exit-code contract: 0 ok, 1 findings/failed checks, 2 unusable input.
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as Effect from "effect/Effect"
import { CliError, Command } from "effect/cli"
import { enforcerCommands } from "./enforcer.ts"
import { planningCommands } from "./planningCommands.ts"

// `econ … | head` closes stdout early: that is the reader's choice, not an error
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0)
  throw e
})

const econ = Command.make("econ").pipe(
  Command.withDescription("AgentCache storage economics: price model, scenarios and the live quota enforcer"),
  Command.withSubcommands([...planningCommands, ...enforcerCommands])
)

const fail = (code: number, message: string) =>
  Effect.sync(() => {
    if (message) process.stderr.write(`econ: ${message}\n`)
    process.exitCode = code
  })

const program = Command.runWith(econ, { version: "0.1.0", renderErrors: false })(process.argv.slice(2)).pipe(
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

NodeRuntime.runMain(program, { disableErrorReporting: true })
