/**
 * edgealchemy/hono, the default (`commit: 'manual'`) mode: one session per request as
 * `c.get('session')`, closed at the end whatever happened, on a real hono app over embedded libSQL.
 */
import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { ArgumentError } from '../../core/errors.js'
import { AsyncSession, type AsyncSessionmaker, asyncSessionmaker, inspect } from '../../core/orm/index.js'
import { type OrmSessionVariables, ormSession } from '../../integrations/hono/index.js'
import { call, gate, Note, openDatabase } from './support.js'

type AppEnv = { Variables: OrmSessionVariables }

let db: Awaited<ReturnType<typeof openDatabase>>
let Session: AsyncSessionmaker

beforeAll(async () => {
  db = await openDatabase('hono_session')
  Session = asyncSessionmaker(db.engine, { expireOnCommit: false })
})
afterAll(async () => {
  await db?.close()
})
afterEach(() => {
  vi.restoreAllMocks()
})

/** An app whose every session is recorded, with the error handler most apps have. */
function appWith(middleware: MiddlewareHandler = ormSession(Session)) {
  const sessions: AsyncSession[] = []
  const app = new Hono<AppEnv>()
  app.use(middleware)
  app.use(async (c, next) => {
    sessions.push(c.get('session'))
    await next()
  })
  app.onError((err, c) => c.json({ error: err.name, message: err.message }, 500))
  return { app, sessions }
}

describe('a session per request', () => {
  it('gives each request its own AsyncSession and closes it after the response', async () => {
    const close = vi.spyOn(AsyncSession.prototype, 'close')
    const { app, sessions } = appWith()
    const notes: Note[] = []
    app.post('/notes/:title', async (c) => {
      const session = c.get('session')
      const note = new Note({ title: c.req.param('title') })
      session.add(note)
      await session.commit()
      notes.push(note)
      return c.json({ id: note.id }, 201)
    })
    const a = await call(app, '/notes/a1', { method: 'POST' })
    const b = await call(app, '/notes/a2', { method: 'POST' })
    expect([a.status, b.status]).toEqual([201, 201])
    expect(a.body.id).toBe(notes[0]!.id)
    expect(sessions).toHaveLength(2)
    expect(sessions[0]).toBeInstanceOf(AsyncSession)
    expect(sessions[0]).not.toBe(sessions[1])
    expect(close).toHaveBeenCalledTimes(2)
    expect(notes.map((n) => inspect(n).status)).toEqual(['detached', 'detached']) // closed: expunged
    expect(await db.titles()).toEqual(expect.arrayContaining(['a1', 'a2']))
  })

  it('keeps concurrent requests apart: neither sees the other one pending objects', async () => {
    const { app, sessions } = appWith()
    const held = gate()
    let arrived = 0
    app.post('/hold/:title', async (c) => {
      const session = c.get('session')
      const note = new Note({ title: c.req.param('title') })
      session.add(note)
      if (++arrived === 2) held.open()
      await held.promise // both requests are in flight with a pending note each
      const pending = [...session.new].map((o) => (o as Note).title)
      await session.commit()
      return c.json({ pending })
    })
    const [x, y] = await Promise.all([
      call(app, '/hold/b1', { method: 'POST' }),
      call(app, '/hold/b2', { method: 'POST' }),
    ])
    expect(x.body.pending).toEqual(['b1'])
    expect(y.body.pending).toEqual(['b2'])
    expect(sessions[0]).not.toBe(sessions[1])
    expect(await db.titles()).toEqual(expect.arrayContaining(['b1', 'b2']))
  })

  it('rolls back what the handler did not commit (close), even after a flush', async () => {
    const { app, sessions } = appWith()
    app.post('/draft/:title', async (c) => {
      const session = c.get('session')
      session.add(new Note({ title: c.req.param('title') }))
      await session.flush() // the INSERT ran inside the session's open transaction
      return c.json({ inTransaction: session.inTransaction() })
    })
    const res = await call(app, '/draft/c1', { method: 'POST' })
    expect(res).toEqual({ status: 200, body: { inTransaction: true } })
    expect(sessions[0]!.inTransaction()).toBe(false)
    expect(await db.titles()).not.toContain('c1')
  })

  it('closes the session after a handler error, commits nothing, and hono answers with onError', async () => {
    const close = vi.spyOn(AsyncSession.prototype, 'close')
    const { app, sessions } = appWith()
    app.post('/fail/:title', async (c) => {
      const session = c.get('session')
      session.add(new Note({ title: c.req.param('title') }))
      await session.flush()
      throw new Error('boom')
    })
    const res = await call(app, '/fail/d1', { method: 'POST' })
    expect(res).toEqual({ status: 500, body: { error: 'Error', message: 'boom' } })
    expect(close).toHaveBeenCalledTimes(1)
    expect(sessions[0]!.inTransaction()).toBe(false)
    expect(await db.titles()).not.toContain('d1')
  })

  it("surfaces a handler error as hono's default error response when the app has no onError", async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined) // hono logs the error
    const app = new Hono<AppEnv>().use(ormSession(Session))
    app.get('/', () => {
      throw new Error('boom')
    })
    expect(await call(app, '/')).toEqual({ status: 500, body: 'Internal Server Error' })
  })

  it('closes the session when something that is not an Error is thrown (hono rethrows it)', async () => {
    const close = vi.spyOn(AsyncSession.prototype, 'close')
    const { app } = appWith()
    app.post('/odd/:title', async (c) => {
      c.get('session').add(new Note({ title: c.req.param('title') }))
      throw 'not an Error'
    })
    await expect(app.request('/odd/e1', { method: 'POST' })).rejects.toBe('not an Error')
    expect(close).toHaveBeenCalledTimes(1)
    expect(await db.titles()).not.toContain('e1')
  })

  it('keeps what the handler committed before it failed (the handler owns the transaction)', async () => {
    const { app } = appWith()
    app.post('/half/:title', async (c) => {
      const session = c.get('session')
      session.add(new Note({ title: c.req.param('title') }))
      await session.commit()
      session.add(new Note({ title: `${c.req.param('title')}-late` }))
      throw new Error('after the commit')
    })
    expect((await call(app, '/half/f1', { method: 'POST' })).status).toBe(500)
    const titles = await db.titles()
    expect(titles).toContain('f1')
    expect(titles).not.toContain('f1-late')
  })

  it('names the variable with { key }', async () => {
    const app = new Hono<{ Variables: OrmSessionVariables<'db'> }>().use(ormSession(Session, { key: 'db' }))
    app.get('/', (c) =>
      c.json({ db: c.get('db') instanceof AsyncSession, session: c.get('session' as 'db') }),
    )
    expect(await call(app, '/')).toEqual({ status: 200, body: { db: true } })
  })
})

