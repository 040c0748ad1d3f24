// The econ process: runs the command tree on argv and exits with its code (the contract lives in econ.ts).
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Effect from "effect/Effect"
import { econProgram } from "./econ.ts"

// `econ … | head` closes stdout early: that is the reader's choice, not an error
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0)
  throw e
})

NodeRuntime.runMain(
  Effect.map(econProgram(process.argv.slice(2)), (code) => {
    process.exitCode = code
  }),
  { disableErrorReporting: true }
)
