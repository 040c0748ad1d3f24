// The error a model function raises when handed input it cannot price (negative bytes, a ratio above 1, an empty mix).
// It names the field and the fix, so the CLI and the HTTP layer can pass it on to people as it is.
import * as Schema from "effect/Schema"

export class InvalidInput extends Schema.TaggedError<InvalidInput>()("InvalidInput", {
  field: Schema.String,
  message: Schema.String
}) {}

/** Throw `InvalidInput` unless `value` ≥ 0: pure functions fail fast on data a caller should have validated. */
export const requireNonNegative = (field: string, value: bigint): bigint => {
  if (value < 0n) throw new InvalidInput({ field, message: `${field}: expected a whole number ≥ 0, got ${value}` })
  return value
}
