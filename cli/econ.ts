// The econ command tree and its exit-code contract: 0 ok, 1 findings/failed checks/failed work, 2 unusable input,
// 70 internal error. `econProgram` computes the code; the entry (main.ts) sets it, tests run it in-process (`runEcon`).
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as Cause from "effect/Cause"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { CliError, CliOutput, Command } from "effect/cli"
import { format } from "node:util"
import { Stdio, type StdioShape } from "./common.ts"
import { commandsFor } from "./commandsFor.ts"

/** The econ tree with the subcommands `args` names (all of them for help or an unknown name): see commandsFor.ts. */
export const econCommandFor = async (args: ReadonlyArray<string>) => {
  const root = Command.make("econ").pipe(
    Command.withDescription("AgentCache storage economics: price model, scenarios and the live quota enforcer")
  )
  const subcommands = await commandsFor(args)
  // loaded by name, the subcommands are typed Command.Any: what they need is what commandProgram provides
  return subcommands.length === 0 ? root : (root.pipe(Command.withSubcommands(subcommands)) as unknown as typeof root)
}

const exit = (code: number, message: string) =>
  Effect.map(Stdio, (io) => {
    if (message) io.err(`econ: ${message}\n`)
    return code
  })

// Help goes to stdout only when asked for (`--help`, or a command with no handler); an invalid invocation is one line
// on stderr (written below), so a `--json` reader never gets help text instead of JSON.
const presenter = CliOutput.layerPresenter({
  present: (event) => (event._tag === "InvalidInvocation" ? Effect.void : CliOutput.defaultPresenter.present(event))
})

/** One line for a parse error: the first line of Effect's message, and its closest suggestion as "did you mean". */
const cliErrorLine = (e: Error): string => {
  const suggestions = (e as { suggestions?: ReadonlyArray<string> }).suggestions ?? []
  const first = e.message.split("\n")[0]!.replace(/\.$/, "")
  return suggestions.length > 0 ? `${first} — did you mean \`${suggestions[0]}\`?` : first
}

const internalError = (cause: Cause.Cause<unknown>) => {
  const squashed = Cause.squash(cause)
  const message = squashed instanceof Error ? squashed.message : String(squashed)
  return exit(70, `internal error: ${message.split("\n")[0]}`)
}

/** Runs `econ args`; succeeds with the exit code once every message is written. */
export const econProgram = (args: ReadonlyArray<string>): Effect.Effect<number> =>
  Effect.flatMap(Effect.promise(() => econCommandFor(args)), (command) => commandProgram(command, args))

/** A command tree under the exit-code contract (econ's, or a test's). */
export const commandProgram = <Name extends string, I, E, R>(
  command: Command.Command<Name, I, E, R>,
  args: ReadonlyArray<string>
): Effect.Effect<number> =>
  Command.runWith(command, { version: "0.1.0", renderErrors: true })(args).pipe(
    Effect.as(0),
    Effect.catch((e: unknown) => {
      const tag = (e as { _tag?: string })._tag
      if (tag === "Findings") return exit(1, "")
      if (tag === "CommandFailed") return exit(1, (e as { message: string }).message.split("\n")[0]!)
      if (tag === "UsageError") return exit(2, (e as { message: string }).message)
      if (CliError.isCliError(e)) {
        // --help arrives as ShowHelp with no errors; a bad flag arrives as ShowHelp carrying the parse errors
        const errors = tag === "ShowHelp" ? (e as unknown as { errors: ReadonlyArray<Error> }).errors : [e as Error]
        return errors.length === 0 ? exit(0, "") : exit(2, errors.map(cliErrorLine).join("; "))
      }
      return exit(70, `internal error: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`)
    }),
    // a defect (an exception nothing expected) is still one line and exit 70, never a silent exit 1: 1 means findings
    Effect.catchCause((cause) => (Cause.hasInterruptsOnly(cause) ? Effect.interrupt : internalError(cause))),
    Effect.provide(Layer.merge(NodeServices.layer, presenter))
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
