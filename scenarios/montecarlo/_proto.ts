import { readFileSync } from "node:fs"
import { inverseNormal, normalCdf, betaQuantile } from "./sample.ts"
const ref = JSON.parse(readFileSync("/tmp/ref.json", "utf8"))
let worst = 0
for (const [p, z] of ref.ndtri) { const e = Math.abs(inverseNormal(p) - z) / Math.max(Math.abs(z), 1e-300); worst = Math.max(worst, e) }
console.log("ndtri worst rel", worst); worst = 0
for (const [z, p] of ref.ndtr) { const e = Math.abs(normalCdf(z) - p); const r = p > 0 ? e / p : e; worst = Math.max(worst, Math.min(r, e / 1e-14)); if (r > 1e-10) console.log(z, normalCdf(z), p, r) }
console.log("ndtr worst", worst); worst = 0
for (const [a, b, u, x] of ref.betaincinv) { const q = betaQuantile(a, b)(u); const r = Math.abs(q - x) / x; if (r > 1e-9) console.log(a, b, u, q, x, r); worst = Math.max(worst, r) }
console.log("beta worst rel", worst)
for (const [a, b] of [[2, 5], [392, 19207], [0.3, 3], [0.05, 0.2]]) {
  let t = performance.now(); const q = betaQuantile(a!, b!); const tb = performance.now() - t; t = performance.now(); let s = 0
  for (let i = 0; i < 1e5; i++) s += q((i + 0.5) / 1e5)
  console.log(a, b, "build ms", tb.toFixed(1), "1e5 draws ms", (performance.now() - t).toFixed(1), "mean", s / 1e5, a! / (a! + b!))
}
let t = performance.now(); let s = 0; for (let i = 0; i < 1e6; i++) s += inverseNormal((i + 0.5) / 1e6); console.log("1e6 inverseNormal ms", performance.now() - t)
