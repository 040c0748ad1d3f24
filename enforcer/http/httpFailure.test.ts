// The error mapping is total and typed: every service error has its HTTP answer, and an error it does not know is a
// compile error (checked by `tsc` in `npm test`), not a silent 500.
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import { loadSheet } from "../../io/sheetFile.ts"
import { DEFAULT_SHEET_PATH } from "../../io/sheetFile.ts"
import { Contention, DatabaseError, InvalidRequest, Missing, RedisUnavailable, StorageError, UnknownUser } from "../errors.ts"
import { JobBusy } from "../services/Jobs.ts"
import { guard, type ServiceFailure } from "./httpFailure.ts"

const sheet = (() => {
  const r = loadSheet(DEFAULT_SHEET_PATH)
  if (r._tag !== "Success") throw new Error("sheet")
  return r.success
})()

const answer = async (e: ServiceFailure) => {
  const exit = await Effect.runPromiseExit(guard(sheet)(Effect.fail(e)))
  if (!Exit.isFailure(exit) || exit.cause.reasons[0]?._tag !== "Fail") throw new Error("expected a failure")
  const mapped = exit.cause.reasons[0].error as { _tag: string; error: string }
  return [mapped._tag, mapped.error]
}

describe("httpFailure", () => {
  it("maps each service error to its HTTP error", async () => {
    expect(await answer(new InvalidRequest({ code: "invalid_ttl", field: "ttl", message: "m" }))).toEqual(["BadRequest", "invalid_ttl"])
    expect(await answer(new InvalidRequest({ code: "busy", field: "k", message: "m", status: 409 }))).toEqual(["Conflict", "busy"])
    expect(await answer(new Missing({ what: "asset", id: "x" }))).toEqual(["NotFound", "not_found"])
    expect(await answer(new UnknownUser({ userId: "u" }))).toEqual(["NotFound", "not_found"])
    expect(await answer(new JobBusy({ job: "reconcile" }))).toEqual(["Conflict", "job_running"])
    for (const e of [
      new RedisUnavailable({ message: "m" }),
      new DatabaseError({ message: "m" }),
      new StorageError({ message: "m" }),
      new Contention({ userId: "u", attempts: 1 })
    ]) expect(await answer(e)).toEqual(["ServiceUnavailable", "unavailable"])
  })

  it("refuses, at compile time, an error it has no answer for", () => {
    class Unmapped extends Schema.TaggedError<Unmapped>()("Unmapped", {}) {}
    // @ts-expect-error: Unmapped is not a ServiceFailure, so guard does not take an effect failing with it
    const run = () => guard(sheet)(Effect.fail(new Unmapped()))
    expect(typeof run).toBe("function")
  })
})
