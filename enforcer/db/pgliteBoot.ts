// Starting PGlite cheaply. A plain `PGlite.create()` compiles its 9 MB WebAssembly module and runs initdb: about
// 4.5 s of CPU each time. Here the module and its file-system bundle are compiled and read once per process, and a
// new database can start from a template: a data directory dumped after initdb and the migrations (about 1.5 s of
// CPU to load). In-memory databases (tests, benches) always start from one, made once per process; a new embedded
// directory does when ECON_PGLITE_TEMPLATE names a dump (`writePgliteTemplate`): the test suite makes one per run
// so that its hundred-odd databases skip initdb. Without it, `econ serve` runs initdb on a new directory as always.
import { readFileSync, renameSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { PGlite, type PGliteOptions } from "@electric-sql/pglite"

type BootOptions = Pick<PGliteOptions, "pgliteWasmModule" | "initdbWasmModule" | "fsBundle">

/** The variable naming a template dump for new databases (a development and test setting, not a deployment one). */
export const TEMPLATE_VARIABLE = "ECON_PGLITE_TEMPLATE"

const once = <A>(f: () => Promise<A>): (() => Promise<A>) => {
  let p: Promise<A> | undefined
  return () => {
    p ??= f().catch((e: unknown) => {
      p = undefined // a failed start is tried again next time, not remembered
      throw e
    })
    return p
  }
}

const dist = () => dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite"))

/** The installed PGlite's version: a template is only valid for the PGlite that wrote it. */
export const pgliteVersion = (): string =>
  (JSON.parse(readFileSync(join(dist(), "..", "package.json"), "utf8")) as { version: string }).version

/** The compiled modules and the file-system bundle PGlite would otherwise load on every create. */
export const pgliteBootOptions = once(async (): Promise<BootOptions> => {
  const [pgliteWasmModule, initdbWasmModule] = await Promise.all([
    WebAssembly.compile(readFileSync(join(dist(), "pglite.wasm"))),
    WebAssembly.compile(readFileSync(join(dist(), "initdb.wasm")))
  ])
  return { pgliteWasmModule, initdbWasmModule, fsBundle: new Blob([readFileSync(join(dist(), "pglite.data"))]) }
})

/** initdb, `prepare` (the migrations), then the data directory dumped uncompressed (gzip costs more than it saves). */
const makeTemplate = async (prepare: (db: PGlite) => Promise<void>): Promise<Blob> => {
  const db = await PGlite.create(await pgliteBootOptions())
  try {
    await prepare(db)
    return await db.dumpDataDir("none")
  } finally {
    await db.close().catch(() => undefined)
  }
}

const fromFile = once(async () => new Blob([readFileSync(process.env[TEMPLATE_VARIABLE]!)]))
const inProcess = new Map<(db: PGlite) => Promise<void>, () => Promise<Blob>>()

/**
 * The template a new database starts from: the dump ECON_PGLITE_TEMPLATE names, else (`always`: in-memory databases)
 * one made in this process, else none (a new embedded directory runs its own initdb).
 */
export const pgliteTemplate = async (
  prepare: (db: PGlite) => Promise<void>,
  always: boolean
): Promise<Blob | undefined> => {
  if ((process.env[TEMPLATE_VARIABLE] ?? "") !== "") return fromFile()
  if (!always) return undefined
  let t = inProcess.get(prepare)
  if (t === undefined) {
    t = once(() => makeTemplate(prepare))
    inProcess.set(prepare, t)
  }
  return t()
}

/** Write a template to `path` (atomically: a reader never sees half a file). */
export const writePgliteTemplate = async (path: string, prepare: (db: PGlite) => Promise<void>): Promise<void> => {
  const dump = await makeTemplate(prepare)
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, new Uint8Array(await dump.arrayBuffer()))
  renameSync(tmp, path)
}
