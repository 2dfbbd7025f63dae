/**
 * The d1 adapter against D1 in workerd (miniflare), through testing/servers/d1 (a counting
 * binding with fault injection). One workerd per file.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { d1, d1Capabilities } from '../../adapters/d1/index.js'
import {
  type Adapter,
  CompileError,
  createAsyncEngine,
  DataError,
  IntegrityError,
  OperationalError,
  redactError,
  text,
  UnsupportedCapabilityError,
} from '../../core/index.js'
import { type D1Server, startD1 } from '../../testing/servers/d1/index.js'

async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn()
  } catch (err) {
    return err
  }
  throw new Error('expected an error')
}

const schema = [
  'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, qty INTEGER, price REAL, data BLOB)',
  'CREATE TABLE tags (id INTEGER PRIMARY KEY, item_id INTEGER REFERENCES items (id), label TEXT)',
]

let server: D1Server
let adapter: Adapter
let startMs = 0

beforeAll(async () => {
  const t0 = performance.now()
  server = await startD1({ setup: schema })
  startMs = performance.now() - t0
  adapter = d1(server.binding)
})
afterAll(async () => {
  await server?.dispose()
})
beforeEach(async () => {
  await server.uncounted.batch([
    server.uncounted.prepare('DELETE FROM tags'),
    server.uncounted.prepare('DELETE FROM items'),
  ])
  server.resetCount()
})

const count = async (table = 'items') =>
  (await server.uncounted.prepare(`SELECT count(*) FROM ${table}`).raw({ columnNames: true }))[1]![0]

describe('d1 adapter', () => {
  it('starts workerd quickly', () => {
    // measured ~250 ms on a 2-core machine; a generous bound so a busy CI does not flake
    expect(startMs).toBeLessThan(10_000)
    console.info(`miniflare with one D1 database started in ${startMs.toFixed(0)} ms`)
  })

  it('declares batch-only capabilities', () => {
    expect(adapter.name).toBe('d1')
    expect(adapter.capabilities).toEqual({
      interactiveTransactions: false,
      atomicBatch: true,
      batchRoundTrips: 'one',
      savepoints: false,
      maxParams: 100,
      streaming: 'paged',
    })
    expect(adapter.capabilities).toBe(d1Capabilities)
    expect(adapter.begin).toBeUndefined()
    expect(adapter.dialect?.name).toBe('sqlite')
  })

  it('executes with parameters, one request each, and reports rowsAffected + lastInsertId', async () => {
    const a = await adapter.execute({ sql: 'INSERT INTO items (name, qty) VALUES (?, ?)', params: ['a', 1] })
    expect(a.rowsAffected).toBe(1)
    expect(a.lastInsertId).toBeTypeOf('number')
    expect(a.columns).toEqual([])
    expect(a.rows).toEqual([])
    const b = await adapter.execute({ sql: 'INSERT INTO items (name, qty) VALUES (?, ?)', params: ['b', 2] })
    expect(b.lastInsertId).toBe((a.lastInsertId as number) + 1)
    const u = await adapter.execute({ sql: 'UPDATE items SET qty = qty + ? WHERE qty >= ?', params: [10, 1] })
    expect(u.rowsAffected).toBe(2)
    expect(u.lastInsertId).toBeUndefined()
    const sel = await adapter.execute({
      sql: 'SELECT name, qty FROM items WHERE qty > ? ORDER BY name',
      params: [11],
    })
    expect(sel.columns).toEqual(['name', 'qty'])
    expect(sel.rows).toEqual([['b', 12]])
    expect(sel.rowsAffected).toBe(-1)
    const d = await adapter.execute({ sql: 'DELETE FROM items WHERE name = ?', params: ['zzz'] })
    expect(d.rowsAffected).toBe(0)
    expect(server.requests).toBe(5)
  })

  it('returns raw values: integers and reals as numbers, strings, blobs as Uint8Array, null', async () => {
    const blob = new Uint8Array([0, 1, 127, 128, 255])
    await adapter.execute({
      sql: 'INSERT INTO items (name, qty, price, data) VALUES (?, ?, ?, ?), (?, ?, ?, ?)',
      params: ['x', 42, 1.5, blob, 'y', null, null, null],
    })
    const r = await adapter.execute({
      sql: 'SELECT name, qty, price, data, typeof(qty) FROM items ORDER BY name',
      params: [],
    })
    expect(r.rows[0]).toEqual(['x', 42, 1.5, blob, 'integer'])
    expect(r.rows[0]![3]).toBeInstanceOf(Uint8Array)
    expect(r.rows[1]).toEqual(['y', null, null, null, 'null'])
    const empty = await adapter.execute({ sql: "SELECT x'' AS b, '' AS s", params: [] })
    expect(empty.rows[0]![0]).toBeInstanceOf(Uint8Array)
    expect((empty.rows[0]![0] as Uint8Array).length).toBe(0)
    expect(empty.rows[0]![1]).toBe('')
  })

  it('binds bigint (exact as text above 2^53 in INTEGER columns), booleans and undefined', async () => {
    await adapter.execute({
      sql: 'INSERT INTO items (name, qty, price) VALUES (?, ?, ?)',
      params: ['big', 2n ** 60n + 1n, undefined],
    })
    const r = await adapter.execute({
      sql: 'SELECT typeof(qty), CAST(qty AS TEXT), price, ? FROM items WHERE qty = ?',
      params: [true, 2n ** 60n + 1n],
    })
    expect(r.rows).toEqual([['integer', '1152921504606846977', null, 1]])
    const small = await adapter.execute({ sql: 'SELECT ? + 1', params: [41n] })
    expect(small.rows).toEqual([[42]])
  })

  it('keeps duplicate column names from joins (raw mode)', async () => {
    await adapter.execute({ sql: "INSERT INTO items (id, name) VALUES (7, 'j')", params: [] })
    await adapter.execute({ sql: "INSERT INTO tags (id, item_id, label) VALUES (3, 7, 't')", params: [] })
    const r = await adapter.execute({
      sql: 'SELECT a.id, b.id, a.name, b.label FROM items a JOIN tags b ON b.item_id = a.id',
      params: [],
    })
    expect(r.columns).toEqual(['id', 'id', 'name', 'label'])
    expect(r.rows).toEqual([[7, 3, 'j', 't']])
    const none = await adapter.execute({ sql: 'SELECT a.id, b.id FROM items a, tags b WHERE 0', params: [] })
    expect(none.columns).toEqual(['id', 'id'])
    expect(none.rows).toEqual([])
  })

  it('reads RETURNING rows with raw(); rowsAffected is the number of rows returned', async () => {
    const ins = await adapter.execute({
      sql: 'INSERT INTO items (name, qty) VALUES (?, ?), (?, ?) RETURNING id, name, id',
      params: ['r1', 1, 'r2', 2],
    })
    expect(ins.columns).toEqual(['id', 'name', 'id'])
    expect(ins.rows.map((row) => row[1])).toEqual(['r1', 'r2'])
    expect(ins.rowsAffected).toBe(2)
    const upd = await adapter.execute({
      sql: 'UPDATE items SET qty = qty * 10 WHERE name = ? RETURNING qty',
      params: ['r2'],
    })
    expect(upd.rows).toEqual([[20]])
    expect(upd.rowsAffected).toBe(1)
    const none = await adapter.execute({
      sql: "DELETE FROM items WHERE name = 'nope' RETURNING id",
      params: [],
    })
    expect(none.columns).toEqual(['id'])
    expect(none.rowsAffected).toBe(0)
    // a string that merely contains the word does not make a statement a RETURNING one
    const plain = await adapter.execute({
      sql: "INSERT INTO items (name) VALUES ('returning x')",
      params: [],
    })
    expect(plain.rowsAffected).toBe(1)
    expect(plain.lastInsertId).toBeTypeOf('number')
  })

  it('runs a batch as ONE request, atomically, with per-statement results', async () => {
    const results = await adapter.batch([
      { sql: 'INSERT INTO items (name, qty) VALUES (?, ?)', params: ['p', 1] },
      { sql: 'INSERT INTO tags (item_id, label) VALUES (last_insert_rowid(), ?)', params: ['child'] },
      { sql: 'UPDATE items SET qty = 5 WHERE name = ?', params: ['p'] },
      { sql: 'INSERT INTO items (name) VALUES (?) RETURNING id, name', params: ['q'] },
      { sql: 'SELECT name, qty FROM items ORDER BY name', params: [] },
    ])
    expect(server.requests).toBe(1)
    expect(results).toHaveLength(5)
    expect(results[0]!.rowsAffected).toBe(1)
    expect(results[0]!.lastInsertId).toBeTypeOf('number')
    expect(results[2]!.rowsAffected).toBe(1)
    expect(results[3]!.columns).toEqual(['id', 'name'])
    expect(results[3]!.rows[0]![1]).toBe('q')
    expect(results[3]!.rowsAffected).toBe(1)
    expect(results[4]!.columns).toEqual(['name', 'qty'])
    expect(results[4]!.rows).toEqual([
      ['p', 5],
      ['q', null],
    ])
    const child = await server.uncounted.prepare('SELECT item_id FROM tags').raw({ columnNames: true })
    expect(child[1]![0]).toBe(results[0]!.lastInsertId)
  })

  it('a failing statement leaves nothing of the batch behind', async () => {
    await adapter.execute({ sql: "INSERT INTO items (name) VALUES ('dup')", params: [] })
    server.resetCount()
    const err = await thrown(() =>
      adapter.batch([
        { sql: 'INSERT INTO items (name) VALUES (?)', params: ['fresh'] },
        { sql: 'INSERT INTO tags (label) VALUES (?)', params: ['t'] },
        { sql: 'INSERT INTO items (name) VALUES (?)', params: ['dup'] },
      ]),
    )
    expect(server.requests).toBe(1)
    expect(adapter.errorInfo(err).code).toBe('SQLITE_CONSTRAINT_UNIQUE')
    expect(await count()).toBe(1)
    expect(await count('tags')).toBe(0)
  })

  it("the stale-row guard's integer overflow rolls the whole batch back", async () => {
    await adapter.execute({ sql: "INSERT INTO items (name, qty) VALUES ('g', 1)", params: [] })
    const guard = 'SELECT CASE WHEN changes() = 0 THEN abs(-9223372036854775808) ELSE 0 END'
    // matched: the guard passes
    const ok = await adapter.batch([
      { sql: 'UPDATE items SET qty = 2 WHERE name = ?', params: ['g'] },
      { sql: guard, params: [] },
    ])
    expect(ok[1]!.rows).toEqual([[0]])
    server.resetCount()
    const err = await thrown(() =>
      adapter.batch([
        { sql: 'INSERT INTO items (name) VALUES (?)', params: ['h'] },
        { sql: 'UPDATE items SET qty = 3 WHERE name = ?', params: ['gone'] },
        { sql: guard, params: [] },
      ]),
    )
    expect(server.requests).toBe(1)
    expect(adapter.errorInfo(err)).toMatchObject({ code: 'SQLITE_ERROR', message: 'integer overflow' })
    expect(await count()).toBe(1)
    const engine = createAsyncEngine(adapter)
    const typed = await thrown(() =>
      engine.batch([
        text("INSERT INTO items (name) VALUES ('h')"),
        text("UPDATE items SET qty = 3 WHERE name = 'gone'"),
        text(guard),
      ]),
    )
    expect(typed).toBeInstanceOf(DataError)
    expect(await count()).toBe(1)
  })

  it('an empty batch sends nothing', async () => {
    expect(await adapter.batch([])).toEqual([])
    expect(server.requests).toBe(0)
  })

  it('refuses more than 100 parameters before sending, and says what to do', async () => {
    const params = Array.from({ length: 101 }, (_, i) => i)
    const sql = `SELECT ${params.map(() => '?').join(', ')}`
    const err = await thrown(() => adapter.execute({ sql, params }))
    expect(err).toBeInstanceOf(CompileError)
    expect((err as Error).message).toMatch(/at most 100 parameters.*has 101.*nothing was sent.*json_each/s)
    const inBatch = await thrown(() =>
      adapter.batch([
        { sql: 'SELECT 1', params: [] },
        { sql, params },
      ]),
    )
    expect((inBatch as Error).message).toMatch(/statement 1 of the batch has 101/)
    expect(server.requests).toBe(0)
    const hundred = await adapter.execute({
      sql: `SELECT ${params
        .slice(1)
        .map(() => '?')
        .join(', ')}`,
      params: params.slice(1),
    })
    expect(hundred.rows[0]).toHaveLength(100)
  })

  it('refuses BEGIN / SAVEPOINT before sending, naming engine.batch() and commit()', async () => {
    for (const sql of ['BEGIN', '  begin immediate', 'SAVEPOINT sp', '/* c */ COMMIT', 'ROLLBACK']) {
      const err = await thrown(() => adapter.execute({ sql, params: [] }))
      expect(err).toBeInstanceOf(UnsupportedCapabilityError)
      expect((err as Error).message).toMatch(/engine\.batch\(\[\.\.\.\]\).*commit\(\)/)
    }
    expect(server.requests).toBe(0)
    const engine = createAsyncEngine(adapter)
    await expect(engine.begin(async () => undefined)).rejects.toBeInstanceOf(UnsupportedCapabilityError)
  })

  it('reads SQLite codes out of D1 messages', async () => {
    await adapter.execute({ sql: "INSERT INTO items (name) VALUES ('u')", params: [] })
    const unique = await thrown(() =>
      adapter.execute({ sql: "INSERT INTO items (name) VALUES ('u')", params: [] }),
    )
    expect((unique as Error).message).toMatch(/^D1_ERROR: UNIQUE constraint failed: items\.name/)
    expect(adapter.errorInfo(unique)).toEqual({
      code: 'SQLITE_CONSTRAINT_UNIQUE',
      message: 'UNIQUE constraint failed: items.name',
    })
    const notNull = await thrown(() =>
      adapter.execute({ sql: 'INSERT INTO items (name) VALUES (NULL)', params: [] }),
    )
    expect(adapter.errorInfo(notNull).code).toBe('SQLITE_CONSTRAINT_NOTNULL')
    const syntax = await thrown(() => adapter.execute({ sql: 'SELEC 1', params: [] }))
    expect(adapter.errorInfo(syntax)).toMatchObject({ code: 'SQLITE_ERROR' })
    expect(adapter.errorInfo(syntax).message).toMatch(/syntax error/)
    const engine = createAsyncEngine(adapter)
    await expect(engine.execute(text("INSERT INTO items (name) VALUES ('u')"))).rejects.toBeInstanceOf(
      IntegrityError,
    )
    const typeErr = await thrown(() => adapter.execute({ sql: 'SELECT ?', params: [{ a: 1 }] }))
    expect(adapter.errorInfo(typeErr).code).toBe('SQLITE_MISMATCH')
  })

  it('injected faults surface as transport errors (OperationalError through the engine)', async () => {
    server.injectFault('network')
    const net = await thrown(() => adapter.execute({ sql: 'SELECT 1', params: [] }))
    expect(adapter.errorInfo(net)).toMatchObject({ transport: true })
    server.injectFault('overloaded')
    const busy = await thrown(() => adapter.batch([{ sql: 'SELECT 1', params: [] }]))
    expect(adapter.errorInfo(busy)).toMatchObject({ transport: true })
    // the reply is lost, but the write happened
    server.injectFault('drop-after-query')
    const dropped = await thrown(() =>
      adapter.execute({ sql: "INSERT INTO items (name) VALUES ('d')", params: [] }),
    )
    expect(adapter.errorInfo(dropped).transport).toBe(true)
    expect(await count()).toBe(1)
    expect(server.requests).toBe(3)
    server.injectFault('reset')
    const engine = createAsyncEngine(adapter)
    await expect(engine.execute(text('SELECT 1'))).rejects.toBeInstanceOf(OperationalError)
    // the next call works again
    expect((await adapter.execute({ sql: 'SELECT 1', params: [] })).rows).toEqual([[1]])
  })

  it('an AbortSignal settles a stalled call', async () => {
    server.injectFault('stall')
    const ac = new AbortController()
    const p = adapter.execute({ sql: 'SELECT 1', params: [] }, { signal: ac.signal })
    ac.abort(new Error('gave up'))
    await expect(p).rejects.toThrow('gave up')
    await expect(adapter.execute({ sql: 'SELECT 1', params: [] }, { signal: ac.signal })).rejects.toThrow(
      'gave up',
    )
  })

  it('keeps secrets out of kept errors', async () => {
    const secret = 'sk_live_d1-never-shown'
    const a = d1(server.binding, { secrets: [secret] })
    const err = await thrown(() => a.execute({ sql: `SELECT * FROM "${secret}"`, params: [] }))
    const info = a.errorInfo(err)
    const kept = redactError(err, a.secrets ?? [])
    const all = [info.message, kept.message, kept.stack, String(kept)].join('\n')
    expect(all).not.toContain(secret)
    expect(info.message).toMatch(/no such table/)
  })

  it('serves the engine: typed results, lastInsertId, batches in one request', async () => {
    const engine = createAsyncEngine(adapter)
    const ins = await engine.execute(text("INSERT INTO items (name, qty) VALUES ('e', 3)"))
    expect(ins.rowsAffected).toBe(1)
    expect(ins.lastInsertId).toBeTypeOf('number')
    const r = await engine.execute(text('SELECT a.id, b.id, a.qty FROM items a, items b'))
    expect(r.keys()).toEqual(['id', 'id_1', 'qty'])
    const row = r.one() as unknown as { _tuple(): unknown[] }
    expect(row._tuple()).toEqual([ins.lastInsertId, ins.lastInsertId, 3])
    server.resetCount()
    const rs = await engine.batch([
      text("INSERT INTO items (name) VALUES ('f')"),
      text('SELECT count(*) AS n FROM items'),
    ])
    expect(server.requests).toBe(1)
    expect(rs[1]!.scalar()).toBe(2)
    await engine.dispose()
  })

  it('rejects what is not a binding', () => {
    expect(() => d1({} as never)).toThrow(/D1 binding/)
  })
})
