// The price sheet the enforcer applies: the same file the model and the scenarios read, decoded once at start.
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import type { Sheet } from "../../model/index.ts"
import { loadSheet, type SheetFileError } from "../../io/sheetFile.ts"
import { EnforcerConfig } from "../config/EnforcerConfig.ts"

export class PriceSheet extends Context.Service<PriceSheet, Sheet>()("enforcer/PriceSheet") {
  static readonly layer: Layer.Layer<PriceSheet, SheetFileError, EnforcerConfig> = Layer.effect(
    PriceSheet,
    Effect.gen(function*() {
      const config = yield* EnforcerConfig
      const r = loadSheet(config.sheetPath)
      return Result.isSuccess(r) ? r.success : yield* Effect.fail(r.failure)
    })
  )
}
