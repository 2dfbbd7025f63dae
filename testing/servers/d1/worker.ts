/**
 * The Worker that serves D1 over HTTP inside the local workerd, so the Node side reaches D1 only
 * through `dispatchFetch` (asynchronous), never through miniflare's synchronous binding proxy.
 * It runs in workerd, not in Node: `worker-script.ts` gives workerd this module and `wire.ts`.
 *
 * Protocol (one POST per call, JSON both ways, values coded by `wire.ts`):
 * - request `{ op, sql?, params?, columnNames?, column?, statements? }` where `op` is `raw`, `run`,
 *   `all`, `first`, `batch`, `exec` or `check` (prepare and bind only, nothing runs);
 *   a statement is `{ sql, params? }` (`params` absent: `bind()` was never called);
 * - reply `{ ok: true, result }` or `{ ok: false, error: { name, message, cause? } }`, always 200.
 * @module
 */
import { decodeValue, encodeError, encodeValue } from './wire.js'

/** What the Worker uses of D1's binding (`env.DB`): this side stands for D1, so it declares it. */
interface D1Statement {
  bind(...values: unknown[]): D1Statement
  raw(options?: { columnNames?: boolean }): Promise<unknown>
  run(): Promise<unknown>
  all(): Promise<unknown>
  first(column?: string): Promise<unknown>
}
interface D1Binding {
  prepare(sql: string): D1Statement
  batch(statements: D1Statement[]): Promise<unknown>
  exec(sql: string): Promise<unknown>
}

/** A statement as the Node side sends it. */
interface WireStatement {
  readonly sql: string
  readonly params?: unknown[] | undefined
}

/** One request of the Node side. */
interface WireRequest extends Partial<WireStatement> {
  readonly op: string
  readonly columnNames?: boolean | undefined
  readonly column?: string | undefined
  readonly statements?: WireStatement[] | undefined
}

function statement(db: D1Binding, s: WireStatement): D1Statement {
  const p = db.prepare(s.sql)
  return s.params === undefined ? p : p.bind(...s.params.map(decodeValue))
}

async function run(db: D1Binding, req: WireRequest): Promise<unknown> {
  const one = req as WireRequest & WireStatement
  switch (req.op) {
    case 'check':
      for (const s of req.statements ?? []) statement(db, s)
      return null
    case 'raw':
      return statement(db, one).raw(
        req.columnNames === undefined ? undefined : { columnNames: req.columnNames },
      )
    case 'run':
      return statement(db, one).run()
    case 'all':
      return statement(db, one).all()
    case 'first':
      return req.column === undefined ? statement(db, one).first() : statement(db, one).first(req.column)
    case 'batch':
      return db.batch((req.statements ?? []).map((s) => statement(db, s)))
    case 'exec':
      return db.exec(one.sql)
  }
  throw new Error(`local D1 worker: unknown op ${String(req.op)}`)
}

/** The Worker: one request of the Node side per fetch, D1's result or error as the reply. */
export default {
  async fetch(request: Request, env: { DB: D1Binding }): Promise<Response> {
    let body: unknown
    try {
      body = { ok: true, result: encodeValue(await run(env.DB, (await request.json()) as WireRequest)) }
    } catch (err) {
      body = { ok: false, error: encodeError(err) }
    }
    return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } })
  },
}
