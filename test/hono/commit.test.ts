/**
 * edgealchemy/hono: `commit: 'on-success'` (a commit after the handler, only when the request
 * succeeded) and the scoped form (`asyncScopedSession` with an AsyncLocalStorage), on a real hono
 * app over embedded libSQL.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { InvalidRequestError } from '../../core/errors.js'
import {
  type AsyncScopedSession,
  AsyncSession,
  type AsyncSessionmaker,
  asyncScopedSession,
  asyncSessionmaker,
} from '../../core/orm/index.js'
import { type OrmSessionVariables, ormSession } from '../../integrations/hono/index.js'
import { call, gate, Note, openDatabase } from './support.js'

type AppEnv = { Variables: OrmSessionVariables }

let db: Awaited<ReturnType<typeof openDatabase>>
let Session: AsyncSessionmaker

beforeAll(async () => {
  db = await openDatabase('hono_commit')
  Session = asyncSessionmaker(db.engine, { expireOnCommit: false })
})
afterAll(async () => {
  await db?.close()
})
afterEach(() => {
  vi.restoreAllMocks()
})

/** An app that adds a note per request and lets the middleware commit; `?then=` says how the handler ends. */
function noteApp(middleware = ormSession(Session, { commit: 'on-success' })) {
  const app = new Hono<AppEnv>().use(middleware)
  app.onError((err, c) =>
    err instanceof HTTPException ? err.getResponse() : c.json({ error: err.name, message: err.message }, 500),
  )
  app.post('/notes/:title', async (c) => {
    c.get('session').add(new Note({ title: c.req.param('title') }))
    switch (c.req.query('then')) {
      case 'throw':
        throw new Error('boom')
      case 'http-exception':
        throw new HTTPException(409, { message: 'taken' })
      case 'status-422':
        return c.json({ invalid: true }, 422)
      case 'redirect':
        return c.redirect('/notes', 303)
      case 'commit':
        await c.get('session').commit()
        return c.json({ committedByHandler: true })
      default:
        return c.json({ ok: true }, 201)
    }
  })
  return app
}

describe("commit: 'on-success'", () => {
  it('commits what the handler left pending when it returned a response below 400', async () => {
    const app = noteApp()
    expect(await call(app, '/notes/ok1', { method: 'POST' })).toEqual({ status: 201, body: { ok: true } })
    expect((await call(app, '/notes/ok2?then=redirect', { method: 'POST' })).status).toBe(303)
    expect((await call(app, '/notes/ok3?then=commit', { method: 'POST' })).status).toBe(200) // nothing left: no-op
    expect(await db.titles()).toEqual(expect.arrayContaining(['ok1', 'ok2', 'ok3']))
  })

  it('commits nothing when the handler threw, raised an HTTPException or answered >= 400', async () => {
    const commit = vi.spyOn(AsyncSession.prototype, 'commit')
    const app = noteApp()
    expect(await call(app, '/notes/no1?then=throw', { method: 'POST' })).toEqual({
      status: 500,
      body: { error: 'Error', message: 'boom' },
    })
    expect(await call(app, '/notes/no2?then=http-exception', { method: 'POST' })).toEqual({
      status: 409,
      body: 'taken',
    })
    expect((await call(app, '/notes/no3?then=status-422', { method: 'POST' })).status).toBe(422)
    expect(commit).not.toHaveBeenCalled()
    expect((await db.titles()).filter((t) => t.startsWith('no'))).toEqual([])
  })

  it("makes a failing commit the request's error (onError answers), and closes the session", async () => {
    const close = vi.spyOn(AsyncSession.prototype, 'close')
    const app = noteApp()
    expect((await call(app, '/notes/dup', { method: 'POST' })).status).toBe(201)
    const res = await call(app, '/notes/dup', { method: 'POST' }) // unique title: the commit fails
    expect(res).toMatchObject({ status: 500, body: { error: 'IntegrityError' } })
    expect(close).toHaveBeenCalledTimes(2)
    expect((await db.titles()).filter((t) => t === 'dup')).toHaveLength(1)
  })

  it('commits nothing when hono reports an error through c.error, even in a 200 response', async () => {
    const app = new Hono<AppEnv>().use(ormSession(Session, { commit: 'on-success' }))
    app.onError((_err, c) => c.text('sorry', 200)) // a friendly page: the status says nothing
    app.post('/notes/:title', (c) => {
      c.get('session').add(new Note({ title: c.req.param('title') }))
      throw new Error('boom')
    })
    expect(await call(app, '/notes/no4', { method: 'POST' })).toEqual({ status: 200, body: 'sorry' })
    expect(await db.titles()).not.toContain('no4')
  })

  it('commits nothing when the handler returned no response (hono fails the request)', async () => {
    const app = noteApp()
    app.onError((err, c) => c.json({ error: err.message }, 500))
    app.post('/silent/:title', async (c) => {
      c.get('session').add(new Note({ title: c.req.param('title') }))
      return undefined as unknown as Response
    })
    const res = await call(app, '/silent/no5', { method: 'POST' })
    expect(res.status).toBe(500)
    expect(await db.titles()).not.toContain('no5')
  })

  it('does not commit for a route that does not exist (404)', async () => {
    const commit = vi.spyOn(AsyncSession.prototype, 'commit')
    expect((await call(noteApp(), '/nowhere')).status).toBe(404)
    expect(commit).not.toHaveBeenCalled()
  })
})

