// `whatif.html`: one static page holding the scenario and the engine bundled for the browser (esbuild, from this
// repository's own source at command time), so it works opened from the file system, offline, with no server.
import { basename } from "node:path"
import { fileURLToPath } from "node:url"
import { build, type Plugin } from "esbuild"
import type { LoadedScenario } from "../scenario/decode.ts"
import type { PageData } from "./page.ts"

const ENTRY = fileURLToPath(new URL("./page.ts", import.meta.url))
const DOM = fileURLToPath(new URL("./pageDom.ts", import.meta.url))

/** The report draws charts into a linkedom document on the server; in the page, into the page's document. */
const browserDom: Plugin = {
  name: "browser-dom",
  setup: (b) => b.onResolve({ filter: /^linkedom$/ }, () => ({ path: DOM }))
}

export class WhatIfBuildError extends Error {}

let bundled: Promise<string> | undefined

/**
 * The page's script: the engine, the report's charts and tables, and the page's wiring, minified into one IIFE.
 * Built once per process. A `node:` import reaching the engine's path fails the build (platform "browser").
 */
export const whatIfBundle = (): Promise<string> => {
  bundled ??= build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "es2022",
    minify: true,
    legalComments: "none",
    charset: "utf8",
    logLevel: "silent",
    plugins: [browserDom]
  }).then(
    (r) => r.outputFiles[0]!.text,
    (e: unknown) => {
      bundled = undefined
      const errors = (e as { errors?: ReadonlyArray<{ text: string; location?: { file: string; line: number } | null }> }).errors ?? []
      const first = errors.map((x) => `${x.location ? `${x.location.file}:${x.location.line}: ` : ""}${x.text}`).join("; ")
      throw new WhatIfBuildError(`could not bundle the what-if page: ${first || String(e)}`)
    }
  )
  return bundled
}

const PAGE_CSS = `
body { background: #f1f5f9; }
.layout { display: grid; grid-template-columns: 360px minmax(0, 1fr); min-height: 100vh; }
.layout > main { min-width: 0; max-width: 1240px; width: 100%; margin: 0; padding: 24px 24px 56px; }
aside { position: sticky; top: 0; height: 100vh; overflow-y: auto; background: white; border-right: 1px solid var(--line);
  padding: 18px 18px 40px; }
aside h2 { font-size: 16px; margin: 0 0 4px; }
aside .hint { color: var(--muted); font-size: 12.5px; margin: 0 0 12px; }
.buttons { display: flex; gap: 8px; margin: 0 0 14px; }
button { font: inherit; font-weight: 600; padding: 7px 12px; border-radius: 7px; border: 1px solid var(--line); background: white;
  color: var(--ink); cursor: pointer; }
button.primary { background: var(--accent); border-color: var(--accent); color: white; }
details { border-top: 1px solid var(--line); padding: 8px 0 4px; }
summary { font-weight: 700; color: var(--ink); cursor: pointer; margin-bottom: 6px; }
.control { display: grid; grid-template-columns: 1fr auto; gap: 2px 8px; align-items: center; margin: 0 0 10px; }
.control label { font-size: 12.5px; color: var(--text); }
.control output { font-size: 12.5px; font-weight: 700; color: var(--ink); font-variant-numeric: tabular-nums; text-align: right; }
.control input[type=range] { grid-column: 1; width: 100%; margin: 0; accent-color: var(--accent); }
.control input.exact { grid-column: 2; width: 92px; font: 12px ui-monospace, monospace; padding: 2px 4px; border: 1px solid var(--line);
  border-radius: 4px; text-align: right; }
.control input.exact[aria-invalid=true] { border-color: var(--neg); background: #fee2e2; }
.free-share { font-size: 12.5px; color: var(--muted); margin: 0 0 8px; }
#error { background: #fee2e2; border: 1px solid #fca5a5; color: var(--neg); border-radius: 10px; padding: 12px 16px; margin: 0 0 16px; }
#error ul { margin: 4px 0 0; padding-left: 18px; }
body[data-valid=false] #figures, body[data-valid=false] #report { opacity: .35; }
#figures { grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); position: sticky; top: 0; z-index: 2; background: #f1f5f9; padding: 8px 0; }
#figures .big { font-size: 19px; }
.status { color: var(--muted); font-size: 12px; margin: 0 0 12px; }
@media (max-width: 1100px) { .layout { grid-template-columns: 1fr; } aside { position: static; height: auto; } #figures { grid-template-columns: 1fr 1fr; } }
`

/** JSON safe inside a <script> element: no "</script>" or "<!--" can end or comment it. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, "\\u003c")

export interface WhatIfPageOptions {
  /** the margin target line of the report's margin chart (percent) */
  readonly marginTargetPct?: number
}

/** The whole page for a loaded scenario: its source tree (as written, distributions included) and the bundled engine. */
export const whatIfHtml = async (loaded: LoadedScenario, options: WhatIfPageOptions = {}): Promise<string> => {
  const script = await whatIfBundle()
  const { source } = loaded
  const tree = source.tree as Record<string, unknown>
  // a scenario naming its own sheet gets the sheet's absolute path, so the downloaded file runs from anywhere
  const sheetNamed = typeof tree["sheet"] === "string"
  const data: PageData = {
    source: { ...source, file: basename(source.file), tree: sheetNamed ? { ...tree, sheet: source.sheetFile } : tree },
    downloadName: `${basename(source.file).replace(/\.ya?ml$/i, "")}-whatif.yaml`,
    ...(options.marginTargetPct === undefined ? {} : { marginTargetPct: options.marginTargetPct })
  }
  const title = `What-if: ${loaded.name}`
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${PAGE_CSS}</style>
</head>
<body data-pending="true">
<div class="layout">
<aside aria-label="Inputs">
<h2>${esc(loaded.name)}</h2>
<p class="hint">Move a slider or type an exact value; every figure is recomputed by the scenario engine in this page,
exact to the cent. Now: <span id="changed"></span>.</p>
<div class="buttons"><button type="button" class="primary" id="download">Download scenario</button><button type="button" id="reset">Reset</button></div>
<div id="inputs"></div>
</aside>
<main>
<p class="eyebrow">What-if</p>
<h1>${esc(loaded.name)}</h1>
<p class="status"><span id="timing"></span> · from ${esc(basename(source.file))} · <noscript>this page needs JavaScript · </noscript>works offline</p>
<div id="error" role="alert" hidden></div>
<section class="kpis" id="figures" aria-label="Headline figures"></section>
<div id="report"></div>
</main>
</div>
<script type="application/json" id="whatif-data">${scriptJson(data)}</script>
<script>${script.replace(/<\/script/gi, "<\\/script")}</script>
</body>
</html>
`
}
