import * as Result from "effect/Result"
import { loadScenario } from "./scenarios/scenario/load.ts"
import { prepare } from "./scenarios/engine/prepare.ts"
const r = loadScenario("scenarios/mixed-growth-36m.yaml")
if (Result.isFailure(r)) { console.log(r.failure.message); process.exit(2) }
for (let i = 0; i < 20000; i++) prepare(r.success.state)
