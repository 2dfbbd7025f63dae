/**
 * A Worker over Neon's WebSocket proxy with interactive transactions: workerd's global
 * WebSocket (no `webSocketConstructor`), `ws://` to the proxy (`useSecureWebSocket: false`), no
 * pipelined startup (the local PostgreSQL uses trust auth). One engine per variant per isolate,
 * created on the first request that names it (`/<variant>/<action>`):
 * - `request`: `scope: 'request'`, each request inside `adapter.scoped(fn, { waitUntil })` with an
 *   AsyncLocalStorage (`nodejs_als`);
 * - `default`: as `request` without a `scope` option (the default under workerd);
 * - `unscoped`: `scope: 'request'` without `scoped()` (each connection closes on release);
 * - `isolate`: `scope: 'isolate'` (one pool for the isolate);
 * - `isolate-nocoalesce`: the same with `coalesceWrites: false`, so the driver's writes happen
 *   in the caller's turn instead of a timer.
 * Actions: `tx` (a transaction), anything else one `SELECT now()`.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { type NeonAdapter, neon } from '../../../adapters/neon/index.js'
import { type AsyncEngine, createAsyncEngine, func, insert, select } from '../../../core/index.js'
import { describeError, describeRow, items } from './tables.js'

interface Env {
  readonly DATABASE_URL: string
  /** `127.0.0.1:PORT` of the local proxy. */
  readonly PROXY: string
}
interface Ctx {
  waitUntil(promise: Promise<unknown>): void
}

type Variant = 'request' | 'default' | 'unscoped' | 'isolate' | 'isolate-nocoalesce'
const engines = new Map<Variant, AsyncEngine>()
const als = new AsyncLocalStorage()
let requests = 0

function engineFor(env: Env, variant: Variant): AsyncEngine {
  let engine = engines.get(variant)
  if (engine === undefined) {
    const adapter = neon(env.DATABASE_URL, {
      ...(variant === 'default'
        ? {}
        : { scope: variant.startsWith('isolate') ? ('isolate' as const) : ('request' as const) }),
      ...(variant === 'isolate-nocoalesce' ? { coalesceWrites: false } : {}),
      asyncLocalStorage: als,
      useSecureWebSocket: false,
      pipelineConnect: false,
      wsProxy: (host, port) => `${env.PROXY}/v2?address=${host}:${port}`,
    })
    engine = createAsyncEngine(adapter)
    engines.set(variant, engine)
  }
  return engine
}

/** A transaction: insert a row, read it back and count, then commit. */
async function transaction(e: AsyncEngine, name: string) {
  return e.begin(async (conn) => {
    const joined = new Date('2026-01-02T03:04:05.678Z')
    await conn.execute(insert(items).values({ name, active: true, joined }))
    const rows = (await conn.execute(select(items).where(items.c.name.eq(name)))).all()
    const count = Number(await conn.scalar(select(func.count(items.c.id).label('n')).selectFrom(items)))
    return { rows: rows.map(describeRow), count }
  })
}

export default {
  async fetch(request: Request, env: Env, ctx: Ctx): Promise<Response> {
    requests++
    const url = new URL(request.url)
    const [, variant, action] = url.pathname.split('/') as [string, Variant, string]
    const name = url.searchParams.get('name') ?? 'x'
    try {
      const engine = engineFor(env, variant)
      const adapter = engine.adapter as NeonAdapter
      const work = () => (action === 'tx' ? transaction(engine, name) : engine.scalar(select(func.now())))
      const body =
        variant === 'request' || variant === 'default'
          ? await adapter.scoped(work, { waitUntil: (p) => ctx.waitUntil(p) })
          : await work()
      return Response.json({ ok: true, body, requests })
    } catch (err) {
      return Response.json({ ok: false, ...describeError(err), requests }, { status: 500 })
    }
  },
}
