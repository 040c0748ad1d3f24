import * as Result from "effect/Result"
import * as BigDecimal from "effect/BigDecimal"
import { loadScenario } from "./scenarios/scenario/load.ts"
import { prepare } from "./scenarios/engine/prepare.ts"
import { project, LINES } from "./scenarios/engine/project.ts"
const r = loadScenario(process.argv[2]!)
if (Result.isFailure(r)) { console.log(r.failure.message); process.exit(2) }
const p = project(prepare(r.success.state), { detail: true })
for (const m of p.months.slice(0, 3)) console.log(m.month, m.users, BigDecimal.format(m.revenue), LINES.map((l, i) => `${l}=${BigDecimal.format(m.lines[i]!)}`).join(" "), "gp", BigDecimal.format(m.grossProfit), "net", BigDecimal.format(m.netProfit), "pool", BigDecimal.format(m.jettythunderPool))
console.log(p.breakEvenIndex, p.paybackIndex)
