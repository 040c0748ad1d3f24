// Booking a finished request: its ledger row (the bill) and its count in Redis (the quota) go together or not at all,
// whatever the client does, so that what a client is told matches what it is charged.
import * as Effect from "effect/Effect"
import type { Kysely } from "kysely"
import type { Usage } from "../../model/index.ts"
import type { DatabaseShape } from "../db/Database.ts"
import { appendLedger } from "../db/ledger.repository.ts"
import type { DB } from "../db/schema.table.ts"
import type { CommitEffect, QuotaStoreShape, Reservation } from "../quota/QuotaStore.ts"
import type { TimeSourceShape } from "../quota/TimeSource.ts"

/**
 * Write the bill, then count it (and apply the cache effect) in Redis, as one step no client can cut in half (a
 * client that leaves mid-way does not interrupt it). If Redis refuses the count, the bill is voided by a correcting
 * row and the caller answers 503: a refused request is never billed. If PostgreSQL refuses the bill, nothing was
 * counted either (the reservation is released). A bill whose COMMIT times out is the one ambiguous case: it counts
 * if it committed (the reservation then expires and settles from the ledger).
 */
export const billOnce = (
  d: { readonly database: DatabaseShape; readonly quota: QuotaStoreShape; readonly time: TimeSourceShape },
  res: Reservation,
  usage: Usage,
  book: (db: Kysely<DB>) => Promise<void>,
  effect?: CommitEffect
) =>
  Effect.uninterruptible(Effect.gen(function*() {
    yield* d.database.use(book)
    yield* d.quota.commit(res, usage, effect).pipe(
      Effect.tapError(() =>
        Effect.flatMap(d.time.now, (now) =>
          d.database.use((db) =>
            appendLedger(db, [{
              userId: res.userId,
              period: res.period,
              occurredAt: new Date(now),
              kind: "void",
              opId: res.id,
              requests: -usage.requests,
              redisBytes: -usage.redisBytes,
              storageBytes: -usage.storageBytes,
              bandwidthBytes: -usage.bandwidthBytes
            }])
          ).pipe(Effect.ignore))
      )
    )
  }))
