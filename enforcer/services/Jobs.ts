// The periodic jobs, runnable from the CLI, the admin API and the service's own scheduler. Each lives in its own file
// under jobs/; here they are registered by name and each run takes a Redis lock, so two instances (or a CLI run during
// `serve`) never run the same job at once.
import { randomUUID } from "node:crypto"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { JOB_NAMES, type JobName } from "../api/schemas.ts"
import { EnforcerConfig } from "../config/EnforcerConfig.ts"
import type { Contention, DatabaseError, Missing, RedisUnavailable, StorageError, UnknownUser } from "../errors.ts"
import { RedisClient } from "../redis/RedisClient.ts"
import { alertsJob } from "./jobs/alerts.ts"
import { reconcileJob } from "./jobs/reconcile.ts"
import { rolloverJob } from "./jobs/rollover.ts"
import { tieringJob } from "./jobs/tiering.ts"

export { JOB_NAMES, type JobName }

/** Another run of the same job holds its lock. */
export class JobBusy extends Schema.TaggedError<JobBusy>()("JobBusy", { job: Schema.String }) {}

type Failure = RedisUnavailable | DatabaseError | StorageError | Contention | UnknownUser | Missing | JobBusy

export interface JobsShape {
  readonly run: (job: JobName) => Effect.Effect<Record<string, unknown>, Failure>
}

/** A job holds its lock at most this long (a crashed run frees it then). */
const LOCK_MS = 600_000

export class Jobs extends Context.Service<Jobs, JobsShape>()("enforcer/Jobs") {
  static readonly layer = Layer.effect(
    Jobs,
    Effect.gen(function*() {
      const config = yield* EnforcerConfig
      const redis = yield* RedisClient
      const jobs: Record<JobName, Effect.Effect<Record<string, unknown>, Failure>> = {
        rollover: yield* rolloverJob,
        alerts: yield* alertsJob,
        tiering: yield* tieringJob,
        reconcile: yield* reconcileJob
      }

      const withLock = <A, E>(job: JobName, body: Effect.Effect<A, E>) =>
        Effect.gen(function*() {
          const key = `${config.keyPrefix}:lock:job:${job}`
          const token = randomUUID()
          const got = yield* redis.run((r) => r.set(key, token, "PX", LOCK_MS, "NX"))
          if (got !== "OK") return yield* new JobBusy({ job })
          return yield* body.pipe(Effect.ensuring(redis.unlock(key, token).pipe(Effect.ignore)))
        })

      return { run: (job) => withLock(job, jobs[job]) }
    })
  )
}
