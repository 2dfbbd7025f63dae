/**
 * edgealchemy/hono: `idempotencyHeader` with `commit: 'on-success'`: a request retried with the
 * same `Idempotency-Key` writes nothing the second time and says so (`Idempotent-Replayed`), on a
 * real hono app over embedded libSQL, the database read directly.
 */
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ArgumentError, MetaData } from '../../core/index.js'
import { asyncSessionmaker, commitTokenTable } from '../../core/orm/index.js'
import { type OrmSessionVariables, ormSession } from '../../integrations/hono/index.js'
import { Note, openDatabase } from './support.js'

let db: Awaited<ReturnType<typeof openDatabase>>

beforeAll(async () => {
  db = await openDatabase('hono_idempotency')
})
afterAll(async () => {
  await db?.close()
})

describe('ormSession idempotencyHeader', () => {
  it('a retried POST with the same Idempotency-Key is applied once and answered Idempotent-Replayed', async () => {
    const metadata = new MetaData()
    const commitTokens = commitTokenTable(metadata)
    await metadata.createAll(db.engine)
    const Session = asyncSessionmaker(db.engine, { commitTokens })
    const app = new Hono<{ Variables: OrmSessionVariables }>().use(
      ormSession(Session, { commit: 'on-success', idempotencyHeader: 'Idempotency-Key' }),
    )
    let made = 0
    app.post('/notes', async (c) => {
      made++
      c.get('session').add(new Note({ title: `note ${made}` }))
      return c.json({ ok: true }, 201)
    })
    const post = (key?: string) =>
      app.request('/notes', { method: 'POST', headers: key === undefined ? {} : { 'Idempotency-Key': key } })

    const first = await post('k-1')
    expect(first.status).toBe(201)
    expect(first.headers.get('Idempotent-Replayed')).toBeNull()
    const retry = await post('k-1')
    expect(retry.status).toBe(201)
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true')
    expect(await db.titles()).toEqual(['note 1'])
    // another key, and no key, commit as usual
    await post('k-2')
    await post()
    expect(await db.titles()).toEqual(['note 1', 'note 3', 'note 4'])
  })

  it('is refused with a clear error outside on-success mode or without a header name', () => {
    const Session = asyncSessionmaker(db.engine)
    expect(() => ormSession(Session, { idempotencyHeader: 'Idempotency-Key' })).toThrow(ArgumentError)
    expect(() => ormSession(Session, { commit: 'on-success', idempotencyHeader: '' })).toThrow(/header name/)
  })
})
