/**
 * The Hrana 2 over HTTP test server: what @libsql/client uses (sequence, named arguments,
 * stored SQL) through the official client, and the rest of the protocol as raw pipeline bodies.
 */
import { mkdirSync, rmSync } from 'node:fs'
import { resolve } from 'node:path'
import { type Client, createClient } from '@libsql/client/web'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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

describe('Hrana server protocol', () => {
  it('answers a pipeline with a baton, and a closed stream without one', async () => {
    const open = await pipeline({ baton: null, requests: [{ type: 'get_autocommit' }] })
    expect(open.status).toBe(200)
    expect(open.body.results).toEqual([
      { type: 'ok', response: { type: 'get_autocommit', is_autocommit: true } },
    ])
    expect(typeof open.body.baton).toBe('string')
    const next = await pipeline({
      baton: open.body.baton,
      requests: [
        { type: 'execute', stmt: { sql: 'BEGIN', want_rows: false } },
        { type: 'get_autocommit' },
        { type: 'execute', stmt: { sql: 'ROLLBACK', want_rows: false } },
        { type: 'close' },
      ],
    })
    expect(next.body.results[1].response.is_autocommit).toBe(false)
    expect(next.body.results[3]).toEqual({ type: 'ok', response: { type: 'close' } })
    expect(next.body.baton).toBeNull()
    const reused = await pipeline({ baton: next.body.baton ?? open.body.baton, requests: [] })
    expect(reused.status).toBe(400)
    expect(reused.body.code).toBe('BATON_INVALID')
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

  it('evaluates batch conditions: ok, error, not, and, or, is_autocommit', async () => {
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
              { condition: { type: 'is_autocommit' }, stmt: stmt('SELECT 8') },
            ],
          },
        },
        { type: 'close' },
      ],
    })
    const { step_results, step_errors } = body.results[0].response.result
    const ran = step_results.map((r: any) => (r === null ? null : r.rows[0][0].value))
    expect(ran).toEqual(['1', null, '2', null, '4', '5', null, '7', '8'])
    expect(step_errors[1]).toMatchObject({ code: 'SQLITE_ERROR' })
    expect(step_errors[1].message).toMatch(/no such column: nope/)
  })

  it('stores SQL per stream and reports unknown sql_id as an error result', async () => {
    const { body } = await pipeline({
      requests: [
        { type: 'store_sql', sql_id: 1, sql: 'SELECT ? * 2' },
        { type: 'execute', stmt: { sql_id: 1, args: [{ type: 'integer', value: '21' }], want_rows: true } },
        { type: 'close_sql', sql_id: 1 },
        { type: 'execute', stmt: { sql_id: 1, args: [], want_rows: true } },
        { type: 'close' },
      ],
    })
    expect(body.results[1].response.result.rows).toEqual([[{ type: 'integer', value: '42' }]])
    expect(body.results[2]).toEqual({ type: 'ok', response: { type: 'close_sql' } })
    expect(body.results[3]).toMatchObject({ type: 'error', error: { code: 'SQL_NOT_FOUND' } })
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

  it('reports SQLite errors with extended codes', async () => {
    await client.execute("INSERT OR REPLACE INTO kv VALUES ('dup', 1)")
    const { body } = await pipeline({
      requests: [{ type: 'execute', stmt: { sql: "INSERT INTO kv VALUES ('dup', 2)" } }, { type: 'close' }],
    })
    expect(body.results[0]).toEqual({
      type: 'error',
      error: { message: 'UNIQUE constraint failed: kv.k', code: 'SQLITE_CONSTRAINT_PRIMARYKEY' },
    })
  })

  it('answers protocol errors with JSON {message, code}', async () => {
    const bad = await fetch(`${server.url}/v2/pipeline`, { method: 'POST', body: '{not json' })
    expect(bad.status).toBe(400)
    expect(bad.headers.get('content-type')).toBe('application/json')
    expect(await bad.json()).toMatchObject({ code: 'PROTO_ERROR' })
    const missing = await fetch(`${server.url}/v1/execute`, { method: 'POST', body: '{}' })
    expect(missing.status).toBe(404)
  })

  it('requires the bearer token when one is configured', async () => {
    const guarded = await startHranaServer({ authToken: 'sekret-token' })
    try {
      const body = { requests: [{ type: 'close' }] }
      const res = await fetch(`${guarded.url}/v2/pipeline`, { method: 'POST', body: JSON.stringify(body) })
      expect(res.status).toBe(401)
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
