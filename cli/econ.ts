// The econ command tree and its exit-code contract: 0 ok, 1 findings/failed checks/failed work, 2 unusable input,
// 70 internal error. `econProgram` computes the code; the entry (main.ts) sets it, tests run it in-process (`runEcon`).
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { CliError, Command } from "effect/cli"
import { format } from "node:util"
import { Stdio, type StdioShape } from "./common.ts"
import { enforcerCommands } from "./enforcer.ts"
import { planningCommands } from "./planningCommands.ts"

export const econCommand = Command.make("econ").pipe(
  Command.withDescription("AgentCache storage economics: price model, scenarios and the live quota enforcer"),
  Command.withSubcommands([...planningCommands, ...enforcerCommands])
)

const exit = (code: number, message: string) =>
  Effect.map(Stdio, (io) => {
    if (message) io.err(`econ: ${message}\n`)
    return code
  })

/** Runs `econ args`; succeeds with the exit code once every message is written. */
export const econProgram = (args: ReadonlyArray<string>): Effect.Effect<number> =>
  Command.runWith(econCommand, { version: "0.1.0", renderErrors: false })(args).pipe(
    Effect.as(0),
    Effect.catch((e: unknown) => {
      const tag = (e as { _tag?: string })._tag
      if (tag === "Findings") return exit(1, "")
      if (tag === "CommandFailed") return exit(1, (e as { message: string }).message.split("\n")[0]!)
      if (tag === "UsageError") return exit(2, (e as { message: string }).message)
      if (CliError.isCliError(e)) {
        // --help arrives as ShowHelp with no errors; a bad flag arrives as ShowHelp carrying the parse errors
        const errors = tag === "ShowHelp" ? (e as unknown as { errors: ReadonlyArray<Error> }).errors : [e as Error]
        return errors.length === 0 ? exit(0, "") : exit(2, errors.map((x) => x.message.split("\n")[0]).join("; "))
      }
      return exit(70, `internal error: ${e instanceof Error ? e.message : String(e)}`)
    }),
    Effect.provide(NodeServices.layer)
  )

export interface EconResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * `econ args` in this process with its output captured: the same command tree and exit code as the entry, without a
 * process start per call. For tests of what a command prints and decides; the process boundary has tests of its own.
 */
export const runEcon = (...args: ReadonlyArray<string>): Promise<EconResult> => runEconWith({}, args)

/** `runEcon` with the environment its configuration reads (`env`: the variables, instead of this process's). */
export const runEconWith = async (
  options: { readonly env?: Readonly<Record<string, string>> },
  args: ReadonlyArray<string>
): Promise<EconResult> => {
  let stdout = ""
  let stderr = ""
  const io: StdioShape = { out: (t) => void (stdout += t), err: (t) => void (stderr += t) }
  // help and version text come through Effect's Console
  const console: Console.Console = Object.assign(Object.create(globalThis.console), {
    log: (...a: ReadonlyArray<unknown>) => io.out(format(...a) + "\n"),
    error: (...a: ReadonlyArray<unknown>) => io.err(format(...a) + "\n")
  })
  const program = econProgram(args).pipe(Effect.provideService(Stdio, io), Effect.provideService(Console.Console, console))
  const code = await Effect.runPromise(
    options.env === undefined
      ? program
      : program.pipe(Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env: options.env }))))
  )
  return { code, stdout, stderr }
}
