/**
 * Request scopes for adapters that hold sockets on workerd, where a socket opened by one request
 * cannot be used by another: connections of a scope belong to it and close when it ends.
 * @module
 */
import type { ConnectionSource } from './connection-source.js'

/** What the adapter needs of an `AsyncLocalStorage` (from `node:async_hooks`; never imported here). */
export interface AsyncLocalStorageLike {
  getStore(): unknown
  run<R>(store: never, fn: () => R): R
}

/** Options of a request scope (`adapter.scoped(fn, options)`). */
export interface ScopeOptions {
  /** Receives the closing of the scope's sockets instead of the caller waiting for it (`ctx.waitUntil`). */
  readonly waitUntil?: (promise: Promise<unknown>) => void
}

/** A request scope: one connection source per adapter, closed at the end. */
export class RequestScope {
  readonly sources = new Map<object, ConnectionSource<unknown>>()
  ended = false
  end(): Promise<void> {
    this.ended = true
    return Promise.all([...this.sources.values()].map((s) => s.close(true))).then(() => undefined)
  }
}

/** True under Cloudflare's workerd. */
export function isWorkerd(): boolean {
  return (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent === 'Cloudflare-Workers'
}
