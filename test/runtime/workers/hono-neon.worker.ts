/**
 * A hono Worker over Neon's WebSocket proxy with edgealchemy/hono's `ormSession` and the neon
 * adapter with its DEFAULT pooling (no `scope`, no pool sizes, no `maxConnections`): what a user
 * writes first. Only the driver settings the local proxy needs are given (`ws://`, no pipelined
 * startup). Each sessionmaker (and engine) is made by a factory on its first request.
 * - `/write?name=`: no `adapter.scoped()`; adds a team through the request's session, commits,
 *   reads it back;
 * - `/scoped/write?name=`: the same on a second adapter, each request inside
 *   `adapter.scoped(fn, { waitUntil })` found through an AsyncLocalStorage (`nodejs_als`);
 * - `/stats`: requests seen and factory calls.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { type Context, Hono } from 'hono'
import { type NeonAdapter, type NeonOptions, neon } from '../../../adapters/neon/index.js'
import { createAsyncEngine, select } from '../../../core/index.js'
import { asyncSessionmaker } from '../../../core/orm/index.js'
import { type OrmSessionVariables, ormSession } from '../../../integrations/hono/index.js'
import { Team } from './orm-models.js'
import { describeError } from './tables.js'

type AppEnv = {
  Bindings: {
    readonly DATABASE_URL: string
    /** `127.0.0.1:PORT` of the local proxy. */
    readonly PROXY: string
  }
  Variables: OrmSessionVariables
}

let factoryCalls = 0
let requests = 0
const als = new AsyncLocalStorage()
let scopedAdapter: NeonAdapter | undefined

/** The local proxy's driver settings; nothing about pooling. */
const driver = (env: AppEnv['Bindings']): NeonOptions => ({
  useSecureWebSocket: false,
  pipelineConnect: false,
  wsProxy: (host, port) => `${env.PROXY}/v2?address=${host}:${port}`,
})

const app = new Hono<AppEnv>()
app.use(async (_c, next) => {
  requests++
  await next()
})
app.use(
  '/write',
  ormSession<AppEnv>((c) => {
    factoryCalls++
    const adapter = neon(c.env.DATABASE_URL, driver(c.env))
    return asyncSessionmaker(createAsyncEngine(adapter), { expireOnCommit: false })
  }),
)
app.use('/scoped/*', async (c, next) => {
  scopedAdapter ??= neon(c.env.DATABASE_URL, { ...driver(c.env), asyncLocalStorage: als })
  await scopedAdapter.scoped(() => next(), { waitUntil: (p) => c.executionCtx.waitUntil(p) })
})
app.use(
  '/scoped/*',
  ormSession<AppEnv>(() => {
    factoryCalls++
    return asyncSessionmaker(createAsyncEngine(scopedAdapter!), { expireOnCommit: false })
  }),
)
app.onError((err, c) => c.json({ ok: false, ...describeError(err) }, 500))

/** Adds a team through the request's session, commits, and reads it back. */
async function write(c: Context<AppEnv>) {
  const session = c.get('session')
  const name = c.req.query('name') ?? 'x'
  const team = new Team({ name })
  session.add(team)
  await session.commit()
  const read = (await session.scalars(select(Team).where(Team.c.name.eq(name)))).all()
  return c.json({ ok: true, id: team.id, read: read.map((t) => ({ id: t.id, name: t.name })) })
}
app.get('/write', write)
app.get('/scoped/write', write)

app.get('/stats', (c) => c.json({ factoryCalls, requests }))

export default app
