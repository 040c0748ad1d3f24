import * as Result from "effect/Result"
import { loadScenario } from "./scenarios/scenario/load.ts"
import { createSimulation } from "./scenarios/engine/simulation.ts"
import { prepare } from "./scenarios/engine/prepare.ts"
import { project } from "./scenarios/engine/project.ts"
import { Rng } from "./scenarios/montecarlo/prng.ts"
const r = loadScenario(process.argv[2]!)
if (Result.isFailure(r)) { console.log(r.failure.message); process.exit(2) }
const sim = createSimulation({ source: r.success.source })
const rng = new Rng(1, 0)
for (let i = 0; i < 200; i++) { rng.reseed(1, i); sim.run(rng) }
let t = performance.now(); const N = 2000
for (let i = 0; i < N; i++) { rng.reseed(1, i); sim.run(rng) }
const dt = performance.now() - t
console.log("run µs", (dt * 1000 / N).toFixed(1))
const st = r.success.state
t = performance.now()
for (let i = 0; i < N; i++) prepare(st)
console.log("prepare µs", ((performance.now() - t) * 1000 / N).toFixed(1))
const inp = prepare(st)
t = performance.now()
for (let i = 0; i < N; i++) project(inp)
console.log("project µs", ((performance.now() - t) * 1000 / N).toFixed(1))
