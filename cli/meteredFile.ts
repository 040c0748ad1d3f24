// Metered months from a JSON file instead of the ledger (`econ variance --actual FILE`): what another environment's
// `econ variance --json` printed (its months[].metered), or a plain list of them, so plan against actual also works
// where the enforcer's database cannot be reached.
import { readFileSync } from "node:fs"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { isDecimalText, TIER_IDS, type TierId } from "../model/index.ts"
import type { MeteredMonth } from "../enforcer/db/metered.repository.ts"
import { UsageError } from "./common.ts"

const Whole = Schema.Finite.check(Schema.makeFilter((n: number) => (Number.isSafeInteger(n) && n >= 0) || "Expected a whole number ≥ 0"))
const Metered = Schema.Struct({
  month: Schema.String.check(Schema.isPattern(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'Expected a month "YYYY-MM"' })),
  users: Schema.Struct(Object.fromEntries(TIER_IDS.map((t) => [t, Schema.optionalKey(Whole)])) as { [k in TierId]: Schema.optionalKey<typeof Whole> }),
  revenue: Schema.String.check(Schema.makeFilter((s: string) => isDecimalText(s) || 'Expected a decimal string such as "117.00"')),
  requests: Whole,
  bandwidth_bytes: Whole,
  storage_bytes: Whole,
  redis_bytes: Whole
})
const MeteredFile = Schema.Union([
  Schema.Array(Metered),
  Schema.Struct({ months: Schema.Array(Schema.Struct({ metered: Metered })) })
])
const decode = Schema.decodeUnknownResult(MeteredFile)

export const readMeteredFile = (path: string): Effect.Effect<ReadonlyArray<MeteredMonth>, UsageError> =>
  Effect.gen(function*() {
    const tree = yield* Effect.try({
      try: () => JSON.parse(readFileSync(path, "utf8")) as unknown,
      catch: (e) => new UsageError({ message: `--actual ${path}: ${e instanceof Error ? e.message : String(e)}` })
    })
    const r = decode(tree, { errors: "all" })
    if (Result.isFailure(r)) {
      return yield* new UsageError({
        message: `--actual ${path}: expected \`econ variance --json\` output or a list of { month, users, revenue, requests, ` +
          `bandwidth_bytes, storage_bytes, redis_bytes }: ${r.failure.message.split("\n")[0]}`
      })
    }
    const list = Array.isArray(r.success) ? r.success : (r.success as { months: ReadonlyArray<{ metered: typeof Metered.Type }> }).months.map((m) => m.metered)
    return list.map((m): MeteredMonth => ({
      month: m.month,
      users: m.users,
      revenue: [m.revenue],
      requests: BigInt(m.requests),
      bandwidthBytes: BigInt(m.bandwidth_bytes),
      storageBytes: BigInt(m.storage_bytes),
      redisBytes: BigInt(m.redis_bytes)
    })).sort((a, b) => (a.month < b.month ? -1 : 1))
  })
