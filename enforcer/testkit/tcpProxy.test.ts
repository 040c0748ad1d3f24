// The fault proxy itself: a link healed while chunks are still delayed keeps their order (a later chunk overtaking
// one still delayed would corrupt a protocol stream, and the test would blame the service for it).
import { connect, createServer, type Server } from "node:net"
import { afterEach, expect, it } from "vitest"
import { until } from "./faultBench.ts"
import { startTcpProxy, type TcpProxy } from "./tcpProxy.ts"

let echo: Server | undefined
let proxy: TcpProxy | undefined
afterEach(async () => {
  await proxy?.close()
  await new Promise((r) => (echo === undefined ? r(undefined) : echo.close(r)))
})

it("keeps a link's bytes in order when it is healed with chunks still delayed", async () => {
  echo = createServer((s) => s.pipe(s))
  await new Promise<void>((r) => echo!.listen(0, "127.0.0.1", () => r()))
  proxy = await startTcpProxy("127.0.0.1", (echo.address() as { port: number }).port)
  const client = connect(proxy.port, "127.0.0.1")
  await new Promise((r) => client.once("connect", r))
  let got = ""
  client.on("data", (d) => (got += String(d)))
  const pause = () => new Promise((r) => setTimeout(r, 5))
  proxy.slow(100)
  for (const c of ["a", "b", "c"]) {
    client.write(c)
    await pause()
  }
  // healed while a, b, c are still on their way (100 ms each way): d and e must come after them
  proxy.heal()
  for (const c of ["d", "e"]) {
    client.write(c)
    await pause()
  }
  await until("every byte echoed", async () => got.length === 5, 10_000)
  expect(got).toBe("abcde")
  client.destroy()
})
