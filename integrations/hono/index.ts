/**
 * `edgealchemy/hono`: one ORM session per request for [hono](https://hono.dev) apps, as
 * `c.get('session')`, closed when the request ends (closing rolls back what was not committed).
 * hono is only a type here (an optional peer dependency): this module imports nothing from it at
 * run time, and nothing from `node:`, so it bundles into any Worker or edge function.
 *
 * ```ts
 * import { Hono } from 'hono'
 * import { createAsyncEngine } from 'edgealchemy'
 * import { d1 } from 'edgealchemy/d1'
 * import { asyncSessionmaker } from 'edgealchemy/orm'
 * import { ormSession, type OrmSessionVariables } from 'edgealchemy/hono'
 *
 * type AppEnv = { Bindings: { DB: D1Database }; Variables: OrmSessionVariables }
 * const app = new Hono<AppEnv>()
 * // the factory runs once, on the first request (the D1 binding comes with it)
 * app.use(ormSession<AppEnv>((c) => asyncSessionmaker(createAsyncEngine(d1(c.env.DB)))))
 * app.post('/users', async (c) => {
 *   const session = c.get('session')
 *   const user = new User({ name: (await c.req.json()).name })
 *   session.add(user)
 *   await session.commit()
 *   return c.json({ id: user.id })
 * })
 * export default app
 * ```
 * @module edgealchemy/hono
 */
import type { Context, Env, MiddlewareHandler } from 'hono'
import { ArgumentError } from '../../core/errors.js'
import type { AsyncScopedSession, AsyncSession, AsyncSessionmaker } from '../../core/orm/index.js'

/**
 * The context variables {@link ormSession} sets: `{ session: AsyncSession }`, or another name
 * given as `key`. Put them in the app's `Variables` so `c.get('session')` is typed.
 *
 * ```ts
 * const app = new Hono<{ Variables: OrmSessionVariables }>()             // c.get('session')
 * const other = new Hono<{ Variables: OrmSessionVariables<'db'> }>()     // c.get('db'), with { key: 'db' }
 * ```
 */
export type OrmSessionVariables<K extends string = 'session'> = { [P in K]: AsyncSession }

/** Where the sessions come from: a sessionmaker (a session per request) or a scoped session registry. */
export type SessionSource = AsyncSessionmaker | AsyncScopedSession

/**
 * Options of {@link ormSession}.
 *
 * ```ts
 * ormSession(Session, { key: 'db', commit: 'on-success' })
 * ```
 */
export interface OrmSessionOptions<K extends string = 'session'> {
  /** The context variable that holds the session: `c.get(key)`. Default `'session'`. */
  readonly key?: K
  /**
   * `'manual'` (the default, as in SQLAlchemy): the handler calls `session.commit()`; whatever it
   * did not commit is rolled back when the session closes.
   * `'on-success'`: after the handler, the middleware commits when the request succeeded: nothing
   * was thrown, `c.error` is unset, the handler produced a response and its status is below 400
   * (pyramid_tm's rule: a 4xx or 5xx answer commits nothing). A failing commit becomes the
   * request's error (hono's `onError` answers it). Nothing is committed otherwise. The commit
   * comes after the response is made, so the response cannot show what the commit assigns
   * (keys from column defaults, server values): commit in the handler when it must.
   */
  readonly commit?: 'manual' | 'on-success'
  /**
   * With `commit: 'on-success'`: the request header whose value is the commit's idempotency key
   * (`session.commit({ idempotencyKey })`), e.g. `'Idempotency-Key'`. A retried request with a key
   * that already committed writes nothing, and its response gets `Idempotent-Replayed: true`.
   * The sessions need `commitTokens` (see `commitTokenTable`). Requests without the header commit
   * as usual. In `'manual'` mode, pass the header to `commit()` yourself.
   */
  readonly idempotencyHeader?: string
}

/** A function of the request's context that gives the {@link SessionSource}; called once, see {@link ormSession}. */
export type SessionSourceFactory<E extends Env = any> = (c: Context<E>) => SessionSource

/**
 * The hono `Env` of the middleware {@link ormSession} returns: the app's `E` (when given) with the
 * session variable added, so `app.use(ormSession(...))` types `c.get('session')` in later handlers.
 */
export type OrmSessionEnv<E extends Env = any, K extends string = 'session'> = 0 extends 1 & E
  ? { Variables: OrmSessionVariables<K> }
  : E & { Variables: OrmSessionVariables<K> }

