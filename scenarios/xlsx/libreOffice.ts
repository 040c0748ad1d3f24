// LibreOffice headless as the reference spreadsheet engine: converts workbooks (to xlsx with recalculated cached values,
// or to pdf) with a private user profile that forces a full recalculation on load. LibreOffice otherwise trusts the
// cached values of an xlsx ("never recalculate" is its default for files not written by itself), and two soffice
// processes sharing one profile collide, so every call gets its own throwaway profile.
import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"

const TIMEOUT_MS = 180_000

export const SOFFICE = ["/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice"].find((p) => existsSync(p))

// OOXMLRecalcMode / ODFRecalcMode: 0 = always recalculate on load, 1 = never, 2 = ask
const RECALC_ALWAYS = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
`

/**
 * Converts `files` into `outDir` as `format` ("xlsx", "pdf", …) after LibreOffice recalculated every formula. One soffice
 * process for all files (its start-up is most of the cost). Rejects with soffice's output when it fails.
 */
export const convertRecalculated = async (files: ReadonlyArray<string>, outDir: string, format: string): Promise<void> => {
  if (SOFFICE === undefined) throw new Error("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
  const profile = await mkdtemp(join(tmpdir(), "econ-soffice-"))
  try {
    await mkdir(join(profile, "user"), { recursive: true })
    await writeFile(join(profile, "user", "registrymodifications.xcu"), RECALC_ALWAYS)
    await mkdir(outDir, { recursive: true })
    const args = ["--headless", "--norestore", `-env:UserInstallation=${pathToFileURL(profile).href}`, "--convert-to", format, "--outdir", outDir, ...files]
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(SOFFICE, args, { env: { ...process.env, HOME: profile }, stdio: ["ignore", "pipe", "pipe"] })
      let text = ""
      child.stdout.on("data", (d) => (text += d))
      child.stderr.on("data", (d) => (text += d))
      // a hung soffice (a dialog it cannot show, a broken profile) must not hold a test run: generous for a busy machine
      const timer = setTimeout(() => child.kill("SIGKILL"), TIMEOUT_MS)
      child.on("error", reject)
      child.on("close", (code, signal) => {
        clearTimeout(timer)
        if (code === 0) resolve(text)
        else reject(new Error(signal === "SIGKILL" ? `soffice did not finish within ${TIMEOUT_MS / 1000} s: ${text}` : `soffice exited ${code}: ${text}`))
      })
    })
    const missing = files.filter((f) => !output.includes(f.split("/").at(-1)!))
    if (missing.length > 0) throw new Error(`soffice did not convert ${missing.join(", ")}: ${output}`)
  } finally {
    await rm(profile, { recursive: true, force: true })
  }
}
