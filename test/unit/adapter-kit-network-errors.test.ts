/**
 * The kit's network-error classification on errors the drivers really throw: fetch (undici) and
 * node-postgres failing to reach a closed port, a statement PostgreSQL refused, libSQL's client
 * errors with their causes, a WebSocket ErrorEvent, and cause chains that loop.
 */
import { createServer } from 'node:net'
import { createClient } from '@libsql/client'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import {
  causeChain,
  hasNetworkErrorCode,
  isAbortError,
  isNetworkErrorCode,
} from '../../adapters/kit/network-errors.js'
import { isConnectionFailureState, isPgAuthFailure, sqlStateOf } from '../../adapters/kit/pg-errors.js'
import { isTransportError } from '../../adapters/neon/errors.js'

/** A loopback port nothing listens on (taken, then freed). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('network errors', () => {
  it("fetch's failure to connect: TypeError 'fetch failed' whose cause has ECONNREFUSED", async () => {
    const port = await closedPort()
    const err = await fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TypeError)
    expect((err as Error).message).toBe('fetch failed')
    expect(isNetworkErrorCode((err as { code?: unknown }).code)).toBe(false)
    expect(hasNetworkErrorCode(err)).toBe(true)
    expect([...causeChain(err)].map((e) => e.code)).toEqual([undefined, 'ECONNREFUSED'])
  })

  it("node-postgres' failure to connect carries the system code itself", async () => {
    const port = await closedPort()
    const client = new pg.Client({
      host: '127.0.0.1',
      port,
      user: 'postgres',
      connectionTimeoutMillis: 2_000,
    })
    const err = await client.connect().catch((e: unknown) => e)
    expect(hasNetworkErrorCode(err)).toBe(true)
    expect(sqlStateOf(err)).toBeUndefined()
    expect(isTransportError(err)).toBe(true)
  })

  it('a statement PostgreSQL refused is no network error: its SQLSTATE decides', async () => {
    const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' })
    await client.connect()
    try {
      const err = await client.query('SELECT 1 / 0').catch((e: unknown) => e)
      expect(sqlStateOf(err)).toBe('22012')
      expect(hasNetworkErrorCode(err)).toBe(false)
      expect(isTransportError(err)).toBe(false)
      expect(isConnectionFailureState('08006')).toBe(true)
      expect(isConnectionFailureState('57P01')).toBe(true)
      expect(isConnectionFailureState('22012')).toBe(false)
    } finally {
      await client.end()
    }
  })

  it("a wrong password is PostgreSQL's class 28", async () => {
    expect(isPgAuthFailure({ code: '28P01', message: 'password authentication failed for user "app"' })).toBe(
      true,
    )
    expect(
      isPgAuthFailure({ code: undefined, message: 'password authentication failed for user "app"' }),
    ).toBe(true)
    expect(isPgAuthFailure({ code: '42P01', message: 'relation "x" does not exist' })).toBe(false)
  })

  it("libSQL's client over HTTP failing to connect: the code of a cause below it", async () => {
    const port = await closedPort()
    const client = createClient({ url: `http://127.0.0.1:${port}` })
    const err = await client.execute('SELECT 1').catch((e: unknown) => e)
    client.close()
    expect(hasNetworkErrorCode(err)).toBe(true)
    const local = createClient({ url: ':memory:' })
    const refused = await local.execute('SELECT * FROM missing').catch((e: unknown) => e)
    local.close()
    expect((refused as { code?: unknown }).code).toBe('SQLITE_ERROR')
    expect(hasNetworkErrorCode(refused)).toBe(false)
  })

  it("a WebSocket ErrorEvent's error is followed like a cause", () => {
    const event = {
      type: 'error',
      message: '',
      error: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    }
    expect(hasNetworkErrorCode(event)).toBe(true)
  })

  it('a cause chain that loops ends after a few links', () => {
    const a: { message: string; cause?: unknown } = { message: 'a' }
    const b = { message: 'b', cause: a }
    a.cause = b
    expect([...causeChain(a)]).toHaveLength(4)
    expect(hasNetworkErrorCode(a)).toBe(false)
  })

  it("an aborted or timed-out call's error", async () => {
    const aborted = await fetch('http://127.0.0.1:1/', { signal: AbortSignal.abort() }).catch(
      (e: unknown) => e,
    )
    expect(isAbortError(aborted)).toBe(true)
    const timedOut = await new Promise((_, reject) => {
      const s = AbortSignal.timeout(1)
      s.addEventListener('abort', () => reject(s.reason))
    }).catch((e: unknown) => e)
    expect(isAbortError(timedOut)).toBe(true)
    expect(isAbortError(new TypeError('fetch failed'))).toBe(false)
    expect(isAbortError('AbortError')).toBe(false)
  })
})
