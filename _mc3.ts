import * as Result from "effect/Result"
import { loadScenario } from "./scenarios/scenario/load.ts"
import { prepare } from "./scenarios/engine/prepare.ts"
import { project } from "./scenarios/engine/project.ts"
const r = loadScenario("scenarios/mixed-growth-36m.yaml")
if (Result.isFailure(r)) { console.log(r.failure.message); process.exit(2) }
const inp = prepare(r.success.state)
for (let i = 0; i < 10000; i++) project(inp)
