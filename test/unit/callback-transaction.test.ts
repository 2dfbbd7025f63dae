/**
 * Interactive transactions on an adapter whose driver only offers `transaction(fn)`: the engine
 * holds the callback open until it commits or rolls back. The adapter here runs embedded libSQL
 * (a `file:` database) and exposes no `begin`; each case reads the database through a second
 * client afterwards, so what was committed is what the file holds.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Client, createClient, type InStatement, type InValue } from '@libsql/client'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { libsqlErrorInfo } from '../../adapters/libsql/errors.js'
import { libsqlCapabilities, toRawResult } from '../../adapters/libsql/index.js'
import {
  type Adapter,
  Column,
  createAsyncEngine,
  IntegrityError,
  insert,
  MetaData,
  type Statement,
  select,
  sqlite,
  Table,
  t,
} from '../../core/index.js'

const dir = mkdtempSync(join(tmpdir(), 'ea-callback-tx-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const toStatement = (stmt: Statement): InStatement => ({ sql: stmt.sql, args: stmt.params as InValue[] })

/** An adapter over a libSQL client with `transaction(fn)` and no `begin`, as a Prisma-style driver. */
function callbackOnly(client: Client, log: string[]): Adapter {
  return {
    name: 'callback-libsql',
    capabilities: libsqlCapabilities,
    dialect: sqlite,
    async execute(stmt) {
      return toRawResult(await client.execute(toStatement(stmt)))
    },
    async batch(stmts) {
      return (await client.batch(stmts.map(toStatement), 'write')).map(toRawResult)
    },
    async transaction(fn, options) {
      const tx = await client.transaction(options?.readOnly ? 'read' : 'write')
      log.push('begin')
      try {
        const out = await fn({ execute: async (stmt) => toRawResult(await tx.execute(toStatement(stmt))) })
        await tx.commit()
        log.push('commit')
        return out
      } catch (err) {
        await tx.rollback()
        log.push('rollback')
        throw err
      } finally {
        tx.close()
      }
    },
    errorInfo: (err) => libsqlErrorInfo(err, []),
    async close() {
      client.close()
    },
  }
}

const metadata = new MetaData()
const notes = new Table('notes', metadata, {
  id: new Column(t.Integer, { primaryKey: true }),
  body: new Column(t.Text),
})

let file: string
let log: string[]
let client: Client
let reader: Client

beforeEach(async () => {
  file = `file:${join(dir, `db-${Math.random().toString(36).slice(2)}.db`)}`
  log = []
  client = createClient({ url: file, intMode: 'bigint' })
  reader = createClient({ url: file, intMode: 'number' })
  await reader.execute('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)')
})
afterEach(() => {
  client.close()
  reader.close()
})

/** The rows in the file, read by another client. */
async function stored(): Promise<unknown[]> {
  return (await reader.execute('SELECT id, body FROM notes ORDER BY id')).rows.map((r) => [r[0], r[1]])
}

describe('an adapter with only transaction(fn)', () => {
  it('engine.begin() commits through the callback: the rows are in the file', async () => {
    const engine = createAsyncEngine(callbackOnly(client, log))
    const read = await engine.begin(async (conn) => {
      await conn.execute(insert(notes).values({ id: 1, body: 'kept' }))
      await conn.execute(insert(notes).values({ id: 2, body: 'also kept' }))
      return (await conn.execute(select(notes.c.body).where(notes.c.id.eq(2)))).scalar()
    })
    expect(read).toBe('also kept')
    expect(log).toEqual(['begin', 'commit'])
    expect(await stored()).toEqual([
      [1, 'kept'],
      [2, 'also kept'],
    ])
    await engine.dispose()
  })

  it('a thrown error rolls back: nothing reaches the file and the error is the caller’s', async () => {
    const engine = createAsyncEngine(callbackOnly(client, log))
    const boom = new Error('changed my mind')
    await expect(
      engine.begin(async (conn) => {
        await conn.execute(insert(notes).values({ id: 1, body: 'gone' }))
        throw boom
      }),
    ).rejects.toBe(boom)
    expect(log).toEqual(['begin', 'rollback'])
    expect(await stored()).toEqual([])
    await engine.dispose()
  })

  it('an explicit rollback leaves nothing; a later transaction on the connection commits', async () => {
    const engine = createAsyncEngine(callbackOnly(client, log))
    const conn = await engine.connect()
    const tx = await conn.begin()
    await conn.execute(insert(notes).values({ id: 1, body: 'rolled back' }))
    await tx.rollback()
    expect(await stored()).toEqual([])
    // autobegin: the next statement opens another callback
    await conn.execute(insert(notes).values({ id: 2, body: 'committed' }))
    await conn.commit()
    await conn.close()
    expect(log).toEqual(['begin', 'rollback', 'begin', 'commit'])
    expect(await stored()).toEqual([[2, 'committed']])
    await engine.dispose()
  })

  it('a statement the database refuses is a typed error, and rolling back leaves nothing', async () => {
    const engine = createAsyncEngine(callbackOnly(client, log))
    const err = await engine
      .begin(async (conn) => {
        await conn.execute(insert(notes).values({ id: 1, body: 'first' }))
        await conn.execute(insert(notes).values({ id: 1, body: 'duplicate key' }))
      })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(IntegrityError)
    expect(log).toEqual(['begin', 'rollback'])
    expect(await stored()).toEqual([])
    await engine.dispose()
  })

  it('closing a connection with an open transaction rolls it back', async () => {
    const engine = createAsyncEngine(callbackOnly(client, log))
    const conn = await engine.connect()
    await conn.execute(insert(notes).values({ id: 1, body: 'never committed' }))
    await conn.close()
    expect(log).toEqual(['begin', 'rollback'])
    expect(await stored()).toEqual([])
    await engine.dispose()
  })

  it("a driver that fails before calling back fails the transaction's start", async () => {
    const adapter = callbackOnly(client, log)
    const refusing: Adapter = {
      ...adapter,
      transaction: () =>
        Promise.reject(Object.assign(new Error('SQLITE_BUSY: database is locked'), { code: 'SQLITE_BUSY' })),
    }
    const engine = createAsyncEngine(refusing)
    await expect(engine.begin(async () => undefined)).rejects.toThrow(/database is locked/)
    expect(await stored()).toEqual([])
    await engine.dispose()
  })
})
