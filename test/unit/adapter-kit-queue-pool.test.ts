/**
 * The kit's QueuePool: connections are reused, waiters are served in the order they came, a
 * closed pool refuses new callers and closes what comes back, and failures free their place.
 */
import { describe, expect, it } from 'vitest'
import type { Connector } from '../../adapters/kit/connection-source.js'
import { type PoolSettings, QueuePool } from '../../adapters/kit/queue-pool.js'
import { SocketLimit } from '../../adapters/kit/socket-limit.js'
import { InterfaceError, TimeoutError } from '../../core/index.js'

interface Conn {
  readonly id: number
  closed: boolean
}

/** A connector that counts what it opens and closes; `fail` makes the next open reject. */
function counting() {
  let next = 0
  const opened: Conn[] = []
  const state = { fail: undefined as Error | undefined }
  const connector: Connector<Conn> = {
    async open() {
      if (state.fail !== undefined) {
        const err = state.fail
        state.fail = undefined
        throw err
      }
      const c = { id: ++next, closed: false }
      opened.push(c)
      return c
    },
    async close(c) {
      c.closed = true
    },
    usable: (c) => !c.closed,
  }
  return { connector, opened, state }
}

const settings = (over: Partial<PoolSettings> = {}): PoolSettings => ({
  size: 1,
  maxOverflow: 0,
  timeout: 1_000,
  recycle: -1,
  keepIdle: true,
  name: 'test',
  ...over,
})

const tick = () => new Promise((r) => setTimeout(r, 0))

describe('QueuePool', () => {
  it('reuses a released connection instead of opening another', async () => {
    const { connector, opened } = counting()
    const pool = new QueuePool(connector, settings())
    const a = await pool.acquire()
    await pool.release(a, false)
    const b = await pool.acquire()
    expect(b).toBe(a)
    expect(opened).toHaveLength(1)
  })

  it('closes a connection released as broken and opens a new one next time', async () => {
    const { connector, opened } = counting()
    const pool = new QueuePool(connector, settings())
    const a = await pool.acquire()
    await pool.release(a, true)
    await pool.closeIdle()
    expect(a.closed).toBe(true)
    const b = await pool.acquire()
    expect(b).not.toBe(a)
    expect(opened).toHaveLength(2)
  })

  it('serves waiters in the order they came when the pool is full', async () => {
    const { connector } = counting()
    const pool = new QueuePool(connector, settings())
    const held = await pool.acquire()
    const order: string[] = []
    const first = pool.acquire().then((c) => {
      order.push('first')
      return c
    })
    const second = pool.acquire().then((c) => {
      order.push('second')
      return c
    })
    await tick()
    expect(order).toEqual([])
    await pool.release(held, false)
    const c1 = await first
    expect(order).toEqual(['first'])
    expect(c1).toBe(held)
    await pool.release(c1, false)
    expect(await second).toBe(held)
    expect(order).toEqual(['first', 'second'])
  })

  it('gives up waiting after poolTimeout with a TimeoutError naming the limit', async () => {
    const { connector } = counting()
    const pool = new QueuePool(connector, settings({ timeout: 20 }))
    await pool.acquire()
    const err = await pool.acquire().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TimeoutError)
    expect((err as Error).message).toMatch(/test pool limit of size 1 overflow 0 reached/)
  })

  it('ends a wait when its signal aborts', async () => {
    const { connector } = counting()
    const pool = new QueuePool(connector, settings())
    await pool.acquire()
    const ac = new AbortController()
    const waiting = pool.acquire(ac.signal)
    ac.abort(new Error('caller went away'))
    await expect(waiting).rejects.toThrow('caller went away')
  })

  it('on close refuses waiters and new callers, and closes a checked-out connection when it comes back', async () => {
    const { connector } = counting()
    const pool = new QueuePool(connector, settings())
    const out = await pool.acquire()
    const waiting = pool.acquire()
    await pool.close(false)
    await expect(waiting).rejects.toBeInstanceOf(InterfaceError)
    await expect(pool.acquire()).rejects.toThrow('The test adapter is closed')
    expect(out.closed).toBe(false)
    await pool.release(out, false)
    await pool.closeIdle()
    expect(out.closed).toBe(true)
  })

  it('closes checked-out connections at once when closed with force', async () => {
    const { connector } = counting()
    const pool = new QueuePool(connector, settings())
    const out = await pool.acquire()
    await pool.close(true)
    expect(out.closed).toBe(true)
  })

  it('a failed open frees its place for the next caller', async () => {
    const { connector, state } = counting()
    const pool = new QueuePool(connector, settings())
    state.fail = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })
    await expect(pool.acquire()).rejects.toThrow(/ECONNREFUSED/)
    expect(pool.total).toBe(0)
    const c = await pool.acquire()
    expect(c.id).toBe(1)
  })

  it('replaces a connection older than poolRecycle', async () => {
    const { connector, opened } = counting()
    const pool = new QueuePool(connector, settings({ recycle: 0 }))
    const a = await pool.acquire()
    await pool.release(a, false)
    const b = await pool.acquire()
    expect(b).not.toBe(a)
    expect(opened).toHaveLength(2)
  })

  it('without keepIdle closes each released connection and never hands it to a waiter', async () => {
    const { connector } = counting()
    const limit = new SocketLimit(1, 'test')
    const pool = new QueuePool(connector, settings({ keepIdle: false, maxOverflow: -1 }), limit)
    const a = await pool.acquire()
    const waiting = pool.acquire()
    await pool.release(a, false)
    const b = await waiting
    expect(a.closed).toBe(true)
    expect(b).not.toBe(a)
  })
})
