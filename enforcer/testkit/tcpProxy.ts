// A TCP proxy in front of the real Redis that a test can cut and restore: Redis "going away" for one service only,
// without stopping the Redis other test files use.
import { createServer, type Server, type Socket, connect } from "node:net"

export interface TcpProxy {
  readonly port: number
  readonly down: () => Promise<void>
  readonly up: () => Promise<void>
  readonly close: () => Promise<void>
}

export const startTcpProxy = async (targetHost: string, targetPort: number): Promise<TcpProxy> => {
  const sockets = new Set<Socket>()
  const make = (): Server =>
    createServer((client) => {
      const upstream = connect(targetPort, targetHost)
      sockets.add(client)
      sockets.add(upstream)
      client.pipe(upstream)
      upstream.pipe(client)
      const drop = () => {
        client.destroy()
        upstream.destroy()
        sockets.delete(client)
        sockets.delete(upstream)
      }
      client.on("error", drop).on("close", drop)
      upstream.on("error", drop).on("close", drop)
    })
  let server = make()
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()))
  const port = (server.address() as { port: number }).port
  const down = async () => {
    await new Promise<void>((r) => {
      server.close(() => r())
      for (const s of sockets) s.destroy()
      sockets.clear()
    })
  }
  return {
    port,
    down,
    up: async () => {
      server = make()
      await new Promise<void>((r, j) => server.once("error", j).listen(port, "127.0.0.1", () => r()))
    },
    close: down
  }
}
