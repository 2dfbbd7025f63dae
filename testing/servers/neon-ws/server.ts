/**
 * A WebSocket proxy like Neon's in front of a real PostgreSQL: WebSocket connections at
 * `/v2?address=host:port` carry raw PostgreSQL wire bytes in binary frames, piped to and from
 * a TCP socket to the database. Counts connections, reports open sockets, injects faults.
 * Node only.
 * @module
 */
import { createServer, type IncomingMessage } from 'node:http'
import { connect, type Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { type RawData, type WebSocket, WebSocketServer } from 'ws'
import { closeOnce } from '../harness/close-once.js'
import { closeServer, listenOnLoopback } from '../harness/loopback-server.js'
import { RequestGate } from '../harness/request-gate.js'

/** Options of {@link startNeonWsProxy}. */
export interface NeonWsProxyOptions {
  /** PostgreSQL host every requested address is mapped to (default `127.0.0.1`). */
  readonly pgHost?: string
  /** PostgreSQL port every requested address is mapped to (default `5432`). */
  readonly pgPort?: number
  /** Port on 127.0.0.1; a free one when omitted. */
  readonly port?: number
}

/**
 * A fault:
 * - `drop-next-message`: the next client message on an established connection (one that has
 *   finished its startup, so a query) is not forwarded; that connection's WebSocket and TCP
 *   socket are destroyed without a close frame (a network drop mid-stream);
 * - `drop-next-reply`: the next client message on an established connection is forwarded (a
 *   COMMIT commits), then the connection is destroyed when the database answers, unanswered;
 * - `stall-next-message`: the next client message is swallowed and the connection left open:
 *   its reply never comes (for timeouts);
 * - `drop-all`: every open connection is destroyed now;
 * - `refuse-next`: the next WebSocket upgrade is answered with HTTP 502.
 */
export type NeonWsFault =
  | 'drop-next-message'
  | 'drop-next-reply'
  | 'stall-next-message'
  | 'drop-all'
  | 'refuse-next'

/** A running proxy. */
export interface NeonWsProxy {
  readonly host: string
  readonly port: number
  /** WebSocket connections opened since start (or the last {@link resetCount}). */
  readonly connections: number
  /**
   * Client messages on established connections (after startup): with the driver's coalesced
   * writes, one per statement sent, so the round trips.
   */
  readonly messages: number
  /** WebSocket connections open now. */
  openSockets(): number
  resetCount(): void
  /** Applies `kind`; the per-message kinds act on the message `after` messages from now (default 0). */
  injectFault(kind: NeonWsFault, after?: number): void
  /** The driver's `wsProxy` setting for this proxy: `(host, port) => '127.0.0.1:PORT/v2?address=host:port'`. */
  wsProxy(host: string, port: number | string): string
  close(): Promise<void>
}

interface Link {
  readonly ws: WebSocket
  readonly tcp: Socket
  /** The backend has sent ReadyForQuery at least once: startup is over. */
  ready: boolean
  dead: boolean
  /** Destroy the connection when the database next answers (`drop-next-reply`). */
  dropOnReply: boolean
}

const readyForQuery = 0x5a // 'Z'

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data
  if (Array.isArray(data)) return Buffer.concat(data)
  return Buffer.from(data as ArrayBuffer)
}

/** Starts the proxy on a free loopback port. */
export async function startNeonWsProxy(options: NeonWsProxyOptions = {}): Promise<NeonWsProxy> {
  const pgHost = options.pgHost ?? '127.0.0.1'
  const pgPort = options.pgPort ?? 5432
  const links = new Set<Link>()

  const kill = (link: Link): void => {
    if (link.dead) return
    link.dead = true
    links.delete(link)
    link.tcp.destroy()
    link.ws.terminate()
  }

  /** WebSocket upgrades: counted once accepted; `refuse-next` answers one with an HTTP status. */
  const upgrades = new RequestGate<NeonWsFault, { status: number; text: string }>({
    effects: { 'refuse-next': { refuse: () => ({ status: 502, text: 'Bad Gateway' }) } },
  })
  /** Client messages on established connections (round trips); faulted ones that never reach the database are not counted. */
  const messages = new RequestGate<NeonWsFault, never>({
    effects: { 'drop-next-message': 'cut', 'drop-next-reply': 'drop-reply', 'stall-next-message': 'stall' },
    now: {
      'drop-all': () => {
        for (const link of [...links]) kill(link)
      },
    },
  })

  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
  const http = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' })
    res.end('WebSocket upgrade required')
  })

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://proxy')
    const address = url.searchParams.get('address')
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`)
    }
    if (url.pathname !== '/v2' || address === null || !/^[^:]+:\d+$/.test(address))
      return reject(400, 'Bad Request')
    const refused = upgrades.take()
    if (typeof refused === 'object') {
      const { status, text } = refused.refuse()
      return reject(status, text)
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      upgrades.countOne()
      const tcp = connect({ host: pgHost, port: pgPort })
      tcp.setNoDelay(true)
      const link: Link = { ws, tcp, ready: false, dead: false, dropOnReply: false }
      links.add(link)
      const pending: Buffer[] = []
      let open = false
      tcp.on('connect', () => {
        open = true
        for (const b of pending) tcp.write(b)
        pending.length = 0
      })
      tcp.on('data', (chunk: Buffer) => {
        // a ReadyForQuery message ends in 'Z' 0 0 0 5 status; startup is over once one is seen
        if (!link.ready && chunk.includes(Buffer.from([readyForQuery, 0, 0, 0, 5]))) link.ready = true
        if (link.dropOnReply) return kill(link)
        if (ws.readyState === ws.OPEN) ws.send(chunk, { binary: true })
      })
      tcp.on('error', () => kill(link))
      tcp.on('close', () => {
        if (link.dead) return
        link.dead = true
        links.delete(link)
        if (ws.readyState === ws.OPEN) ws.close(1000)
      })
      ws.on('message', (data: RawData) => {
        if (link.dead) return
        if (link.ready) {
          const effect = messages.take()
          if (effect === 'cut') return kill(link)
          if (effect === 'stall') return
          if (effect === 'drop-reply') link.dropOnReply = true
          messages.countOne()
        }
        const buf = toBuffer(data)
        if (open) tcp.write(buf)
        else pending.push(buf)
      })
      ws.on('error', () => kill(link))
      ws.on('close', () => {
        if (link.dead) return
        link.dead = true
        links.delete(link)
        tcp.end()
      })
    })
  })

  const port = await listenOnLoopback(http, options.port)
  const host = '127.0.0.1'

  return {
    host,
    port,
    get connections() {
      return upgrades.count
    },
    get messages() {
      return messages.count
    },
    openSockets: () => links.size,
    resetCount() {
      upgrades.resetCount()
      messages.resetCount()
    },
    injectFault(kind: NeonWsFault, after = 0) {
      const gate = kind === 'refuse-next' ? upgrades : messages
      // one fault at a time: a new one replaces the pending one (`drop-all` acts at once)
      if (kind !== 'drop-all') gate.clear()
      gate.inject(kind, 1, after)
    },
    wsProxy: (h: string, p: number | string) => `${host}:${port}/v2?address=${h}:${p}`,
    close: closeOnce(async () => {
      upgrades.clear()
      messages.clear()
      for (const link of [...links]) kill(link)
      wss.close()
      await closeServer(http)
    }),
  }
}
