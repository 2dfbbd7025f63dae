/**
 * The HTTP side every HTTP local server shares (Hrana, Neon HTTP, PlanetScale): listen on
 * loopback, count each request and apply its injected fault, read the body, write the server's
 * answer (or lose it), and close with every open connection. A server only says which requests
 * are not counted and how it answers the others.
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { closeOnce } from './close-once.js'
import { closeServer, listenOnLoopback } from './loopback-server.js'
import type { RequestGate } from './request-gate.js'

/** One HTTP answer; `content-length` is added when there is a body. */
export interface HttpReply {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly body?: string | undefined
}

/** Options of {@link startHttpServer}. */
export interface HttpServerOptions<Kind extends string> {
  /** Port on 127.0.0.1; a free one when omitted. */
  readonly port?: number | undefined
  /** Counts the requests and holds their faults; a fault's `refuse` answers with an {@link HttpReply}. */
  readonly gate: RequestGate<Kind, HttpReply>
  /** The answer to a request that is neither counted nor faulted (a probe, a CORS preflight); `undefined`: counted. */
  uncounted?(req: IncomingMessage): HttpReply | undefined
  /** The answer to a counted request, given its whole body. */
  answer(req: IncomingMessage, body: Buffer): Promise<HttpReply>
  /** The answer when `answer` throws. */
  failed(err: unknown): HttpReply
  /** Run on close, before the listening socket closes (end sessions, streams). */
  beforeClose?(): void
  /** Run on close, once every connection has closed (end database pools, remove files). */
  afterClose?(): Promise<unknown>
}

/** A running HTTP server of the harness. */
export interface HttpServer {
  readonly port: number
  readonly server: Server
  /** Forgets pending faults and closes (idempotent): open connections are destroyed. */
  close(): Promise<void>
}

function write(res: ServerResponse, reply: HttpReply): void {
  const headers = { ...reply.headers }
  if (reply.body !== undefined) headers['content-length'] = String(Buffer.byteLength(reply.body))
  res.writeHead(reply.status, headers)
  res.end(reply.body)
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** Starts an HTTP server on 127.0.0.1 that counts, faults and answers requests as `options` say. */
export async function startHttpServer<Kind extends string>(
  options: HttpServerOptions<Kind>,
): Promise<HttpServer> {
  const { gate } = options
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const free = options.uncounted?.(req)
    if (free !== undefined) {
      req.resume()
      return write(res, free)
    }
    const effect = gate.arrive()
    if (effect === 'cut') {
      req.socket.destroy()
      return
    }
    const body = await readBody(req)
    if (effect === 'stall') return
    if (typeof effect === 'object') return write(res, effect.refuse())
    let reply: HttpReply
    try {
      reply = await options.answer(req, body)
    } catch (err) {
      reply = options.failed(err)
    }
    // the request ran; with `drop-reply` its answer is lost with the connection
    if (effect === 'drop-reply') req.socket.destroy()
    else write(res, reply)
  }
  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy())
  })
  const port = await listenOnLoopback(server, options.port)
  return {
    port,
    server,
    close: closeOnce(async () => {
      gate.clear()
      options.beforeClose?.()
      await closeServer(server)
      await options.afterClose?.()
    }),
  }
}
