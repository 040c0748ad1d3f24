// Worker-thread entry: builds the simulation named in workerData, runs its chunk of run indices and posts one summary.
import { parentPort, workerData } from "node:worker_threads"
import { ChunkFailure, loadSimulation, runChunk, type ChunkRequest } from "./runChunk.ts"

export type WorkerMessage =
  | { readonly type: "progress"; readonly done: number }
  | { readonly type: "done"; readonly summary: ReturnType<typeof runChunk> }
  | { readonly type: "error"; readonly message: string; readonly runIndex: number }

const port = parentPort
if (port === null) throw new Error("scenarios/montecarlo/worker.ts must run in a worker thread")
const { request, progressEvery } = workerData as { readonly request: ChunkRequest; readonly progressEvery: number }
const post = (m: WorkerMessage): void => port.postMessage(m)

try {
  const sim = await loadSimulation(request.moduleUrl, request.payload)
  const summary = runChunk(sim, request, (done) => post({ type: "progress", done }), progressEvery)
  post({ type: "done", summary })
} catch (e) {
  post({
    type: "error",
    message: e instanceof Error ? e.message : String(e),
    runIndex: e instanceof ChunkFailure ? e.runIndex : -1
  })
}
