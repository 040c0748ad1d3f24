// The public face of the domain model: import from "agentcache-econ/model" (or this file).
export * from "./units.ts"
export * from "./money.ts"
export * from "./sheet.ts"
export * from "./tiers.ts"
export * from "./quota.ts"
export * from "./tiering.ts"
