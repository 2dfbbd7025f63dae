/**
 * The harness every local server is built on (testing/servers/harness): the request gate counts
 * and faults requests, the HTTP server applies the faults to real sockets and closes with
 * clients still connected.
 */
import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { callWithFault } from '../../testing/servers/harness/fault-effect.js'
import {
  type HttpReply,
  type HttpServer,
  startHttpServer,
} from '../../testing/servers/harness/http-server.js'
import { RequestGate } from '../../testing/servers/harness/request-gate.js'

type Kind = 'network' | 'http-500' | 'drop-after-query' | 'stall' | 'wipe'

const ok = (text: string): HttpReply => ({
  status: 200,
  headers: { 'content-type': 'text/plain' },
  body: text,
})

describe('local server harness', () => {
  let server: HttpServer | undefined
  let ran: string[] = []
  let wiped = 0
  const gate = () =>
    new RequestGate<Kind, HttpReply>({
      effects: {
        network: 'cut',
        'http-500': { refuse: () => ({ status: 500, body: 'injected' }) },
        'drop-after-query': 'drop-reply',
        stall: 'stall',
      },
      now: { wipe: () => wiped++ },
    })
  const start = async (g = gate()) => {
    ran = []
    server = await startHttpServer({
      gate: g,
      uncounted: (req) => (req.url === '/probe' ? ok('probe') : undefined),
      answer: async (_req, body) => {
        ran.push(body.toString('utf8'))
        return ok(`ran ${body.toString('utf8')}`)
      },
      failed: () => ({ status: 500, body: 'failed' }),
    })
    return { server, gate: g, url: `http://127.0.0.1:${server.port}` }
  }
  const post = (url: string, body: string) => fetch(`${url}/`, { method: 'POST', body })

  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it('counts each request once, uncounted paths apart; resetCount starts again', async () => {
    const { gate, url } = await start()
    expect(await (await post(url, 'a')).text()).toBe('ran a')
    expect(await (await fetch(`${url}/probe`)).text()).toBe('probe')
    expect(await (await post(url, 'b')).text()).toBe('ran b')
    expect(gate.count).toBe(2)
    gate.resetCount()
    await post(url, 'c')
    expect(gate.count).toBe(1)
  })

  it('faults the requests after the next `after` ones, `times` of them; faulted requests count', async () => {
    const { gate, url } = await start()
    gate.inject('http-500', 2, 1)
    const statuses: number[] = []
    for (const body of ['a', 'b', 'c', 'd']) statuses.push((await post(url, body)).status)
    expect(statuses).toEqual([200, 500, 500, 200])
    expect(ran).toEqual(['a', 'd']) // a refused request never runs
    expect(gate.count).toBe(4)
  })

  it('cut loses the connection before anything runs; drop-reply runs, then loses it', async () => {
    const { gate, url } = await start()
    gate.inject('network')
    await expect(post(url, 'cut')).rejects.toThrow()
    gate.inject('drop-after-query')
    await expect(post(url, 'dropped')).rejects.toThrow()
    expect(ran).toEqual(['dropped'])
    expect(gate.count).toBe(2)
  })

  it('a kind of the plan`s `now` acts at once and hits no request; an unknown kind is refused', async () => {
    const { gate, url } = await start()
    gate.inject('wipe')
    expect(wiped).toBe(1)
    expect((await post(url, 'a')).status).toBe(200)
    expect(() => gate.inject('nonsense' as Kind)).toThrow(/unknown fault kind/)
  })

  it('closes with a client connected and a request stalled, once (idempotent)', async () => {
    const { gate, url, server: s } = await start()
    // a keep-alive client that sent nothing, and a request the server never answers
    const idle: Socket = connect(s.port, '127.0.0.1')
    await new Promise<void>((resolve) => idle.once('connect', () => resolve()))
    const idleClosed = new Promise<void>((resolve) => idle.once('close', () => resolve()))
    gate.inject('stall')
    const stalled = post(url, 'never')
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(gate.count).toBe(1)
    gate.inject('http-500') // forgotten by close
    const first = s.close()
    expect(s.close()).toBe(first)
    await first
    await idleClosed
    await expect(stalled).rejects.toThrow()
    expect(ran).toEqual([])
    expect(s.server.listening).toBe(false)
  })

  it('a binding call: refuse and cut reject without running, drop-reply runs first, stall never settles', async () => {
    const calls: string[] = []
    const call = (name: string) => () => {
      calls.push(name)
      return Promise.resolve(name)
    }
    const lost = () => new Error('Network connection lost.')
    expect(await callWithFault(undefined, call('plain'), lost)).toBe('plain')
    await expect(callWithFault({ refuse: () => new Error('busy') }, call('refused'), lost)).rejects.toThrow(
      'busy',
    )
    await expect(callWithFault('cut', call('cut'), lost)).rejects.toThrow('Network connection lost.')
    await expect(callWithFault('drop-reply', call('dropped'), lost)).rejects.toThrow(
      'Network connection lost.',
    )
    const stalled = await Promise.race([
      callWithFault('stall', call('stalled'), lost),
      new Promise((resolve) => setTimeout(() => resolve('pending'), 50)),
    ])
    expect(stalled).toBe('pending')
    expect(calls).toEqual(['plain', 'dropped'])
  })
})
