/**
 * A hono Worker over D1 with edgealchemy/hono's `ormSession`: a session per request as
 * `c.get('session')`, its sessionmaker (and engine) made by a factory of `c.env.DB` on the first
 * request. Three middlewares, one per route group, each counting its factory calls:
 * - `/m/*`: `commit: 'manual'` (the handler commits), also `/m/setup` (the schema);
 * - `/auto/*`: `commit: 'on-success'` (the middleware commits unless the handler failed);
 * - `/scoped/*`: an `asyncScopedSession` over an AsyncLocalStorage (`nodejs_als`), so `scoped()`
 *   in code away from the handler is the request's session.
 * `?fail` makes a writing handler throw after adding its objects. Reads: `/m/teams?name=`.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { type Context, Hono } from 'hono'
import type { D1DatabaseLike } from '../../../adapters/d1/index.js'
import { d1 } from '../../../adapters/d1/index.js'
import { createAsyncEngine, select } from '../../../core/index.js'
import {
  type AsyncScopedSession,
  type AsyncSession,
  asyncScopedSession,
  asyncSessionmaker,
  selectinload,
} from '../../../core/orm/index.js'
import { type OrmSessionVariables, ormSession } from '../../../integrations/hono/index.js'
import { Member, Team } from './orm-models.js'
import { describeError, metadata } from './tables.js'

type AppEnv = { Bindings: { readonly DB: D1DatabaseLike }; Variables: OrmSessionVariables }

const factoryCalls = { manual: 0, auto: 0, scoped: 0 }
const sessions = new Set<AsyncSession>()
let requests = 0

const sessionmaker = (c: Context<AppEnv>) =>
  asyncSessionmaker(createAsyncEngine(d1(c.env.DB)), { expireOnCommit: false })

const storage = new AsyncLocalStorage<object>()
let scoped: AsyncScopedSession | undefined

const app = new Hono<AppEnv>()
app.use(async (_c, next) => {
  requests++
  await next()
})
app.use(
  '/m/*',
  ormSession<AppEnv>((c) => {
    factoryCalls.manual++
    return sessionmaker(c)
  }),
)
app.use(
  '/auto/*',
  ormSession<AppEnv>(
    (c) => {
      factoryCalls.auto++
      return sessionmaker(c)
    },
    { commit: 'on-success' },
  ),
)
app.use(
  '/scoped/*',
  ormSession<AppEnv>((c) => {
    factoryCalls.scoped++
    scoped = asyncScopedSession(sessionmaker(c), { storage })
    return scoped
  }),
)
app.use(async (c, next) => {
  const session = c.get('session') as AsyncSession | undefined // none on /stats
  if (session !== undefined) sessions.add(session)
  await next()
})
app.onError((err, c) => c.json({ ok: false, ...describeError(err) }, 500))

/** A team with two members, added to `session`; throws afterwards when the request says `?fail`. */
function addTeam(session: AsyncSession, c: Context<AppEnv>): Team {
  const name = c.req.query('name') ?? 'x'
  const team = new Team({ name })
  team.members.push(new Member({ name: `${name}-1` }), new Member({ name: `${name}-2` }))
  session.add(team)
  if (c.req.query('fail') !== undefined) throw new Error(`failed after adding ${name}`)
  return team
}

app.get('/m/setup', async (c) => {
  await metadata.createAll(c.get('session').bind) // the schema through the Worker's own engine
  return c.json({ ok: true })
})

app.get('/m/write', async (c) => {
  const session = c.get('session')
  const team = addTeam(session, c)
  await session.commit() // one D1 batch() call
  return c.json({ ok: true, id: team.id, commitRequests: session.lastFlush.requests })
})

app.get('/auto/write', (c) => {
  addTeam(c.get('session'), c) // committed (and keyed) by the middleware after the response is made
  return c.json({ ok: true }, 201)
})

app.get('/scoped/write', async (c) => {
  const team = addTeam(scoped!(), c) // scoped() is the request's session, c.get('session') too
  await c.get('session').commit()
  return c.json({ ok: true, id: team.id, same: scoped!() === c.get('session') })
})

app.get('/m/teams', async (c) => {
  const session = c.get('session')
  const teams = (
    await session.scalars(
      select(Team)
        .where(Team.c.name.eq(c.req.query('name') ?? 'x'))
        .options(selectinload(Team.members)),
    )
  ).all()
  return c.json({
    teams: teams.map((t) => ({
      id: t.id,
      name: t.name,
      members: t.members.map((m) => m.name).sort(),
      backRef: t.members.every((m) => m.team === t),
    })),
  })
})

app.get('/stats', (c) => c.json({ factoryCalls, sessions: sessions.size, requests }))

export default app
