// A TCP proxy in front of a real backend (Redis, PostgreSQL, S3) that a test can break in the ways networks break,
// for one service only, without touching the backend other test files use:
// - cut: every open connection is reset (a failover, pg_terminate_backend, a dropped link); new ones work;
// - down/up: connections are refused until `up` (the backend is gone);
// - blackhole: bytes go nowhere and nothing is answered, on open and new connections alike (a dead route: the client
//   only notices through its own deadlines); `heal` resets the connections that lost bytes, as TCP eventually would;
// - slow: every chunk is delayed (a congested link);
// - loseReplies: requests reach the backend, its answers go nowhere (a link that breaks after the request was sent:
//   the backend did the work, the client never hears of it).
import { createServer, type Server, type Socket, connect } from "node:net"

export interface TcpProxy {
  readonly port: number
  readonly cut: () => void
  readonly down: () => Promise<void>
  readonly up: () => Promise<void>
  readonly blackhole: () => void
  readonly slow: (delayMs: number) => void
  readonly loseReplies: () => void
  /** Back to a clean link from blackhole, slow or lost replies (not from down: use `up`). */
  readonly heal: () => void
  /** Connections accepted so far (a test can wait for a client to reconnect). */
  readonly accepted: () => number
  /** Chunks that went nowhere so far (blackholed, or a lost reply): a test can wait for the loss itself. */
  readonly dropped: () => number
  readonly close: () => Promise<void>
}

interface Link {
  readonly client: Socket
  readonly upstream: Socket
  lostBytes: boolean
}

export const startTcpProxy = async (targetHost: string, targetPort: number): Promise<TcpProxy> => {
  const links = new Set<Link>()
  let mode: "open" | "blackhole" | "replies-lost" = "open"
  let delayMs = 0
  let accepted = 0
  let dropped = 0

  const forward = (link: Link, from: Socket, to: Socket, toClient: boolean) => {
    // chunks keep their order under a delay, and after it: each waits for the one before it, so a chunk that arrives
    // once the link is healed never overtakes one still delayed (that would corrupt the protocol stream)
    let queue = Promise.resolve()
    let delayed = 0
    from.on("data", (chunk: Buffer) => {
      if (mode === "blackhole" || (mode === "replies-lost" && toClient)) {
        link.lostBytes = true
        dropped++
        return
      }
      if (delayMs === 0 && delayed === 0) {
        to.write(chunk)
        return
      }
      const wait = delayMs
      delayed++
      queue = queue.then(() => (wait > 0 ? new Promise<void>((r) => setTimeout(r, wait)) : undefined)).then(() => {
        delayed--
        if (!to.destroyed) to.write(chunk)
      })
    })
  }

  const make = (): Server =>
    createServer((client) => {
      accepted++
      const upstream = connect(targetPort, targetHost)
      const link: Link = { client, upstream, lostBytes: false }
      links.add(link)
      forward(link, client, upstream, false)
      forward(link, upstream, client, true)
      const drop = () => {
        client.destroy()
        upstream.destroy()
        links.delete(link)
      }
      client.on("error", drop).on("close", drop)
      upstream.on("error", drop).on("close", drop)
    })

  const resetAll = (which: (l: Link) => boolean) => {
    for (const l of [...links]) {
      if (!which(l)) continue
      l.client.resetAndDestroy()
      l.upstream.destroy()
      links.delete(l)
    }
  }

  let server = make()
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()))
  const port = (server.address() as { port: number }).port
  let listening = true
  const down = async () => {
    if (!listening) return
    listening = false
    await new Promise<void>((r) => {
      server.close(() => r())
      resetAll(() => true)
    })
  }
  return {
    port,
    cut: () => resetAll(() => true),
    down,
    up: async () => {
      if (listening) return
      server = make()
      await new Promise<void>((r, j) => server.once("error", j).listen(port, "127.0.0.1", () => r()))
      listening = true
    },
    blackhole: () => {
      mode = "blackhole"
    },
    slow: (ms) => {
      delayMs = ms
    },
    loseReplies: () => {
      mode = "replies-lost"
    },
    heal: () => {
      mode = "open"
      delayMs = 0
      resetAll((l) => l.lostBytes)
    },
    accepted: () => accepted,
    dropped: () => dropped,
    close: down
  }
}
