/**
 * The Hrana 2 over HTTP test server: what @libsql/client uses (sequence, named arguments,
 * stored SQL) through the official client, the rest of the protocol as raw pipeline bodies, and
 * the rules it shares with libsql-server (Turso): one statement per execute, Turso's error codes,
 * protocol errors that fail the HTTP request.
 */
import { mkdirSync, rmSync } from 'node:fs'
import { resolve } from 'node:path'
import { type Client, createClient, LibsqlError } from '@libsql/client/web'
import Database from 'libsql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { libsql } from '../../adapters/libsql/index.js'
import { IntegrityError, ProgrammingError } from '../../core/errors.js'
import { createAsyncEngine, text } from '../../core/index.js'
import { type HranaServer, startHranaServer } from '../../testing/servers/hrana/index.js'

const tmp = resolve(import.meta.dirname, '../../.tmp')
const file = resolve(tmp, `libsql-hrana-server-${process.pid}_${Date.now().toString(36)}.db`)
let server: HranaServer
let client: Client

/** One pipeline request; returns the HTTP status and the JSON body. */
async function pipeline(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/v2/pipeline`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as Record<string, any> }
}

/** One pipeline request expected to fail as a protocol error: the status and the plain text. */
async function refused(body: unknown) {
  const res = await fetch(`${server.url}/v2/pipeline`, { method: 'POST', body: JSON.stringify(body) })
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() }
}

/** Reads the database file directly (not through the server). */
function direct<T>(sql: string): T[] {
  const db = new Database(file)
  try {
    return db.prepare(sql).raw(true).all() as T[]
  } finally {
    db.close()
  }
}

/** The client's error for `fn`. */
async function clientError(fn: () => Promise<unknown>): Promise<LibsqlError> {
  const err = await fn().then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(LibsqlError)
  return err as LibsqlError
}

beforeAll(async () => {
  mkdirSync(tmp, { recursive: true })
  server = await startHranaServer({ file })
  client = createClient({ url: server.url, intMode: 'bigint' })
  await client.execute('CREATE TABLE kv (k TEXT PRIMARY KEY, v)')
})
afterAll(async () => {
  client?.close()
  await server?.close()
  for (const s of ['', '-wal', '-shm']) rmSync(file + s, { force: true })
})

describe('Hrana server through @libsql/client', () => {
  it('runs executeMultiple as a sequence', async () => {
    await client.executeMultiple(
      "CREATE TABLE seq (x); INSERT INTO seq VALUES (1); INSERT INTO seq VALUES ('two');",
    )
    expect((await client.execute('SELECT count(*) FROM seq')).rows[0]?.[0]).toBe(2n)
  })

  it('reads a whole sequence before running it, then stops at the first failing statement', async () => {
    const syntax = await clientError(() =>
      client.executeMultiple("INSERT INTO kv VALUES ('q1', 1); SELEC 1; INSERT INTO kv VALUES ('q2', 2)"),
    )
    expect(syntax.code).toBe('SQL_PARSE_ERROR')
    expect(direct("SELECT count(*) FROM kv WHERE k LIKE 'q%'")).toEqual([[0]])
    const dup = await clientError(() =>
      client.executeMultiple(
        "INSERT INTO kv VALUES ('q3', 3); INSERT INTO kv VALUES ('q3', 4); INSERT INTO kv VALUES ('q4', 5)",
      ),
    )
    expect(dup.code).toBe('SQLITE_CONSTRAINT')
    // each statement commits on its own (no transaction), the ones after the failure never run
    expect(direct("SELECT k, v FROM kv WHERE k LIKE 'q%' ORDER BY k")).toEqual([['q3', 3]])
  })

  it('binds named arguments', async () => {
    await client.execute({ sql: 'INSERT INTO kv VALUES (:k, $v)', args: { k: 'a', v: 1.25 } })
    const r = await client.execute({ sql: 'SELECT v FROM kv WHERE k = @k', args: { k: 'a' } })
    expect(r.rows[0]?.[0]).toBe(1.25)
  })

  it('repeated statements in a batch go through store_sql / sql_id', async () => {
    const stmts = Array.from({ length: 5 }, (_, i) => ({
      sql: 'INSERT INTO kv VALUES (?, ?)',
      args: [`b${i}`, i],
    }))
    server.resetCount()
    await client.batch(stmts, 'write')
    expect(server.requests).toBe(1)
    expect((await client.execute("SELECT count(*) FROM kv WHERE k LIKE 'b%'")).rows[0]?.[0]).toBe(5n)
  })
})

describe('Hrana server: one statement per execute, as libsql-server', () => {
  it('refuses SQL holding two statements with SQL_MANY_STATEMENTS, running neither', async () => {
    const err = await clientError(() =>
      client.execute("INSERT INTO kv VALUES ('m1', 1); INSERT INTO kv VALUES ('m2', 2)"),
    )
    expect(err.code).toBe('SQL_MANY_STATEMENTS')
    expect(err.message).toMatch(/SQL string contains more than one statement/)
    expect(direct("SELECT count(*) FROM kv WHERE k IN ('m1', 'm2')")).toEqual([[0]])
  })

  it('fails a whole batch whose step holds two statements, before any step runs', async () => {
    const err = await clientError(() =>
      client.batch(
        [
          "INSERT INTO kv VALUES ('m3', 3)",
          "INSERT INTO kv VALUES ('m4', 4); INSERT INTO kv VALUES ('m5', 5)",
        ],
        'write',
      ),
    )
    expect(err.code).toBe('SQL_MANY_STATEMENTS')
    expect(direct("SELECT count(*) FROM kv WHERE k IN ('m3', 'm4', 'm5')")).toEqual([[0]])
  })

  it('takes one statement with a trailing semicolon or comment, and a trigger body', async () => {
    await client.execute('SELECT 1; -- trailing comment')
    await client.execute('SELECT 1;;')
    await client.execute('CREATE TABLE audit (k TEXT)')
    await client.execute(
      "CREATE TRIGGER kv_audit AFTER INSERT ON kv BEGIN INSERT INTO audit VALUES (new.k); SELECT 'end;'; END;",
    )
    await client.execute("INSERT INTO kv VALUES ('t1', 1)")
    expect(direct('SELECT k FROM audit')).toEqual([['t1']])
    await client.execute('DROP TRIGGER kv_audit')
  })

  it('reports empty SQL as SQL_NO_STATEMENT and a syntax error as SQL_PARSE_ERROR', async () => {
    expect((await clientError(() => client.execute('  -- nothing'))).code).toBe('SQL_NO_STATEMENT')
    const syntax = await clientError(() => client.execute('SELEC 1'))
    expect(syntax.code).toBe('SQL_PARSE_ERROR')
    expect(syntax.message).toMatch(/SQL string could not be parsed: near "SELEC": syntax error/)
    // a syntax error in the first statement wins over the count
    expect((await clientError(() => client.execute('SELEC 1; SELECT 2'))).code).toBe('SQL_PARSE_ERROR')
  })

  it('refuses statements sqld does not support (temporary tables, VACUUM, most PRAGMA writes)', async () => {
    for (const sql of [
      'CREATE TEMP TABLE tmp (x)',
      'VACUUM',
      'PRAGMA journal_mode = WAL',
      'PRAGMA query_only = 1',
    ]) {
      const err = await clientError(() => client.execute(sql))
      expect(err.code, sql).toBe('SQL_PARSE_ERROR')
      expect(err.message).toMatch(/unsupported statement/)
    }
    await client.execute('PRAGMA foreign_keys = ON')
    await client.execute('PRAGMA table_info(kv)')
    await client.execute('PRAGMA journal_mode')
  })

  it('checks arguments against the parameters (ARGS_INVALID, ARGS_BOTH_POSITIONAL_AND_NAMED)', async () => {
    const few = await clientError(() => client.execute({ sql: 'SELECT ?, ?', args: [1] }))
    expect(few.code).toBe('ARGS_INVALID')
    expect(few.message).toMatch(/value for parameter 2 not found/)
    const many = await clientError(() => client.execute({ sql: 'SELECT ?', args: [1, 2] }))
    expect(many.message).toMatch(/too many parameters, expected 1 found 2/)
    const { body } = await pipeline({
      requests: [
        {
          type: 'execute',
          stmt: {
            sql: 'SELECT ?, :a',
            args: [{ type: 'null' }],
            named_args: [{ name: ':a', value: { type: 'null' } }],
          },
        },
        { type: 'close' },
      ],
    })
    expect(body.results[0].error.code).toBe('ARGS_BOTH_POSITIONAL_AND_NAMED')
  })

  it("reports Turso's codes, which our error translation classifies", async () => {
    await client.execute("INSERT OR REPLACE INTO kv VALUES ('dup', 1)")
    const dup = await clientError(() => client.execute("INSERT INTO kv VALUES ('dup', 2)"))
    expect(dup.code).toBe('SQLITE_CONSTRAINT')
    expect(dup.message).toMatch(/SQLite error: UNIQUE constraint failed: kv\.k/)
    const engine = createAsyncEngine(libsql(server.url))
    try {
      await expect(engine.execute(text("INSERT INTO kv VALUES ('dup', 3)"))).rejects.toBeInstanceOf(
        IntegrityError,
      )
      await expect(engine.execute(text('SELEC 1'))).rejects.toBeInstanceOf(ProgrammingError)
      await expect(engine.execute(text('SELECT 1; SELECT 2'))).rejects.toBeInstanceOf(ProgrammingError)
      await expect(engine.execute(text('SELECT nope FROM kv'))).rejects.toBeInstanceOf(ProgrammingError)
      await expect(engine.execute(text('SELECT * FROM missing'))).rejects.toBeInstanceOf(ProgrammingError)
    } finally {
      await engine.dispose()
    }
  })
})

describe('Hrana server protocol', () => {
  it('answers a pipeline with a baton, and a closed stream without one', async () => {
    const open = await pipeline({ baton: null, requests: [] })
    expect(open.status).toBe(200)
    expect(typeof open.body.baton).toBe('string')
    const next = await pipeline({
      baton: open.body.baton,
      requests: [
        { type: 'execute', stmt: { sql: 'BEGIN', want_rows: false } },
        { type: 'execute', stmt: { sql: 'ROLLBACK', want_rows: false } },
        { type: 'close' },
      ],
    })
    expect(next.body.results[2]).toEqual({ type: 'ok', response: { type: 'close' } })
    expect(next.body.baton).toBeNull()
    const closed = await refused({ baton: open.body.baton, requests: [] })
    expect(closed).toEqual({ status: 400, type: 'text/plain', text: 'Received an invalid baton' })
  })

  it('tells a reused baton from an invalid one', async () => {
    const a = await pipeline({ requests: [] })
    const b = await pipeline({ baton: a.body.baton, requests: [] })
    expect((await refused({ baton: a.body.baton, requests: [] })).text).toBe(
      'Received a baton that has already been used',
    )
    // as sqld: the stream stays usable with its current baton
    const c = await pipeline({ baton: b.body.baton, requests: [{ type: 'close' }] })
    expect(c.status).toBe(200)
  })

  it('fails the HTTP request on a protocol error and drops the stream (its transaction rolls back)', async () => {
    const open = await pipeline({
      requests: [
        { type: 'execute', stmt: { sql: 'BEGIN' } },
        { type: 'execute', stmt: { sql: "INSERT INTO kv VALUES ('p1', 1)" } },
      ],
    })
    expect(open.body.results.map((r: any) => r.type)).toEqual(['ok', 'ok'])
    const streams = server.openStreams
    // Hrana 2 has no get_autocommit (Hrana 3 does): sqld refuses it
    const bad = await refused({ baton: open.body.baton, requests: [{ type: 'get_autocommit' }] })
    expect(bad.status).toBe(400)
    expect(bad.type).toBe('text/plain')
    expect(bad.text).toMatch(/only supported in protocol version hrana3/)
    expect(server.openStreams).toBe(streams - 1)
    expect(direct("SELECT count(*) FROM kv WHERE k = 'p1'")).toEqual([[0]])
    expect((await refused({ baton: open.body.baton, requests: [] })).text).toBe('Received an invalid baton')
  })

  it('refuses requests after close in the same pipeline, an unknown sql_id, and bad JSON', async () => {
    const after = await refused({
      requests: [{ type: 'close' }, { type: 'execute', stmt: { sql: 'SELECT 1' } }],
    })
    expect(after).toMatchObject({ status: 400, text: 'Stream for this baton was closed' })
    const unknown = await refused({ requests: [{ type: 'execute', stmt: { sql_id: 7 } }] })
    expect(unknown).toMatchObject({ status: 400, text: 'SQL text 7 not found' })
    const both = await refused({ requests: [{ type: 'execute', stmt: { sql: 'SELECT 1', sql_id: 7 } }] })
    expect(both.text).toBe('Either `sql` or `sql_id` are required, but not both')
    const bad = await fetch(`${server.url}/v2/pipeline`, { method: 'POST', body: '{not json' })
    expect(bad.status).toBe(400)
    expect(bad.headers.get('content-type')).toBe('text/plain')
    expect(await bad.text()).toMatch(/^Cannot deserialize client message from JSON/)
    const missing = await fetch(`${server.url}/v1/execute`, { method: 'POST', body: '{}' })
    expect(missing.status).toBe(404)
  })

  it('encodes values as Hrana values', async () => {
    const { body } = await pipeline({
      requests: [
        {
          type: 'execute',
          stmt: {
            sql: 'SELECT ?, ?, ?, ?, ?, 1.0',
            args: [
              { type: 'integer', value: '-9223372036854775808' },
              { type: 'float', value: 0.5 },
              { type: 'text', value: 'é' },
              { type: 'blob', base64: 'AAEC/w==' },
              { type: 'null' },
            ],
            want_rows: true,
          },
        },
        { type: 'close' },
      ],
    })
    const result = body.results[0].response.result
    expect(result.rows[0]).toEqual([
      { type: 'integer', value: '-9223372036854775808' },
      { type: 'float', value: 0.5 },
      { type: 'text', value: 'é' },
      { type: 'blob', base64: 'AAEC/w==' },
      { type: 'null' },
      { type: 'float', value: 1 },
    ])
    expect(result.cols[0]).toEqual({ name: '?', decltype: null })
  })

  it('reports affected rows for INSERT/UPDATE/DELETE only and a rowid for INSERT only', async () => {
    const stmt = (sql: string) => ({ type: 'execute', stmt: { sql } })
    const { body } = await pipeline({
      requests: [
        stmt('CREATE TABLE counts (id INTEGER PRIMARY KEY, x)'),
        stmt('INSERT INTO counts (x) VALUES (1), (2)'),
        stmt('UPDATE counts SET x = x + 1'),
        stmt('SELECT * FROM counts'),
        stmt('WITH d AS (SELECT 1) DELETE FROM counts WHERE id = 1 RETURNING id'),
        stmt('DROP TABLE counts'),
        { type: 'close' },
      ],
    })
    const r = body.results.slice(0, 6).map((x: any) => x.response.result)
    expect(r.map((x: any) => [x.affected_row_count, x.last_insert_rowid])).toEqual([
      [0, null],
      [2, '2'],
      [2, null],
      [0, null],
      [1, null],
      [0, null],
    ])
  })

  it('evaluates batch conditions: ok, error, not, and, or', async () => {
    const stmt = (sql: string) => ({ sql, want_rows: true })
    const { body } = await pipeline({
      requests: [
        {
          type: 'batch',
          batch: {
            steps: [
              { stmt: stmt('SELECT 1') },
              { stmt: stmt('SELECT nope') },
              { condition: { type: 'ok', step: 0 }, stmt: stmt('SELECT 2') },
              { condition: { type: 'ok', step: 1 }, stmt: stmt('SELECT 3') },
              { condition: { type: 'error', step: 1 }, stmt: stmt('SELECT 4') },
              { condition: { type: 'not', cond: { type: 'ok', step: 1 } }, stmt: stmt('SELECT 5') },
              {
                condition: {
                  type: 'and',
                  conds: [
                    { type: 'ok', step: 0 },
                    { type: 'ok', step: 1 },
                  ],
                },
                stmt: stmt('SELECT 6'),
              },
              {
                condition: {
                  type: 'or',
                  conds: [
                    { type: 'ok', step: 0 },
                    { type: 'ok', step: 1 },
                  ],
                },
                stmt: stmt('SELECT 7'),
              },
            ],
          },
        },
        { type: 'close' },
      ],
    })
    const { step_results, step_errors } = body.results[0].response.result
    const ran = step_results.map((r: any) => (r === null ? null : r.rows[0][0].value))
    expect(ran).toEqual(['1', null, '2', null, '4', '5', null, '7'])
    expect(step_errors[1]).toEqual({
      code: 'SQL_INPUT_ERROR',
      message: 'SQL input error: no such column: nope (at offset 7)',
    })
  })

  it('refuses a condition on a later step and is_autocommit (Hrana 3) as protocol errors', async () => {
    const later = await refused({
      requests: [
        {
          type: 'batch',
          batch: { steps: [{ condition: { type: 'ok', step: 0 }, stmt: { sql: 'SELECT 1' } }] },
        },
      ],
    })
    expect(later).toMatchObject({ status: 400, text: 'Invalid reference to step in a batch condition' })
    const v3 = await refused({
      requests: [
        {
          type: 'batch',
          batch: { steps: [{ condition: { type: 'is_autocommit' }, stmt: { sql: 'SELECT 1' } }] },
        },
      ],
    })
    expect(v3.text).toMatch(/is_autocommit.*hrana3/)
  })

  it('reports SQLite errors by their primary code, as rusqlite names them', async () => {
    const { body } = await pipeline({
      requests: [
        { type: 'execute', stmt: { sql: 'SELECT * FROM missing' } },
        { type: 'execute', stmt: { sql: 'SELECT abs(-9223372036854775808)' } },
        { type: 'execute', stmt: { sql: 'INSERT INTO kv VALUES (NULL, 1) RETURNING k' } },
        { type: 'close' },
      ],
    })
    expect(body.results.slice(0, 2).map((r: any) => r.error)).toEqual([
      { code: 'SQLITE_UNKNOWN', message: 'SQLite error: no such table: missing' },
      { code: 'SQLITE_UNKNOWN', message: 'SQLite error: integer overflow' },
    ])
    expect(body.results[2].type).toBe('ok')
  })

  it('stores at most 50 SQL texts of at most 5000 bytes per stream; an unknown sql_id fails the request', async () => {
    const stores = Array.from({ length: 51 }, (_, i) => ({
      type: 'store_sql',
      sql_id: i + 1,
      sql: 'SELECT 1',
    }))
    const { body } = await pipeline({
      requests: [
        ...stores,
        { type: 'execute', stmt: { sql_id: 1, want_rows: true } },
        { type: 'close_sql', sql_id: 1 },
        { type: 'store_sql', sql_id: 100, sql: `SELECT '${'é'.repeat(2500)}'` },
        { type: 'close' },
      ],
    })
    expect(body.results[49]).toEqual({ type: 'ok', response: { type: 'store_sql' } })
    expect(body.results[50].error.code).toBe('SQL_STORE_TOO_MANY')
    expect(body.results[51].response.result.rows).toEqual([[{ type: 'integer', value: '1' }]])
    expect(body.results[53].error.code).toBe('SQL_STORE_TOO_LARGE')
  })

  it('refuses a result over maxResponseBytes with RESPONSE_TOO_LARGE', async () => {
    const small = await startHranaServer({ maxResponseBytes: 1000 })
    const c = createClient({ url: small.url })
    try {
      expect((await c.execute("SELECT zeroblob(900), 'x'")).rows.length).toBe(1)
      const err = await clientError(() => c.execute('SELECT zeroblob(600) UNION ALL SELECT zeroblob(600)'))
      expect(err.code).toBe('RESPONSE_TOO_LARGE')
      expect(err.message).toMatch(/Response is too large/)
    } finally {
      c.close()
      await small.close()
    }
  })

  it('describes a statement', async () => {
    const { body } = await pipeline({
      requests: [{ type: 'describe', sql: 'SELECT k, v FROM kv WHERE k = :k AND v > ?' }, { type: 'close' }],
    })
    expect(body.results[0].response.result).toEqual({
      params: [{ name: ':k' }, { name: null }],
      cols: [
        { name: 'k', decltype: 'TEXT' },
        { name: 'v', decltype: null },
      ],
      is_explain: false,
      is_readonly: true,
    })
  })

  it('answers an expired stream with HTTP 500 and STREAM_EXPIRED', async () => {
    const open = await pipeline({ requests: [] })
    server.injectFault('expire-streams')
    const res = await fetch(`${server.url}/v2/pipeline`, {
      method: 'POST',
      body: JSON.stringify({ baton: open.body.baton, requests: [] }),
    })
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({
      message: 'The stream has expired due to inactivity',
      code: 'STREAM_EXPIRED',
    })
  })

  it('requires the bearer token when one is configured', async () => {
    const guarded = await startHranaServer({ authToken: 'sekret-token' })
    try {
      const body = { requests: [{ type: 'close' }] }
      const res = await fetch(`${guarded.url}/v2/pipeline`, { method: 'POST', body: JSON.stringify(body) })
      expect(res.status).toBe(401)
      expect(await res.json()).toEqual({
        error: 'Unauthorized: `Authentication is required but no JWT was specified`',
      })
      const ok = await fetch(`${guarded.url}/v2/pipeline`, {
        method: 'POST',
        headers: { authorization: 'Bearer sekret-token' },
        body: JSON.stringify(body),
      })
      expect(ok.status).toBe(200)
      expect(guarded.requests).toBe(2)
    } finally {
      await guarded.close()
    }
  })
})
