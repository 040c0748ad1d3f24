// `econ transfer`: the plan's internal billing record (AgentCache → JettyThunder) for any usage, every amount recomputed,
// plus the full cost of the user that the plan's record leaves out.
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Command, Flag } from "effect/cli"
import {
  bytesToGb,
  formatMoney,
  formatPercent,
  formatQuantity,
  gbToBytes,
  isTierId,
  type Sheet,
  TIER_IDS,
  type TierId,
  type TransferRecord,
  transferRecord
} from "../model/index.ts"
import { formatTable, jsonFlag, pctCell, printJson, printLine, sheetFlag, usdCell, UsageError, useSheet } from "./common.ts"

/** `--tier` value → a tier id, or a UsageError naming the flag and the choices. */
export const parseTierFlag = (flag: string, text: string): Effect.Effect<TierId, UsageError> => {
  const t = text.trim().toLowerCase()
  return isTierId(t)
    ? Effect.succeed(t)
    : Effect.fail(new UsageError({ message: `--${flag}: unknown tier "${text}"; use one of ${TIER_IDS.join(", ")}` }))
}

/** A GB amount ≥ 0 with at most 9 decimals (1 byte), as exact bytes. */
export const parseGbFlag = (flag: string, text: string): Effect.Effect<bigint, UsageError> => {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim())
  if (!m) return Effect.fail(new UsageError({ message: `--${flag}: expected a number of GB ≥ 0 such as 20 or 2.5, got "${text}"` }))
  if ((m[2] ?? "").length > 9) {
    return Effect.fail(new UsageError({ message: `--${flag}: at most 9 decimals (1 GB = 10^9 bytes), got "${text}"` }))
  }
  return Effect.succeed(gbToBytes(BigDecimal.fromStringUnsafe(text.trim())))
}

/** A whole count ≥ 0 that JSON can carry as a number. */
export const parseCountFlag = (flag: string, text: string): Effect.Effect<bigint, UsageError> =>
  /^\d+$/.test(text.trim()) && BigInt(text.trim()) <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Effect.succeed(BigInt(text.trim()))
    : Effect.fail(new UsageError({ message: `--${flag}: expected a whole number ≥ 0 such as 10000, got "${text}"` }))

const gb = (bytes: bigint) => formatQuantity(bytesToGb(bytes), 9)

export const transferJson = (r: TransferRecord) => ({
  source_platform: r.sourcePlatform,
  ...(r.userId === undefined ? {} : { user_id: r.userId }),
  tier: r.tier,
  jettythunder_allocation: {
    storage_gb: gb(r.allocation.storageBytes),
    bandwidth_gb: gb(r.allocation.bandwidthBytes),
    requests: Number(r.allocation.requests)
  },
  internal_cost: {
    storage: formatMoney(r.internalCost.storage),
    bandwidth: formatMoney(r.internalCost.bandwidth),
    api_calls: formatMoney(r.internalCost.apiCalls),
    total: formatMoney(r.internalCost.total)
  },
  charged_to_user: formatMoney(r.chargedToUser),
  margin: formatMoney(r.margin),
  full_cost: {
    agentcache: {
      redis: formatMoney(r.fullCost.agentcache.redis),
      text_cache: formatMoney(r.fullCost.agentcache.textCache),
      cloudflare: formatMoney(r.fullCost.agentcache.cloudflare),
      jettyspeed: formatMoney(r.fullCost.agentcache.jettyspeed),
      total: formatMoney(r.fullCost.agentcache.total)
    },
    jettythunder: formatMoney(r.fullCost.jettythunder.total),
    total: formatMoney(r.fullCost.total),
    margin: formatMoney(r.fullCost.margin),
    margin_pct: r.fullCost.marginPct === undefined ? null : formatPercent(r.fullCost.marginPct)
  },
  api_pricing: r.apiPricing,
  over_allowance: r.overAllowance
})

