// Preloaded into a benchmarked process (`node --import ./scenarios/bench/usage.ts …`): at exit, writes the process's
// CPU time (all threads, Monte Carlo workers included) and peak RSS to the file named by ECON_BENCH_USAGE.
import { writeFileSync } from "node:fs"

const file = process.env["ECON_BENCH_USAGE"]
if (file !== undefined) {
  process.on("exit", () => {
    const u = process.resourceUsage()
    writeFileSync(file, JSON.stringify({ cpu_s: (u.userCPUTime + u.systemCPUTime) / 1e6, peak_rss_bytes: u.maxRSS * 1024 }))
  })
}
