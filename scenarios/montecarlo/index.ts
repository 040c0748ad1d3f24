// Public edge of the Monte Carlo toolkit: distributions, seeded streams, samplers, sketches and the worker pool.
export * from "./distribution.ts"
export { Rng, streamFor } from "./prng.ts"
export { betaQuantile, incompleteBeta, inverseNormal, normalCdf, quantileFunction, sampleOnce, type Quantile } from "./sample.ts"
export * from "./correlation.ts"
export { DEFAULT_RELATIVE_ACCURACY, QuantileSketch, ZERO_THRESHOLD, type BucketsJson, type SketchJson } from "./sketch.ts"
export type { CreateSimulation, RunOutcome, Simulation } from "./simulation.ts"
export {
  MonteCarloError, chunkBounds, measure, progressBar, runMonteCarlo, runMonteCarloEffect,
  type Measurement, type MonteCarloOptions, type MonteCarloResult, type PercentileBand
} from "./pool.ts"
