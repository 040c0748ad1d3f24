import * as Result from "effect/Result"
import { loadScenario } from "./scenarios/scenario/load.ts"
import { createSimulation } from "./scenarios/engine/simulation.ts"
import { Rng } from "./scenarios/montecarlo/prng.ts"
const r = loadScenario("scenarios/mixed-growth-36m.yaml")
if (Result.isFailure(r)) { console.log(r.failure.message); process.exit(2) }
const sim = createSimulation({ source: r.success.source })
const rng = new Rng(1, 0)
for (let i = 0; i < 5000; i++) { rng.reseed(1, i); sim.run(rng) }