/**
 * hono middleware that gives each request its own {@link AsyncSession} as `c.get('session')` and
 * closes it when the request ends, whatever happened (closing rolls back what was not
 * committed). Concurrent requests never share a session.
 *
 * `source` is one of:
 * - an `asyncSessionmaker(engine, options)`: each request gets `Session()`;
 * - an `asyncScopedSession(Session, { storage })`: each request runs in `scoped.run(...)`, so
 *   `scoped()` anywhere in the request (services, repositories) is the same session as
 *   `c.get('session')`, and `scoped.run` closes it. It needs the `{ storage }` form (an
 *   `AsyncLocalStorage`; in workerd the `nodejs_als` or `nodejs_compat` flag);
 * - a factory `(c) => sessionmaker or scoped session`, for engines that need the request's
 *   bindings (`c.env.DB`). It is called **once**, on the first request, and its result serves
 *   every later request of this middleware (one engine per isolate): bindings and environment
 *   variables do not change during an isolate's life, so read only those from `c`, nothing
 *   that varies per request. (The result is not cached by the identity of `c.env`: workerd
 *   passes the same `env` to every request, but hono's Node server and `Deno.serve` pass a new
 *   object per request, which would build an engine per request. For several databases, make
 *   one middleware per database.) A factory that throws is called again on the next request.
 *
 * The session is closed before the response leaves the middleware: a response that streams
 * from the session after the handler returned would find it closed, so read what it needs first.
 *
 * ```ts
 * const Session = asyncSessionmaker(engine)
 * const app = new Hono<{ Variables: OrmSessionVariables }>()
 * app.use(ormSession(Session, { commit: 'on-success' }))
 * app.post('/visits', async (c) => {
 *   c.get('session').add(new Visit({ path: c.req.path }))    // committed after the handler
 *   return c.json({ ok: true }, 201)
 * })
 * ```
 */
export function ormSession<E extends Env = any, K extends string = 'session'>(
  factory: SessionSourceFactory<E>,
  options?: OrmSessionOptions<K>,
): MiddlewareHandler<OrmSessionEnv<E, K>>
/** {@link ormSession} with a sessionmaker or a scoped session made beforehand (e.g. at module scope). */
export function ormSession<E extends Env = any, K extends string = 'session'>(
  source: SessionSource,
  options?: OrmSessionOptions<K>,
): MiddlewareHandler<OrmSessionEnv<E, K>>
export function ormSession(
  source: SessionSource | SessionSourceFactory,
  options: OrmSessionOptions<string> = {},
): MiddlewareHandler {
  const key: string = options.key ?? 'session'
  if (typeof key !== 'string' || key === '')
    throw new ArgumentError('ormSession: key must be a non-empty string')
  const commit = options.commit ?? 'manual'
  if (commit !== 'manual' && commit !== 'on-success')
    throw new ArgumentError(`ormSession: commit must be 'manual' or 'on-success', not ${String(commit)}`)
  if (typeof source !== 'function')
    throw new ArgumentError(
      'ormSession takes an asyncSessionmaker(...), an asyncScopedSession(...) or a function of the context that returns one',
    )
  let resolved: SessionSource | undefined = isSource(source) ? source : undefined

  const header = options.idempotencyHeader
  if (header !== undefined && (typeof header !== 'string' || header === ''))
    throw new ArgumentError('ormSession: idempotencyHeader must be a header name')
  if (header !== undefined && commit !== 'on-success')
    throw new ArgumentError(
      "ormSession: idempotencyHeader applies to commit: 'on-success'; in 'manual' mode pass the header to session.commit({ idempotencyKey })",
    )

  /** Sets the variable, runs the rest of the chain, commits if asked and the request succeeded. */
  const serve = async (c: Context, session: AsyncSession, next: () => Promise<void>): Promise<void> => {
    c.set(key as never, session as never)
    await next()
    // hono catches a handler's Error, sets c.error and answers with onError: next() resolves
    if (commit !== 'on-success' || c.error !== undefined || !c.finalized || c.res.status >= 400) return
    const idempotencyKey = header === undefined ? undefined : c.req.header(header)
    if (idempotencyKey === undefined || idempotencyKey === '') {
      await session.commit()
      return
    }
    const { replayed } = await session.commit({ idempotencyKey })
    if (replayed) markReplayed(c)
  }

  return async (c, next) => {
    if (resolved === undefined) {
      const made: unknown = (source as SessionSourceFactory)(c)
      if (!isSource(made))
        throw new ArgumentError(
          'The ormSession factory must return an asyncSessionmaker(...) or an asyncScopedSession(...)',
        )
      resolved = made
    }
    const src = resolved
    if (isScoped(src)) return src.run(() => serve(c as Context, src(), next)) // scoped.run closes the session
    const session = src()
    try {
      await serve(c as Context, session, next)
    } catch (err) {
      await session.close().catch(() => undefined) // the first error is the one to report
      throw err
    }
    await session.close()
  }
}

/** Adds `Idempotent-Replayed: true` to the response (a copy where its headers are immutable). */
function markReplayed(c: Context): void {
  try {
    c.res.headers.set('Idempotent-Replayed', 'true')
  } catch {
    const res = new Response(c.res.body, c.res)
    res.headers.set('Idempotent-Replayed', 'true')
    c.res = res
  }
}

/** An `asyncScopedSession(...)`: a function with its own `run` and `remove`. */
function isScoped(value: unknown): value is AsyncScopedSession {
  return typeof value === 'function' && Object.hasOwn(value, 'run') && Object.hasOwn(value, 'remove')
}

/** An `asyncSessionmaker(...)`: a function with its own `bind` (the engine) and `begin`. */
function isSessionmaker(value: unknown): value is AsyncSessionmaker {
  return typeof value === 'function' && Object.hasOwn(value, 'bind') && Object.hasOwn(value, 'begin')
}

function isSource(value: unknown): value is SessionSource {
  return isScoped(value) || isSessionmaker(value)
}
