// The Redis connection on the shared Redis Cluster: a fresh client answers a burst across every node at once. A
// command the client refuses before sending it (its node's connection still being made) is sent once that connection
// is up; only a command sent on a link that then broke fails for good (it may have run: faults.redisCluster).
import { randomBytes } from "node:crypto"
import * as Effect from "effect/Effect"
import { expect, it } from "vitest"
import { REDIS_CLUSTER_NODES } from "../testkit/settings.ts"
import { connectCluster, makeRedisShape } from "./RedisClient.ts"

it("a fresh cluster client answers a burst across every node at once", async () => {
  const client = await Effect.runPromise(connectCluster(REDIS_CLUSTER_NODES))
  try {
    const redis = makeRedisShape(client)
    const tag = randomBytes(4).toString("hex")
    // 60 tenants' hash tags: every node serves some of them
    const replies = await Promise.all(Array.from({ length: 60 }, (_, i) =>
      Effect.runPromise(Effect.result(redis.run((r) => r.get(`econtest_burst_${tag}:{t${i}}:k`))))))
    expect(replies.filter((r) => r._tag === "Failure")).toEqual([])
  } finally {
    client.disconnect()
  }
})
