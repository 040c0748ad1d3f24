// A tiny literate-report runtime: a notebook is a numbered TypeScript file that writes prose, tables and charts into a
// Notebook, which renders one self-contained HTML page (and a Markdown twin) for finance to read.
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { marked } from "marked"

type Block =
  | { readonly kind: "md"; readonly text: string }
  | { readonly kind: "table"; readonly header: ReadonlyArray<string>; readonly rows: ReadonlyArray<ReadonlyArray<string>>; readonly right: ReadonlySet<number> }
  | { readonly kind: "svg"; readonly name: string; readonly svg: string }

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")

// Prose is Markdown (CommonMark + GitHub tables) rendered by `marked`; notebooks write their own text, no user input.
const mdToHtml = (text: string): string => marked.parse(text.trim(), { async: false, gfm: true })

export class Notebook {
  readonly blocks: Array<Block> = []
  readonly title: string
  constructor(title: string) {
    this.title = title
  }
  md(strings: TemplateStringsArray | string, ...values: ReadonlyArray<unknown>): this {
    const text = typeof strings === "string" ? strings : strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ""), "")
    this.blocks.push({ kind: "md", text })
    return this
  }
  table(header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>, right: ReadonlyArray<number> = []): this {
    this.blocks.push({ kind: "table", header, rows, right: new Set(right) })
    return this
  }
  chart(name: string, svg: string): this {
    this.blocks.push({ kind: "svg", name, svg })
    return this
  }

  html(): string {
    const body = this.blocks.map((b) => {
      switch (b.kind) {
        case "md":
          return mdToHtml(b.text)
        case "svg":
          return `<figure>${b.svg}</figure>`
        case "table": {
          const cell = (tag: string, c: string, i: number) => `<${tag}${b.right.has(i) ? ' class="num"' : ""}>${esc(c)}</${tag}>`
          return `<table><thead><tr>${b.header.map((h, i) => cell("th", h, i)).join("")}</tr></thead><tbody>${
            b.rows.map((r) => `<tr>${r.map((c, i) => cell("td", c, i)).join("")}</tr>`).join("")
          }</tbody></table>`
        }
      }
    }).join("\n")
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(this.title)}</title><style>
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;max-width:1000px;margin:2rem auto;padding:0 1rem;color:#1f2328;line-height:1.5}
table{border-collapse:collapse;margin:1rem 0;font-size:13px}th,td{padding:4px 10px;border-bottom:1px solid #d0d7de;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}code{background:#f6f8fa;padding:0 3px}
figure{margin:1.5rem 0}figure svg{max-width:100%;height:auto}nav{font-size:13px;margin-bottom:1rem}a{color:#2563eb}
</style></head><body><nav><a href="../index.html">← All notebooks</a></nav>${body}</body></html>\n`
  }

  markdown(): string {
    return this.blocks.map((b) => {
      switch (b.kind) {
        case "md":
          return b.text.trim()
        case "svg":
          return `![${b.name}](${b.name}.svg)`
        case "table":
          return [
            `| ${b.header.join(" | ")} |`,
            `| ${b.header.map((_, i) => (b.right.has(i) ? "---:" : "---")).join(" | ")} |`,
            ...b.rows.map((r) => `| ${r.join(" | ")} |`)
          ].join("\n")
      }
    }).join("\n\n") + "\n"
  }

  /** Write index.html, index.md and each chart as <name>.svg into `dir`, replacing it whole (never half-written). */
  write(dir: string): void {
    const tmp = `${dir}.tmp-${process.pid}`
    rmSync(tmp, { recursive: true, force: true })
    mkdirSync(tmp, { recursive: true })
    writeFileSync(join(tmp, "index.html"), this.html())
    writeFileSync(join(tmp, "index.md"), this.markdown())
    for (const b of this.blocks) if (b.kind === "svg") writeFileSync(join(tmp, `${b.name}.svg`), b.svg)
    rmSync(dir, { recursive: true, force: true })
    renameSync(tmp, dir)
  }
}

/** A model id inside a phrase ("Starter cost_to_us") as words for readers ("Starter cost to us"). */
export const readable = (text: string): string => text.replace(/([a-z0-9])_(?=[a-z0-9])/gi, "$1 ")
