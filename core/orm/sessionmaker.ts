/**
 * Session factories: `asyncSessionmaker(engine, options)` and `asyncScopedSession(factory, ...)`,
 * one session per async context (a request) without any `node:` import here.
 * @module
 */
import type { AsyncEngine } from '../engine/engine.js'
import { ArgumentError, InvalidRequestError } from '../errors.js'
import type { RunOptions } from './retry.js'
import { AsyncSession } from './session.js'
import type { SessionOptions } from './session-options.js'

/** A function that makes sessions bound to one engine with the same options. */
export interface AsyncSessionmaker {
  (options?: SessionOptions): AsyncSession
  readonly bind: AsyncEngine
  readonly options: Readonly<SessionOptions>
  /** Runs `fn` with a new session inside `session.begin(fn)`: committed when it returns, closed after. */
  begin<T>(fn: (session: AsyncSession) => Promise<T>): Promise<T>
  /**
   * Runs `fn` with a new session inside `session.run(fn, options)`: committed when it returns, run
   * again on a retryable error (see `AsyncSession.run`), closed after.
   */
  run<T>(fn: (session: AsyncSession) => Promise<T>, options?: RunOptions): Promise<T>
}

/**
 * A session factory (SQLAlchemy's `async_sessionmaker`).
 *
 * ```ts
 * const Session = asyncSessionmaker(engine)
 * await using session = Session()
 * ```
 */
export function asyncSessionmaker(engine: AsyncEngine, options: SessionOptions = {}): AsyncSessionmaker {
  const make = ((more?: SessionOptions) =>
    new AsyncSession(engine, { ...options, ...more })) as AsyncSessionmaker
  Object.defineProperty(make, 'bind', { value: engine })
  Object.defineProperty(make, 'options', { value: Object.freeze({ ...options }) })
  Object.defineProperty(make, 'begin', {
    value: async <T>(fn: (session: AsyncSession) => Promise<T>): Promise<T> => {
      const session = make()
      try {
        return await session.begin(() => fn(session))
      } finally {
        await session.close()
      }
    },
  })
  Object.defineProperty(make, 'run', {
    value: async <T>(fn: (session: AsyncSession) => Promise<T>, runOptions?: RunOptions): Promise<T> => {
      const session = make()
      try {
        return await session.run(fn, runOptions)
      } finally {
        await session.close()
      }
    },
  })
  return make
}

/** The parts of `AsyncLocalStorage` a scoped session uses (pass one from `node:async_hooks`). */
export interface ScopeStorage<S = unknown> {
  getStore(): S | undefined
  run<R>(store: S, fn: () => R): R
}

/** How {@link asyncScopedSession} tells one scope from another. */
export type ScopeOptions = { readonly storage: ScopeStorage<any> } | { readonly scopefunc: () => unknown }

/** A registry of one session per scope. */
export interface AsyncScopedSession {
  /** The current scope's session, made on first use. */
  (): AsyncSession
  /** Closes and forgets the current scope's session. */
  remove(): Promise<void>
  /** With `storage`: runs `fn` in a new scope and closes its session afterwards (a request handler). */
  run<T>(fn: () => Promise<T>): Promise<T>
}

/**
 * One session per async context (SQLAlchemy's `async_scoped_session`), for per-request sessions
 * in Workers and edge functions. `core/` imports no `AsyncLocalStorage`: pass one (workerd needs
 * the `nodejs_als` or `nodejs_compat` flag) or a scope function.
 *
 * ```ts
 * // AsyncLocalStorage comes from the runtime's async_hooks module
 * const scoped = asyncScopedSession(Session, { storage: new AsyncLocalStorage() })
 * app.use((c, next) => scoped.run(next))      // hono: a session per request
 * scoped().add(user)
 * ```
 */
export function asyncScopedSession(factory: AsyncSessionmaker, scope: ScopeOptions): AsyncScopedSession {
  const byObject = new WeakMap<object, AsyncSession>()
  const byValue = new Map<unknown, AsyncSession>()
  const storage = 'storage' in scope ? scope.storage : undefined
  const scopeKey = (): unknown => {
    const key =
      storage !== undefined ? storage.getStore() : (scope as { scopefunc: () => unknown }).scopefunc()
    if (key === undefined || key === null)
      throw new InvalidRequestError(
        storage !== undefined
          ? 'No session scope is active: run the code inside scoped.run(fn) (or storage.run(scope, fn))'
          : 'The scope function returned no scope',
      )
    return key
  }
  const lookup = (key: unknown) =>
    typeof key === 'object' || typeof key === 'function' ? byObject.get(key as object) : byValue.get(key)
  const forget = (key: unknown) =>
    typeof key === 'object' || typeof key === 'function'
      ? byObject.delete(key as object)
      : byValue.delete(key)
  const scoped = (() => {
    const key = scopeKey()
    let session = lookup(key)
    if (session === undefined) {
      session = factory()
      if (typeof key === 'object' || typeof key === 'function') byObject.set(key as object, session)
      else byValue.set(key, session)
    }
    return session
  }) as AsyncScopedSession
  scoped.remove = async () => {
    const key = scopeKey()
    const session = lookup(key)
    forget(key)
    await session?.close()
  }
  scoped.run = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (storage === undefined)
      throw new ArgumentError('scoped.run() needs the { storage } form of asyncScopedSession')
    return storage.run({}, async () => {
      try {
        return await fn()
      } finally {
        await scoped.remove()
      }
    })
  }
  return scoped
}