export const transferTable = (sheet: Sheet, r: TransferRecord): string => {
  const jt = r.internalCost
  const ac = r.fullCost.agentcache
  const p = sheet.unit_prices
  const rows: Array<Array<string>> = [
    ["storage", "JettyThunder", `${gb(r.allocation.storageBytes)} GB × ${usdCell(p.lyve_per_gb_month)}`, usdCell(jt.storage)],
    ["bandwidth", "JettyThunder", `${gb(r.allocation.bandwidthBytes)} GB × ${usdCell(p.bandwidth_per_gb)}`, usdCell(jt.bandwidth)],
    [
      "api_calls",
      "JettyThunder",
      `${r.allocation.requests} req × ${usdCell(p.jettythunder_api_per_block)}/${p.jettythunder_api_block_requests} (${r.apiPricing})`,
      usdCell(jt.apiCalls)
    ],
    ["internal cost (plan's record)", "JettyThunder", "", usdCell(jt.total)],
    ["redis", "AgentCache", "at allowance", usdCell(ac.redis)],
    ["text_cache", "AgentCache", "at allowance", usdCell(ac.textCache)],
    ["cloudflare workers", "AgentCache", "flat", usdCell(ac.cloudflare)],
    ["jettyspeed", "AgentCache", "flat", usdCell(ac.jettyspeed)],
    ["full cost", "", "", usdCell(r.fullCost.total)],
    ["charged to user", "", "", usdCell(r.chargedToUser)],
    ["margin (plan: price − internal)", "", "", usdCell(r.margin)],
    [
      "margin (price − full cost)",
      "",
      r.fullCost.marginPct === undefined ? "" : pctCell(r.fullCost.marginPct),
      usdCell(r.fullCost.margin)
    ]
  ]
  return formatTable(["line", "side", "basis", "amount"], rows, new Set([3]))
}

export const transferCommand = Command.make(
  "transfer",
  {
    sheet: sheetFlag,
    json: jsonFlag,
    tier: Flag.String("tier").pipe(Flag.withDescription(`Tier of the user: ${TIER_IDS.join(", ")}`)),
    storageGb: Flag.String("storage-gb").pipe(Flag.withDescription("Average GB stored in the month"), Flag.withDefault("0")),
    bandwidthGb: Flag.String("bandwidth-gb").pipe(Flag.withDescription("GB served in the month"), Flag.withDefault("0")),
    requests: Flag.String("requests").pipe(Flag.withDescription("JettyThunder API requests in the month"), Flag.withDefault("0")),
    userId: Flag.String("user-id").pipe(Flag.withDescription("User id to put on the record"), Flag.optional),
    apiPricing: Flag.Literals("api-pricing", ["prorated", "whole-blocks"]).pipe(
      Flag.withDescription("Price partial API blocks pro rata (default) or as whole blocks"),
      Flag.withDefault("prorated")
    )
  },
  Effect.fn(function*(f) {
    const sheet = yield* useSheet(f.sheet)
    const tier = yield* parseTierFlag("tier", f.tier)
    const usage = {
      storageBytes: yield* parseGbFlag("storage-gb", f.storageGb),
      bandwidthBytes: yield* parseGbFlag("bandwidth-gb", f.bandwidthGb),
      requests: yield* parseCountFlag("requests", f.requests)
    }
    const record = transferRecord(sheet, tier, usage, {
      apiPricing: f.apiPricing,
      ...(Option.isSome(f.userId) ? { userId: f.userId.value } : {})
    })
    if (f.json) return yield* printJson(transferJson(record))
    yield* printLine(`Internal billing record: ${tier}${record.userId ? ` (${record.userId})` : ""}, AgentCache → JettyThunder\n`)
    yield* printLine(transferTable(sheet, record))
    if (record.overAllowance.length > 0) {
      yield* printLine(`\nNote: usage exceeds the ${tier} allowance for ${record.overAllowance.join(", ")} (priced all the same).`)
    }
    yield* printLine("\nEach line rounded half-even to the cent; AgentCache lines are the tier's at full allowance.")
  })
).pipe(Command.withDescription("The plan's internal billing record for any usage, recomputed, with the full cost it omits"))
