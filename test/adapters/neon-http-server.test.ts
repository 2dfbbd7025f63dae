/**
 * testing/servers/neon-http as users meet it: the official `neon()` driver in its default modes
 * (object rows, the driver's own type parsing, tagged templates, `transaction()`), and the
 * protocol seen with plain fetch (headers, reply shapes, error bodies, counting).
 */
import { neon, neonConfig } from '@neondatabase/serverless'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type NeonHttpServer, startNeonHttpServer } from '../../testing/servers/neon-http/index.js'
import { openPostgres, type TestDatabase } from '../support/databases.js'

let server: NeonHttpServer
let db: TestDatabase
let url: string

beforeAll(async () => {
  server = await startNeonHttpServer()
  db = await openPostgres('neon_http_server')
  const schema = String((await db.exec('SELECT current_schema()'))[0]?.[0])
  await db.exec('CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL UNIQUE, at timestamptz)')
  url = `postgresql://postgres:pw@ep-test.localtest.me/test?options=${encodeURIComponent(`-c search_path=${schema}`)}`
  neonConfig.fetchEndpoint = server.endpoint
})

afterAll(async () => {
  delete neonConfig.opts.fetchEndpoint
  await server?.close()
  await db?.close()
})

beforeEach(async () => {
  await db.exec('TRUNCATE notes RESTART IDENTITY')
  server.resetCount()
})

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(server.endpoint, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: {
      'Neon-Connection-String': url,
      'Neon-Raw-Text-Output': 'true',
      'Neon-Array-Mode': 'true',
      ...headers,
    },
  })

describe('neon-http server with the official driver', () => {
  it('serves tagged templates with object rows and the driver parsing types', async () => {
    const sql = neon(url)
    const at = new Date('2024-05-06T07:08:09.123Z')
    await sql`INSERT INTO notes (body, at) VALUES (${'hello'}, ${at})`
    const rows = await sql`SELECT id, body, at, ${42}::int AS n, ${true}::bool AS b FROM notes`
    expect(rows).toEqual([{ id: 1, body: 'hello', at, n: 42, b: true }])
    expect(server.requests).toBe(2)
  })

  it('runs transaction() atomically in one request, function form too', async () => {
    const sql = neon(url)
    const [a, b] = await sql.transaction((tx) => [
      tx`INSERT INTO notes (body) VALUES ('one') RETURNING id`,
      tx`SELECT count(*)::int AS c FROM notes`,
    ])
    expect(a).toEqual([{ id: 1 }])
    expect(b).toEqual([{ c: 1 }])
    await expect(
      sql.transaction([
        sql`INSERT INTO notes (body) VALUES ('two')`,
        sql`INSERT INTO notes (body) VALUES ('one')`,
      ]),
    ).rejects.toMatchObject({ name: 'NeonDbError', code: '23505', constraint: 'notes_body_key' })
    expect(await sql`SELECT body FROM notes ORDER BY id`).toEqual([{ body: 'one' }])
    expect(server.requests).toBe(3)
  })

  it('gives full results with fields, command and rowCount', async () => {
    const sql = neon(url, { fullResults: true, arrayMode: true })
    const r = await sql.query('INSERT INTO notes (body) VALUES ($1), ($2) RETURNING id', ['x', 'y'])
    expect(r.command).toBe('INSERT')
    expect(r.rowCount).toBe(2)
    expect(r.rows).toEqual([[1], [2]])
    expect(r.fields[0]).toMatchObject({ name: 'id', dataTypeID: 23 })
  })
})

describe('neon-http server protocol', () => {
  it('answers one query with text values in array mode', async () => {
    const res = await post({ query: 'SELECT $1::int8 + 1 AS n, NULL AS z', params: ['9007199254740992'] })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    const body = await res.json()
    expect(body).toMatchObject({
      command: 'SELECT',
      rowCount: 1,
      rowAsArray: true,
      rows: [['9007199254740993', null]],
    })
    expect(body.fields.map((f: { name: string; dataTypeID: number }) => [f.name, f.dataTypeID])).toEqual([
      ['n', 20],
      ['z', 25],
    ])
  })

  it('answers {queries} with {results} and applies the batch headers', async () => {
    const res = await post(
      {
        queries: [
          { query: 'SHOW transaction_isolation', params: [] },
          { query: 'SHOW transaction_read_only', params: [] },
        ],
      },
      {
        'Neon-Batch-Isolation-Level': 'RepeatableRead',
        'Neon-Batch-Read-Only': 'true',
        'Neon-Batch-Deferrable': 'false',
      },
    )
    const body = await res.json()
    expect(body.results.map((r: { rows: string[][] }) => r.rows[0]?.[0])).toEqual(['repeatable read', 'on'])
  })

  it('returns objects when Neon-Array-Mode is not true', async () => {
    const res = await post({ query: "SELECT 1 AS a, 'b' AS b", params: [] }, { 'Neon-Array-Mode': 'false' })
    expect(await res.json()).toMatchObject({ rows: [{ a: '1', b: 'b' }], rowAsArray: false })
  })

  it('answers errors with HTTP 400 and pg error fields', async () => {
    const res = await post({ query: 'SELECT 1/0', params: [] })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ message: 'division by zero', code: '22012', severity: 'ERROR' })
    const missing = await fetch(server.endpoint, { method: 'POST', body: '{"query":"SELECT 1"}' })
    expect(missing.status).toBe(400)
    expect((await missing.json()).message).toMatch(/Neon-Connection-String/)
    const bad = await post({ query: 'SELECT 1', params: [] }, { 'Neon-Connection-String': 'mysql://x@y/z' })
    expect(bad.status).toBe(400)
    const junk = await post('not json', {})
    expect(junk.status).toBe(400)
  })

  it('counts POST /sql only (not CORS preflights or other paths)', async () => {
    await fetch(server.endpoint, { method: 'OPTIONS' })
    expect((await fetch(`${server.url}/other`, { method: 'POST' })).status).toBe(404)
    expect(server.requests).toBe(0)
    await post({ query: 'SELECT 1', params: [] })
    expect(server.requests).toBe(1)
  })

  it('injects http-500 and network faults once each', async () => {
    server.injectFault('http-500')
    server.injectFault('network')
    const r1 = await post({ query: 'SELECT 1', params: [] })
    expect(r1.status).toBe(500)
    await expect(post({ query: 'SELECT 1', params: [] })).rejects.toThrow()
    expect((await post({ query: 'SELECT 1', params: [] })).status).toBe(200)
    expect(server.requests).toBe(3)
  })
})
