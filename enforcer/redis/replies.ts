// The admission script's reply, decoded by name: the script returns a flat array (Redis has no maps in RESP2), whose
// positions are named once here and checked by a schema, so no caller indexes a reply by number.
import * as Schema from "effect/Schema"
import type { Usage } from "../../model/index.ts"

/** Positions of the admission reply, in the order the script writes them. */
export const ADMIT_FIELDS = [
  "status",
  "tier",
  "ver",
  "cseq",
  "usedRequests",
  "usedRedis",
  "usedStorage",
  "usedBandwidth",
  "heldRequests",
  "heldRedis",
  "heldStorage",
  "heldBandwidth",
  "entryBytes",
  "dimension",
  "value",
  "expiry"
] as const

const Count = Schema.Finite
const Text = Schema.Union([Schema.String, Schema.Finite])

export const AdmitReply = Schema.Struct({
  status: Schema.Literals(["ok", "deny", "unloaded", "tier", "expired", "gone", "dup"]),
  tier: Schema.optional(Schema.String),
  ver: Schema.optional(Text),
  cseq: Schema.optional(Text),
  usedRequests: Schema.optional(Count),
  usedRedis: Schema.optional(Count),
  usedStorage: Schema.optional(Count),
  usedBandwidth: Schema.optional(Count),
  heldRequests: Schema.optional(Count),
  heldRedis: Schema.optional(Count),
  heldStorage: Schema.optional(Count),
  heldBandwidth: Schema.optional(Count),
  entryBytes: Schema.optional(Count),
  dimension: Schema.optional(Schema.String),
  value: Schema.optional(Schema.NullOr(Schema.String)),
  expiry: Schema.optional(Schema.NullOr(Text)),
  /** Reservations nobody renewed (status "expired"): id and its data. */
  expired: Schema.Array(Schema.Tuple([Schema.String, Schema.String]))
})
export type AdmitReply = typeof AdmitReply.Type

const decode = Schema.decodeUnknownSync(AdmitReply)

/** Names the positions of a raw reply; throws (a defect: script and decoder disagree) if it does not fit. */
export const decodeAdmit = (raw: unknown): AdmitReply => {
  if (!Array.isArray(raw)) return decode(raw)
  const named: Record<string, unknown> = {}
  ADMIT_FIELDS.forEach((name, i) => {
    if (i < raw.length) named[name] = raw[i]
  })
  const expired: Array<readonly [string, string]> = []
  for (let i = ADMIT_FIELDS.length; i + 1 < raw.length; i += 2) expired.push([String(raw[i]), String(raw[i + 1])])
  return decode({ ...named, expired })
}

const big = (n: number | undefined) => BigInt(n ?? 0)

export const usedOf = (r: AdmitReply): Usage => ({
  requests: big(r.usedRequests),
  redisBytes: big(r.usedRedis),
  storageBytes: big(r.usedStorage),
  bandwidthBytes: big(r.usedBandwidth)
})

export const heldOf = (r: AdmitReply): Usage => ({
  requests: big(r.heldRequests),
  redisBytes: big(r.heldRedis),
  storageBytes: big(r.heldStorage),
  bandwidthBytes: big(r.heldBandwidth)
})

/** A reservation's data as the scripts keep it: "period|requests|redis|storage|bandwidth|kind|batch". */
export const encodeHeld = (period: string, u: Usage, kind: string, batch = "-") =>
  `${period}|${u.requests}|${u.redisBytes}|${u.storageBytes}|${u.bandwidthBytes}|${kind}|${batch}`

export const decodeHeld = (
  data: string
): { readonly period: string; readonly usage: Usage; readonly kind: string; readonly batch: string } | undefined => {
  const f = data.split("|")
  if (f.length < 6) return undefined
  try {
    return {
      period: f[0]!,
      usage: { requests: BigInt(f[1]!), redisBytes: BigInt(f[2]!), storageBytes: BigInt(f[3]!), bandwidthBytes: BigInt(f[4]!) },
      kind: f[5]!,
      batch: f[6] ?? "-"
    }
  } catch {
    return undefined
  }
}
