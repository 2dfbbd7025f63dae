/**
 * testing/servers/neon-http as users meet it: the official `neon()` driver in its default modes
 * (object rows, the driver's own type parsing, tagged templates, `transaction()`), and the
 * protocol seen with plain fetch (headers, reply shapes, error bodies, counting), held to what
 * Neon's proxy does: every error field key, echoed batch headers, JSON parameters of any type,
 * typed JSON without `Neon-Raw-Text-Output`, no session state across requests.
 */
import { neon, neonConfig } from '@neondatabase/serverless'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type NeonHttpServer, startNeonHttpServer } from '../../testing/servers/neon-http/index.js'
import { errorFields } from '../../testing/servers/neon-http/protocol.js'
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

  it('answers {queries} with {results}, applies the batch headers and echoes them', async () => {
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
    expect(res.headers.get('neon-batch-isolation-level')).toBe('RepeatableRead')
    expect(res.headers.get('neon-batch-read-only')).toBe('true')
    expect(res.headers.has('neon-batch-deferrable')).toBe(false)
    // a single query echoes nothing; an isolation level spelled otherwise is refused
    const single = await post({ query: 'SELECT 1', params: [] }, { 'Neon-Batch-Read-Only': 'true' })
    expect(single.headers.has('neon-batch-read-only')).toBe(false)
    const bad = await post({ queries: [] }, { 'Neon-Batch-Isolation-Level': 'repeatable read' })
    expect(bad.status).toBe(400)
    expect((await bad.json()).message).toBe('invalid isolation level')
  })

  it('returns objects when Neon-Array-Mode is not true', async () => {
    const res = await post({ query: "SELECT 1 AS a, 'b' AS b", params: [] }, { 'Neon-Array-Mode': 'false' })
    expect(await res.json()).toMatchObject({ rows: [{ a: '1', b: 'b' }], rowAsArray: false })
  })

  it('answers errors with HTTP 400 and every PostgreSQL field key, null when absent', async () => {
    const res = await post({ query: 'SELECT 1/0', params: [] })
    expect(res.status).toBe(400)
    const body = await res.json()
    expect(Object.keys(body)).toEqual(['message', ...errorFields])
    expect(body).toMatchObject({
      message: 'division by zero',
      code: '22012',
      severity: 'ERROR',
      detail: null,
    })
    const missing = await fetch(server.endpoint, { method: 'POST', body: '{"query":"SELECT 1"}' })
    expect(missing.status).toBe(400)
    const request = await missing.json()
    expect(request.message).toBe('invalid header: neon-connection-string')
    expect(Object.keys(request)).toEqual(['message', ...errorFields])
    expect(errorFields.every((f) => request[f] === null)).toBe(true)
    const bad = await post({ query: 'SELECT 1', params: [] }, { 'Neon-Connection-String': 'mysql://x:y@h/z' })
    expect((await bad.json()).message).toBe('incorrect scheme')
    const noPassword = await post(
      { query: 'SELECT 1', params: [] },
      { 'Neon-Connection-String': 'postgresql://postgres@ep-test.localtest.me/test' },
    )
    expect(noPassword.status).toBe(400)
    expect((await noPassword.json()).message).toBe('missing authentication credentials: required password')
    const junk = await post('not json', {})
    expect(junk.status).toBe(400)
    expect((await junk.json()).message).toMatch(/^could not parse the HTTP request body/)
  })

  it('answers an unknown database with HTTP 400 and 3D000, which neon() throws with its code', async () => {
    const other = url.replace('/test?', '/no_such_db_h2?')
    const res = await post({ query: 'SELECT 1', params: [] }, { 'Neon-Connection-String': other })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({
      code: '3D000',
      message: 'database "no_such_db_h2" does not exist',
    })
    await expect(neon(other)`SELECT 1`).rejects.toMatchObject({ name: 'NeonDbError', code: '3D000' })
  })

  it("answers an unknown role as the proxy's own login failure: HTTP 400 without a code", async () => {
    const stranger = url.replace('postgres:pw@', 'h2_no_such_role:pw@')
    const err = await neon(stranger)`SELECT 1`.then(
      () => undefined,
      (e: unknown) => e as { name: string; code?: string; message: string },
    )
    expect(err).toMatchObject({
      name: 'NeonDbError',
      message: "password authentication failed for user 'h2_no_such_role'",
    })
    expect(err?.code).toBeUndefined()
  })

  it('takes non-string JSON parameters as the proxy converts them', async () => {
    const res = await post({
      query: 'SELECT $1::int + 1, $2::bool, $3::jsonb, $4::int[], $5::text[], $6::text, $7::text',
      params: [41, true, { a: [1, 'x'] }, [1, null, 3], ['a"b', 'NULL', null, 'c\\d'], 1.5, null],
    })
    expect(res.status).toBe(200)
    expect((await res.json()).rows).toEqual([
      ['42', 't', '{"a": [1, "x"]}', '{1,NULL,3}', '{"a\\"b","NULL",NULL,"c\\\\d"}', '1.5', null],
    ])
  })

  it('serves typed JSON when Neon-Raw-Text-Output is absent, and text when it is true', async () => {
    const query = {
      query: `SELECT 1::int4 AS i, 2::int8 AS b, 1.5::float8 AS f, 'NaN'::float8 AS n, true AS t,
        '{"x": [1]}'::jsonb AS j, ARRAY[1, 2] AS a, ARRAY['x y', NULL, 'q"'] AS s, 1.50::numeric AS d,
        ARRAY[[true], [false]] AS m, NULL::int AS z`,
      params: [],
      arrayMode: false,
    }
    const typed = await fetch(server.endpoint, {
      method: 'POST',
      body: JSON.stringify(query),
      headers: { 'Neon-Connection-String': url, 'Neon-Array-Mode': 'true' },
    })
    const body = await typed.json()
    // arrayMode in the query wins over the header
    expect(body.rowAsArray).toBe(false)
    expect(body.rows).toEqual([
      {
        i: 1,
        b: '2',
        f: 1.5,
        n: 'NaN',
        t: true,
        j: { x: [1] },
        a: [1, 2],
        s: ['x y', null, 'q"'],
        d: '1.50',
        m: [[true], [false]],
        z: null,
      },
    ])
    const raw = await (await post(query)).json()
    expect(raw.rows[0]).toMatchObject({ i: '1', t: 't', a: '{1,2}', j: '{"x": [1]}' })
  })

  it("fails an empty int[] in typed JSON with HTTP 500, as the proxy's array parser does", async () => {
    const res = await fetch(server.endpoint, {
      method: 'POST',
      body: JSON.stringify({ query: "SELECT '{}'::int[] AS e, '{}'::text[] AS t", params: [] }),
      headers: { 'Neon-Connection-String': url },
    })
    expect(res.status).toBe(500)
    expect((await res.json()).message).toBe('could not parse postgres response')
  })

  it('refuses a request over maxRequestBytes (413) and a reply over maxResponseBytes (507, a batch rolls back)', async () => {
    const small = await startNeonHttpServer({ maxRequestBytes: 2000, maxResponseBytes: 3000 })
    try {
      const send = (body: unknown) =>
        fetch(small.endpoint, {
          method: 'POST',
          body: JSON.stringify(body),
          headers: {
            'Neon-Connection-String': url,
            'Neon-Raw-Text-Output': 'true',
            'Neon-Array-Mode': 'true',
          },
        })
      const big = await send({ query: 'SELECT $1::text', params: ['x'.repeat(3000)] })
      expect(big.status).toBe(413)
      expect((await big.json()).message).toBe('request is too large (max is 2000 bytes)')
      const wide = await send({
        queries: [
          { query: "INSERT INTO notes (body) VALUES ('too-large')", params: [] },
          { query: 'SELECT repeat($1, 4000)', params: ['y'] },
        ],
      })
      expect(wide.status).toBe(507)
      expect((await wide.json()).message).toBe('response is too large (max is 3000 bytes)')
      expect(await db.exec("SELECT count(*) FROM notes WHERE body = 'too-large'")).toEqual([['0']])
    } finally {
      await small.close()
    }
  })

  it('resets session state before a connection serves the next request', async () => {
    const one = await startNeonHttpServer({ poolSize: 1 })
    try {
      const send = (query: string) =>
        fetch(one.endpoint, {
          method: 'POST',
          body: JSON.stringify({ query, params: [] }),
          headers: {
            'Neon-Connection-String': url,
            'Neon-Raw-Text-Output': 'true',
            'Neon-Array-Mode': 'true',
          },
        }).then((r) => r.json())
      const pid = (await send('SELECT pg_backend_pid()')).rows[0][0]
      await send("SET statement_timeout = '1234s'")
      await send('CREATE TEMP TABLE scratch (x int)')
      expect((await send('SELECT pg_backend_pid()')).rows[0][0]).toBe(pid)
      expect((await send('SHOW statement_timeout')).rows[0][0]).not.toBe('1234s')
      expect((await send("SELECT to_regclass('pg_temp.scratch')")).rows[0][0]).toBeNull()
    } finally {
      await one.close()
    }
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
