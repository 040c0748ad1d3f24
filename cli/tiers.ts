// `econ tiers`: each tier's price, cost lines, cost, margin and margin %, recomputed from the sheet.
import * as Effect from "effect/Effect"
import { Command } from "effect/cli"
import { allTierEconomics, formatMoney, formatPercent, type Limits, type TierEconomics, tierTable } from "../model/index.ts"
import { costLineLabel } from "../scenarios/report/figures.ts"
import { formatTable, jsonFlag, printJson, printLine, sheetFlag, usdCell, useSheet } from "./common.ts"

const limitsJson = (l: Limits) => ({
  cache_requests: l.requests === null ? null : Number(l.requests),
  redis_bytes: l.redisBytes === null ? null : Number(l.redisBytes),
  storage_bytes: l.storageBytes === null ? null : Number(l.storageBytes),
  bandwidth_bytes: l.bandwidthBytes === null ? null : Number(l.bandwidthBytes)
})

export const tierJson = (e: TierEconomics) => ({
  id: e.tier.id,
  name: e.tier.name,
  price: formatMoney(e.price),
  price_is_minimum: e.tier.price_is_minimum ?? false,
  lines: e.lines.map((l) => ({ name: l.name, amount: formatMoney(l.amount) })),
  cost: formatMoney(e.cost),
  margin: formatMoney(e.margin),
  margin_pct: e.marginPct === undefined ? null : formatPercent(e.marginPct),
  limits: limitsJson(e.limits),
  multimodal: e.tier.multimodal,
  jetty_speed: e.tier.jetty_speed
})

export const tiersTable = (all: ReadonlyArray<TierEconomics>): string => {
  const { header, rows } = tierTable(all, { money: usdCell, line: costLineLabel })
  // the last column is the margin in percent: the one percent format of every table ("78.6%", "n/a")
  const cells = rows.map((r) => r.map((c, i) => (i === r.length - 1 && c !== "n/a" ? `${c}%` : c)))
  return formatTable(header, cells, new Set(header.map((_, i) => i).filter((i) => i > 0)))
}

export const tiersCommand = Command.make(
  "tiers",
  { sheet: sheetFlag, json: jsonFlag },
  Effect.fn(function*({ sheet, json }) {
    const s = yield* useSheet(sheet)
    const all = allTierEconomics(s)
    if (json) return yield* printJson(all.map(tierJson))
    yield* printLine(tiersTable(all))
    yield* printLine("\nPer user per month at full allowance; each line rounded half-even to the cent.")
  })
).pipe(Command.withDescription("Tier prices, cost lines, cost, margin and margin % recomputed from the price sheet"))
