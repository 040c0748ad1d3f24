// The outputs of a projection month, named once: what each is (label, unit) and which parts of the tool use it —
// scenario checks, the Monte Carlo figures of every run, sensitivity and goal seek, and the reports (charts, CSV).
// Plain data with no imports, so the scenario schema, the engine and the report layer can all read it.

export type OutputUnit = "usd" | "pct" | "count"

export interface OutputInfo {
  /** what people read in a chart or table */
  readonly label: string
  readonly unit: OutputUnit
  /** a scenario's `checks:` may test it (`metric:`) */
  readonly checks: boolean
  /** every Monte Carlo run reports it per month (percentiles, fans) */
  readonly monteCarlo: boolean
  /** sensitivity, goal seek and `econ compare` can aim at it (`--output`) */
  readonly seek: boolean
  /** the report layer reads it from summary.json months (charts, CSV, tables) */
  readonly report: boolean
}

/** In this order: the Monte Carlo figures and the check metrics keep the order they are listed in. */
export const OUTPUT_CATALOGUE = {
  users: { label: "Users", unit: "count", checks: true, monteCarlo: true, seek: true, report: true },
  paying_users: { label: "Paying users", unit: "count", checks: true, monteCarlo: true, seek: true, report: false },
  revenue: { label: "Revenue", unit: "usd", checks: true, monteCarlo: true, seek: true, report: true },
  variable_costs: { label: "Variable costs", unit: "usd", checks: true, monteCarlo: true, seek: true, report: true },
  total_costs: { label: "Total costs", unit: "usd", checks: false, monteCarlo: false, seek: false, report: true },
  gross_profit: { label: "Gross profit", unit: "usd", checks: true, monteCarlo: true, seek: true, report: true },
  gross_margin_pct: { label: "Gross margin", unit: "pct", checks: true, monteCarlo: true, seek: true, report: true },
  fixed: { label: "Fixed costs", unit: "usd", checks: false, monteCarlo: false, seek: false, report: true },
  net_profit: { label: "Net profit", unit: "usd", checks: true, monteCarlo: true, seek: true, report: true },
  net_margin_pct: { label: "Net margin", unit: "pct", checks: true, monteCarlo: false, seek: true, report: true },
  cumulative_net_profit: { label: "Cumulative net profit", unit: "usd", checks: true, monteCarlo: true, seek: true, report: true },
  jettythunder_pool: { label: "JettyThunder pool", unit: "usd", checks: false, monteCarlo: true, seek: true, report: true },
  paying_churn_pct: { label: "Paying churn", unit: "pct", checks: true, monteCarlo: false, seek: false, report: false },
  unit_contribution: {
    label: "Contribution per paying user",
    unit: "usd",
    checks: true,
    monteCarlo: false,
    seek: false,
    report: false
  },
  // the plan's "positive unit economics at N users": contribution per paying user > 0, decided by the model's one rule
  // (unitEconomicsVerdict), the same verdict as `econ audit`
  positive_unit_economics: {
    label: "Positive unit economics",
    unit: "usd",
    checks: true,
    monteCarlo: false,
    seek: false,
    report: false
  }
} as const satisfies Record<string, OutputInfo>

type Catalogue = typeof OUTPUT_CATALOGUE
export type OutputName = keyof Catalogue
type Use = "checks" | "monteCarlo" | "seek" | "report"
/** The names of the outputs one part of the tool uses. */
export type OutputsFor<U extends Use> = { [N in OutputName]: Catalogue[N][U] extends true ? N : never }[OutputName]

const namesFor = <U extends Use>(use: U): ReadonlyArray<OutputsFor<U>> =>
  (Object.keys(OUTPUT_CATALOGUE) as Array<OutputName>).filter((n) => OUTPUT_CATALOGUE[n][use]) as Array<OutputsFor<U>>

/** What a scenario check may test. */
export const CHECK_METRICS = namesFor("checks")
/** The figures every Monte Carlo run reports per month, in this order. */
export const MONTE_CARLO_FIGURES = namesFor("monteCarlo")
/** What sensitivity, goal seek and compare can aim at. */
export const SEEK_OUTPUTS = namesFor("seek")
/** What the report layer reads by name (besides `cost.<line>`). */
export const REPORT_FIGURES = namesFor("report")

export const isOutputName = (s: string): s is OutputName => Object.hasOwn(OUTPUT_CATALOGUE, s)

/** The unit of an output by name; `cost.<line>` and unknown names of the report layer are money. */
export const outputUnit = (name: string): OutputUnit => (isOutputName(name) ? OUTPUT_CATALOGUE[name].unit : "usd")

const COST_LINE_LABELS: Readonly<Record<string, string>> = {
  redis: "Redis",
  hot_storage: "Hot storage",
  cold_storage: "Cold storage",
  bandwidth: "Bandwidth",
  workers: "Workers",
  jettythunder_api: "JettyThunder API",
  jettyspeed: "JettySpeed",
  text_cache: "Text cache",
  support: "Support"
}

/** What people call a cost line (the `cost.<line>` outputs): "hot_storage" → "Hot storage". */
export const costLineLabel = (line: string): string =>
  COST_LINE_LABELS[line] ?? line.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase())
