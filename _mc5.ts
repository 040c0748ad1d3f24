import * as Result from "effect/Result"
import { loadScenario } from "./scenarios/scenario/load.ts"
import { monteCarloOf } from "./scenarios/engine/monteCarlo.ts"
const r = loadScenario("scenarios/mixed-growth-36m.yaml")
if (Result.isFailure(r)) { console.log(r.failure.message); process.exit(2) }
for (const w of [1, 2]) {
  const t = performance.now()
  const mc = await monteCarloOf(r.success, { runs: 10000, seed: 7, workers: w })
  console.log(w, "workers ms", (performance.now() - t).toFixed(0), JSON.stringify(mc).length, JSON.stringify(mc.percentiles.net_profit!.at(-1)), mc.p_break_even_by_month.at(-1))
}