describe('with asyncScopedSession', () => {
  const storage = new AsyncLocalStorage<object>()
  let scoped: AsyncScopedSession
  beforeAll(() => {
    scoped = asyncScopedSession(Session, { storage })
  })

  /** Code far from the handler (a repository) reaches the request's session through scoped(). */
  const addNote = (title: string) => {
    const note = new Note({ title })
    scoped().add(note)
    return note
  }

  it("runs each request in scoped.run: scoped() is c.get('session'), per request, closed after", async () => {
    const close = vi.spyOn(AsyncSession.prototype, 'close')
    const app = new Hono<AppEnv>().use(ormSession(scoped))
    const seen: AsyncSession[] = []
    const held = gate()
    let arrived = 0
    app.post('/scoped/:title', async (c) => {
      addNote(c.req.param('title'))
      seen.push(c.get('session'))
      if (++arrived === 2) held.open()
      await held.promise
      const same = scoped() === c.get('session')
      const pending = [...c.get('session').new].map((o) => (o as Note).title)
      await scoped().commit()
      return c.json({ same, pending })
    })
    const [a, b] = await Promise.all([
      call(app, '/scoped/s1', { method: 'POST' }),
      call(app, '/scoped/s2', { method: 'POST' }),
    ])
    expect(a.body).toEqual({ same: true, pending: ['s1'] })
    expect(b.body).toEqual({ same: true, pending: ['s2'] })
    expect(seen[0]).not.toBe(seen[1])
    expect(close).toHaveBeenCalledTimes(2) // scoped.run removed and closed each scope's session
    expect(() => scoped()).toThrow(InvalidRequestError) // no scope outside a request
    expect(await db.titles()).toEqual(expect.arrayContaining(['s1', 's2']))
  })

  it("commits on success and rolls back on error with commit: 'on-success'", async () => {
    const app = noteApp(ormSession(scoped, { commit: 'on-success' }))
    expect((await call(app, '/notes/s3', { method: 'POST' })).status).toBe(201)
    expect((await call(app, '/notes/s4?then=throw', { method: 'POST' })).status).toBe(500)
    const titles = await db.titles()
    expect(titles).toContain('s3')
    expect(titles).not.toContain('s4')
  })

  it('can come from a factory (built on the first request, as in a Worker)', async () => {
    const factory = vi.fn(() => asyncScopedSession(Session, { storage }))
    const app = noteApp(ormSession(factory, { commit: 'on-success' }))
    for (const title of ['s5', 's6'])
      expect((await call(app, `/notes/${title}`, { method: 'POST' })).status).toBe(201)
    expect(factory).toHaveBeenCalledTimes(1)
    expect(await db.titles()).toEqual(expect.arrayContaining(['s5', 's6']))
  })

  it('needs the { storage } form: a scope function gives the request an ArgumentError', async () => {
    const app = noteApp(ormSession(asyncScopedSession(Session, { scopefunc: () => 'global' })))
    const res = await call(app, '/notes/s7', { method: 'POST' })
    expect(res).toMatchObject({ status: 500, body: { error: 'ArgumentError' } })
    expect(res.body.message).toMatch(/needs the \{ storage \} form/)
  })
})

describe('the common handler with default settings', () => {
  it('add, commit, answer with the new id: the values written stay readable after commit()', async () => {
    const app = new Hono<AppEnv>().use(ormSession(asyncSessionmaker(db.engine)))
    app.post('/plain/:title', async (c) => {
      const session = c.get('session')
      const note = new Note({ title: c.req.param('title') })
      session.add(note)
      await session.commit()
      return c.json({ id: note.id, title: note.title }, 201)
    })
    const res = await call(app, '/plain/d1', { method: 'POST' })
    expect(res.status).toBe(201)
    expect(res.body.title).toBe('d1')
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(await db.titles()).toContain('d1')
  })
})