describe('a factory of the context', () => {
  it('is called once, on the first request, and its sessionmaker serves every later request', async () => {
    const factory = vi.fn((c: Context<{ Bindings: { tag: string } }>) => {
      expect(c.env.tag).toBe('first')
      return Session
    })
    const { app, sessions } = appWith(ormSession(factory))
    app.get('/', (c) => c.json({ bind: c.get('session').bind === db.engine }))
    for (const tag of ['first', 'second', 'third']) {
      // a new env object each time, as hono's Node server and Deno.serve pass
      expect(await call(app, '/', undefined, { tag })).toEqual({ status: 200, body: { bind: true } })
    }
    expect(factory).toHaveBeenCalledTimes(1)
    expect(new Set(sessions).size).toBe(3)
  })

  it('is called again after it threw; the failure is the request error', async () => {
    let calls = 0
    const { app } = appWith(
      ormSession(() => {
        if (++calls === 1) throw new Error('no binding yet')
        return Session
      }),
    )
    app.get('/', (c) => c.json({ ok: c.get('session') instanceof AsyncSession }))
    expect(await call(app, '/')).toEqual({
      status: 500,
      body: { error: 'Error', message: 'no binding yet' },
    })
    expect(await call(app, '/')).toEqual({ status: 200, body: { ok: true } })
    expect(await call(app, '/')).toEqual({ status: 200, body: { ok: true } })
    expect(calls).toBe(2)
  })

  it('must return a sessionmaker or a scoped session', async () => {
    const { app } = appWith(ormSession((() => db.engine) as never))
    app.get('/', (c) => c.text('unreachable'))
    const res = await call(app, '/')
    expect(res.status).toBe(500)
    expect(res.body.error).toBe('ArgumentError')
    expect(res.body.message).toMatch(/must return an asyncSessionmaker\(\.\.\.\) or an asyncScopedSession/)
  })
})

describe('arguments', () => {
  it('refuses what is not a source, an unknown commit mode and an empty key', () => {
    expect(() => ormSession(db?.engine as never)).toThrow(ArgumentError)
    expect(() => ormSession(Session, { commit: 'always' as never })).toThrow(/'manual' or 'on-success'/)
    expect(() => ormSession(Session, { key: '' as string })).toThrow(/non-empty string/)
  })
})
