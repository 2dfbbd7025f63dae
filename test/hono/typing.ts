/**
 * Compile-time checks of edgealchemy/hono's types (checked by `tsc -p .`, never run): the session
 * variable is typed in later handlers, the factory's context carries the app's bindings, and
 * mistakes are type errors.
 */
import { Hono } from 'hono'
import { type D1DatabaseLike, d1 } from '../../adapters/d1/index.js'
import { createAsyncEngine } from '../../core/index.js'
import { type AsyncSession, asyncScopedSession, asyncSessionmaker } from '../../core/orm/index.js'
import { type OrmSessionVariables, ormSession } from '../../integrations/hono/index.js'

type AppEnv = { Bindings: { DB: D1DatabaseLike }; Variables: OrmSessionVariables }
const Session = asyncSessionmaker(createAsyncEngine(d1({} as D1DatabaseLike)))

// the app's Env given to ormSession types c.env in the factory
export const app = new Hono<AppEnv>()
app.use(ormSession<AppEnv>((c) => asyncSessionmaker(createAsyncEngine(d1(c.env.DB)))))
app.use(ormSession(Session, { commit: 'on-success' }))
app.get('/', (c) => c.json({ pending: c.get('session').new.size }))
// @ts-expect-error: not a binding of AppEnv
ormSession<AppEnv>((c) => c.env.NOPE)

// chained: the middleware's Variables reach the handlers without declaring them on the app
export const chained = new Hono().use(ormSession(Session)).get('/', (c) => {
  const session: AsyncSession = c.get('session')
  return c.text(String(session.inTransaction()))
})
export const named = new Hono().use(ormSession(Session, { key: 'db' })).get('/', (c) => {
  const session: AsyncSession = c.get('db')
  return c.text(String(session.inTransaction()))
})
// @ts-expect-error: the variable is called 'session' unless a key is given
new Hono().use(ormSession(Session)).get('/', (c) => c.text(String(c.get('db'))))

// scoped sessions, and factories that return them
ormSession(asyncScopedSession(Session, { scopefunc: () => 1 }))
ormSession(() => asyncScopedSession(Session, { scopefunc: () => 1 }))

// @ts-expect-error: an engine is not a session source
ormSession(Session.bind)
// @ts-expect-error: an unknown commit mode
ormSession(Session, { commit: 'always' })
