// vitest global setup: one PGlite template (initdb + migrations, dumped) per PGlite version and migration set, kept in
// the temp directory across runs, named to every test process and the services they spawn by ECON_PGLITE_TEMPLATE.
// The suite opens about forty PGlite databases; each then loads the dump instead of running initdb (≈ 3 s of CPU).
import { createHash } from "node:crypto"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { migratedTemplate } from "../db/Database.ts"
import { pgliteVersion, TEMPLATE_VARIABLE, writePgliteTemplate } from "../db/pgliteBoot.ts"

export default async function setup() {
  const migrations = join(import.meta.dirname, "..", "db", "migrations")
  const hash = createHash("sha256").update(pgliteVersion())
  for (const f of readdirSync(migrations).sort()) hash.update(f).update(readFileSync(join(migrations, f)))
  const path = join(tmpdir(), `econ-pglite-template-${hash.digest("hex").slice(0, 16)}.tar`)
  if (!existsSync(path)) await writePgliteTemplate(path, migratedTemplate)
  process.env[TEMPLATE_VARIABLE] = path
}
