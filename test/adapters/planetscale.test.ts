/**
 * The planetscale adapter with the official @planetscale/database driver, against
 * testing/servers/planetscale in front of MariaDB (one database for this file): raw values and
 * Vitess types, sessions pinned to one connection, atomic batches and their round trips,
 * escaping of client-side interpolated parameters, errors, faults and redaction.
 */
import { inspect } from 'node:util'
import { connect } from '@planetscale/database'
import fc from 'fast-check'
import mysql2 from 'mysql2/promise'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { planetscale } from '../../adapters/planetscale/index.js'
import {
  type Adapter,
  createAsyncEngine,
  IntegrityError,
  type IsolationLevel,
  OperationalError,
  redactError,
  type Statement,
  text,
} from '../../core/index.js'
import { type PlanetScaleServer, startPlanetScaleServer } from '../../testing/servers/planetscale/index.js'
import { uniqueName } from '../support/databases.js'

/** An isolation level as an untyped caller may spell it: adapters read any spelling and refuse unknown names. */
const spelled = (name: string) => name as IsolationLevel

const database = uniqueName('planetscale')
const PASSWORD = 'pscale_pw_Zq8s3cr3tValueNeverShown'
let server: PlanetScaleServer
let adapter: Adapter

const admin = () => mysql2.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' })

async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn()
  } catch (err) {
    return err
  }
  throw new Error('expected an error')
}

const run = (sql: string, params: unknown[] = []) => adapter.execute({ sql, params })
const stmt = (sql: string, params: unknown[] = []): Statement => ({ sql, params })
const countOf = async (table: string) => Number((await run(`SELECT count(*) FROM ${table}`)).rows[0]?.[0])

beforeAll(async () => {
  const a = await admin()
  await a.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`)
  await a.end()
  server = await startPlanetScaleServer({ database, password: PASSWORD })
  adapter = planetscale(server.url)
  await run(
    'CREATE TABLE items (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL UNIQUE, qty INT, price DECIMAL(10,2), data LONGBLOB, doc JSON, at DATETIME(3))',
  )
  await run(
    'CREATE TABLE esc (id INT PRIMARY KEY, s LONGTEXT, b LONGBLOB, big BIGINT, d DOUBLE) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin',
  )
})
afterAll(async () => {
  await adapter?.close()
  await server?.close()
  const a = await admin()
  await a.query(`DROP DATABASE IF EXISTS ${database}`)
  await a.end()
})
beforeEach(async () => {
  await run('DELETE FROM items')
  server.resetCount()
})

describe('PlanetScale server protocol', () => {
  const post = async (path: string, body: unknown, auth = `${server.username}:${server.password}`) => {
    const res = await fetch(`http://127.0.0.1:${server.port}/psdb.v1alpha1.Database/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${btoa(auth)}` },
      body: JSON.stringify(body),
    })
    return { status: res.status, body: (await res.json()) as Record<string, any> }
  }

  it('answers protojson: int64 as strings, zero values omitted, rows as lengths + base64', async () => {
    const { status, body } = await post('Execute', {
      query: "SELECT 1 AS one, NULL AS nothing, 'héllo' AS s, x'00ff' AS b, '' AS empty",
      session: null,
    })
    expect(status).toBe(200)
    expect(body.error).toBeUndefined()
    expect(body.session.vitessSession.sessionUUID).toEqual(expect.any(String))
    const { fields, rows, rowsAffected, insertId } = body.result
    expect(rowsAffected).toBeUndefined()
    expect(insertId).toBeUndefined()
    expect(fields.map((f: { name: string; type?: string }) => [f.name, f.type])).toEqual([
      ['one', 'INT32'],
      ['nothing', undefined],
      ['s', 'VARCHAR'],
      ['b', 'VARBINARY'],
      ['empty', 'VARCHAR'],
    ])
    expect(fields[1].charset).toBe(63)
    expect(rows).toHaveLength(1)
    expect(rows[0].lengths).toEqual(['1', '-1', '6', '2', '0'])
    expect(Buffer.from(rows[0].values, 'base64')).toEqual(
      Buffer.concat([Buffer.from('1héllo'), Buffer.from([0, 255])]),
    )
  })

  it('reports rowsAffected and insertId as strings', async () => {
    const { body } = await post('Execute', {
      query: "INSERT INTO items (name) VALUES ('p1'), ('p2')",
      session: null,
    })
    expect(body.result.rowsAffected).toBe('2')
    expect(body.result.insertId).toMatch(/^\d+$/)
    expect(body.result.fields).toBeUndefined()
  })

  it('maps column metadata to Vitess type names', async () => {
    await run(
      "CREATE TABLE types (i8 TINYINT, u8 TINYINT UNSIGNED, i16 SMALLINT, i24 MEDIUMINT, i32 INT, u32 INT UNSIGNED, i64 BIGINT, u64 BIGINT UNSIGNED, f FLOAT, d DOUBLE, dec1 DECIMAL(5,2), vc VARCHAR(5), ch CHAR(2), tx TEXT, lt LONGTEXT, bl BLOB, vb VARBINARY(4), bn BINARY(2), dt DATETIME, ts TIMESTAMP NULL, da DATE, ti TIME, yr YEAR, js JSON, en ENUM('a','b'), st SET('a','b'), bt BIT(3))",
    )
    const r = await run('SELECT * FROM types')
    expect(Object.fromEntries(r.columns.map((c, i) => [c, r.columnTypes?.[i]]))).toEqual({
      i8: 'INT8',
      u8: 'UINT8',
      i16: 'INT16',
      i24: 'INT24',
      i32: 'INT32',
      u32: 'UINT32',
      i64: 'INT64',
      u64: 'UINT64',
      f: 'FLOAT32',
      d: 'FLOAT64',
      dec1: 'DECIMAL',
      vc: 'VARCHAR',
      ch: 'CHAR',
      tx: 'TEXT',
      lt: 'TEXT',
      bl: 'BLOB',
      vb: 'VARBINARY',
      bn: 'BINARY',
      dt: 'DATETIME',
      ts: 'TIMESTAMP',
      da: 'DATE',
      ti: 'TIME',
      yr: 'YEAR',
      js: 'JSON',
      en: 'ENUM',
      st: 'SET',
      bt: 'BIT',
    })
  })

  it('answers a SQL error with HTTP 200 and `error` ending in (errno N) (sqlstate S)', async () => {
    const { status, body } = await post('Execute', { query: 'SELEC 1', session: null })
    expect(status).toBe(200)
    expect(body.result).toBeUndefined()
    expect(body.error.code).toBe('INVALID_ARGUMENT')
    expect(body.error.message).toMatch(/syntax.*\(errno 1064\) \(sqlstate 42000\)$/)
    expect(body.session).toBeDefined()
  })

  it('refuses wrong credentials (401) and forged sessions; CreateSession gives a session', async () => {
    const bad = await post('Execute', { query: 'SELECT 1' }, `${server.username}:wrong`)
    expect(bad.status).toBe(401)
    const created = await post('CreateSession', {})
    expect(created.status).toBe(200)
    expect(created.body.session.signature).toEqual(expect.any(String))
    const forged = {
      ...created.body.session,
      vitessSession: { ...created.body.session.vitessSession, inTransaction: true },
    }
    const r = await post('Execute', { query: 'SELECT 1', session: forged })
    expect(r.body.error.code).toBe('PERMISSION_DENIED')
  })

  it('pins a transaction to one MySQL connection through the driver', async () => {
    const conn = connect({ url: server.url })
    const ids = await conn.transaction(async (tx) => {
      const out: string[] = []
      for (let i = 0; i < 4; i++) {
        const r = await tx.execute('SELECT CONNECTION_ID()', null, { as: 'array' })
        out.push(String((r.rows[0] as unknown[])[0]))
        // a statement outside the transaction in between, on any connection
        await connect({ url: server.url }).execute('SELECT 1')
      }
      return out
    })
    expect(new Set(ids).size).toBe(1)
    expect(server.pinnedSessions).toBe(0)
  })
})

describe('planetscale adapter', () => {
  it('declares its capabilities', () => {
    expect(adapter.name).toBe('planetscale')
    expect(adapter.capabilities).toEqual({
      interactiveTransactions: true,
      atomicBatch: true,
      batchRoundTrips: 'per-statement',
      savepoints: true,
      maxParams: 65535,
      streaming: 'paged',
      updateRowCount: 'changed',
    })
  })

  it('executes with parameters; values come back raw with Vitess types', async () => {
    const bytes = new Uint8Array([0, 1, 2, 254, 255, 39, 92])
    await run('INSERT INTO items (name, qty, price, data, doc, at) VALUES (?, ?, ?, ?, ?, ?)', [
      "it's",
      7,
      '12.50',
      bytes,
      '{"a": [1, "x"]}',
      '2024-01-02 03:04:05.678',
    ])
    await run('INSERT INTO items (name) VALUES (?)', ['empty'])
    const r = await run(
      'SELECT name, qty, price, data, doc, at, id FROM items WHERE name IN (?, ?) ORDER BY name',
      ["it's", 'empty'],
    )
    expect(r.columns).toEqual(['name', 'qty', 'price', 'data', 'doc', 'at', 'id'])
    expect(r.columnTypes).toEqual(['VARCHAR', 'INT32', 'DECIMAL', 'BLOB', 'JSON', 'DATETIME', 'INT64'])
    expect(r.rowsAffected).toBe(-1)
    expect(r.rows[0]?.slice(0, 6)).toEqual(['empty', null, null, null, null, null])
    const [name, qty, price, data, doc, at, id] = r.rows[1] as unknown[]
    expect([name, qty, price, doc, at]).toEqual([
      "it's",
      '7',
      '12.50',
      '{"a": [1, "x"]}',
      '2024-01-02 03:04:05.678',
    ])
    expect(data).toBeInstanceOf(Uint8Array)
    expect(Array.from(data as Uint8Array)).toEqual(Array.from(bytes))
    expect(id).toMatch(/^\d+$/)
  })

  it('reports rowsAffected (changed rows) and lastInsertId', async () => {
    const first = await run("INSERT INTO items (name) VALUES ('a')")
    expect(first.rowsAffected).toBe(1)
    expect(first.lastInsertId).toEqual(expect.any(Number))
    const two = await run("INSERT INTO items (name) VALUES ('b'), ('c')")
    expect(two.rowsAffected).toBe(2)
    // a multi-row insert reports the first new key
    expect(two.lastInsertId).toBe((first.lastInsertId as number) + 1)
    const upd = await run("UPDATE items SET qty = 1 WHERE name IN ('a', 'b')")
    expect(upd.rowsAffected).toBe(2)
    expect(upd.lastInsertId).toBeUndefined()
    // PlanetScale counts changed rows: writing the same value again changes nothing
    expect((await run("UPDATE items SET qty = 1 WHERE name = 'a'")).rowsAffected).toBe(0)
    expect((await run("DELETE FROM items WHERE name = 'c'")).rowsAffected).toBe(1)
  })

  it('runs a batch atomically: BEGIN + each + COMMIT on one session', async () => {
    server.resetCount()
    const results = await adapter.batch([
      stmt('INSERT INTO items (name) VALUES (?)', ['b1']),
      stmt('INSERT INTO items (name) VALUES (?)', ['b2']),
      stmt('SELECT count(*) FROM items'),
    ])
    expect(server.requests).toBe(5)
    expect(results.map((r) => r.rowsAffected)).toEqual([1, 1, -1])
    expect(results[2]?.rows).toEqual([['2']])
    expect(server.pinnedSessions).toBe(0)
  })

  it('leaves nothing behind when a statement of a batch fails', async () => {
    server.resetCount()
    const err = await thrown(() =>
      adapter.batch([
        stmt('INSERT INTO items (name) VALUES (?)', ['x1']),
        stmt('INSERT INTO items (name) VALUES (?)', ['x1']),
        stmt('INSERT INTO items (name) VALUES (?)', ['x3']),
      ]),
    )
    expect(adapter.errorInfo(err).code).toBe('1062')
    // BEGIN, two inserts, ROLLBACK
    expect(server.requests).toBe(4)
    expect(await countOf('items')).toBe(0)
    expect(server.pinnedSessions).toBe(0)
  })

  it('commits and rolls back interactive transactions, each pinned to one connection', async () => {
    const tx = await adapter.begin?.()
    if (tx === undefined) throw new Error('begin is missing')
    const id1 = (await tx.execute(stmt('SELECT CONNECTION_ID()'))).rows[0]?.[0]
    await tx.execute(stmt('INSERT INTO items (name) VALUES (?)', ['t1']))
    // invisible outside until commit
    expect(await countOf('items')).toBe(0)
    const id2 = (await tx.execute(stmt('SELECT CONNECTION_ID()'))).rows[0]?.[0]
    expect(id2).toBe(id1)
    await tx.commit()
    expect(await countOf('items')).toBe(1)

    const tx2 = await adapter.begin?.()
    if (tx2 === undefined) throw new Error('begin is missing')
    await tx2.execute(stmt('INSERT INTO items (name) VALUES (?)', ['t2']))
    expect((await tx2.execute(stmt('SELECT count(*) FROM items'))).rows).toEqual([['2']])
    await tx2.rollback()
    expect(await countOf('items')).toBe(1)
    expect(server.pinnedSessions).toBe(0)
  })

  it('rolls back to a savepoint', async () => {
    const tx = await adapter.begin?.()
    if (tx === undefined) throw new Error('begin is missing')
    await tx.execute(stmt('INSERT INTO items (name) VALUES (?)', ['keep']))
    await tx.execute(stmt('SAVEPOINT sp1'))
    await tx.execute(stmt('INSERT INTO items (name) VALUES (?)', ['drop']))
    await tx.execute(stmt('ROLLBACK TO SAVEPOINT sp1'))
    await tx.execute(stmt('RELEASE SAVEPOINT sp1'))
    await tx.commit()
    expect((await run('SELECT name FROM items')).rows).toEqual([['keep']])
  })

  it("sets the isolation level and read-only transactions on the transaction's connection", async () => {
    const from = server.connectionLog.length
    const tx = await adapter.begin?.({ isolation: 'serializable', readOnly: true })
    if (tx === undefined) throw new Error('begin is missing')
    expect((await tx.execute(stmt('SELECT 1'))).rows).toEqual([['1']])
    const err = await thrown(() => tx.execute(stmt("INSERT INTO items (name) VALUES ('ro')")))
    expect(adapter.errorInfo(err).code).toBe('1792')
    await tx.rollback()
    // SET TRANSACTION, START TRANSACTION READ ONLY, SELECT, INSERT, ROLLBACK: one connection
    const used = server.connectionLog.slice(from)
    expect(used).toHaveLength(5)
    expect(new Set(used).size).toBe(1)
    expect(server.pinnedSessions).toBe(0)
    await expect(adapter.begin?.({ isolation: spelled('chaotic') })).rejects.toThrow(/isolation level/)
  })

  it('takes a driver Connection, a Config, or a mysql:// URL on the loopback', async () => {
    const fromConnection = planetscale(connect({ url: server.url }))
    const fromConfig = planetscale({ url: server.url })
    const fromMysqlUrl = planetscale(server.url.replace(/^http:/, 'mysql:'))
    for (const a of [fromConnection, fromConfig, fromMysqlUrl]) {
      expect((await a.execute(stmt('SELECT ?', ['ok']))).rows).toEqual([['ok']])
      expect(a.secrets).toContain(PASSWORD)
    }
    expect(planetscale.schemes).toEqual(['mysql:'])
  })

  it("keeps a leading U+FEFF (the driver's own cast drops it)", async () => {
    const value = '\uFEFFbom'
    expect((await run('SELECT ?', [value])).rows).toEqual([[value]])
    const raw = await connect({ url: server.url }).execute('SELECT ?', [value], { as: 'array' })
    expect(raw.rows).toEqual([['bom']])
  })

  it('reports a duplicate key as errno 1062 (IntegrityError under the engine)', async () => {
    await run("INSERT INTO items (name) VALUES ('dup')")
    const err = await thrown(() => run("INSERT INTO items (name) VALUES ('dup')"))
    const info = adapter.errorInfo(err)
    expect(info.code).toBe('1062')
    expect(info.transport).toBeFalsy()
    expect(info.message).toMatch(/Duplicate entry.*\(sqlstate 23000\)/)
    const engine = createAsyncEngine(adapter)
    const wrapped = await thrown(() =>
      engine.execute(text('INSERT INTO items (name) VALUES (:n)'), { n: 'dup' }),
    )
    expect(wrapped).toBeInstanceOf(IntegrityError)
    expect((wrapped as IntegrityError).code).toBe('1062')
  })

  it('works under the engine: text() with parameters, begin()', async () => {
    const engine = createAsyncEngine(adapter)
    await engine.begin(async (conn) => {
      await conn.execute(text('INSERT INTO items (name, qty) VALUES (:n, :q)'), { n: 'e1', q: 5 })
    })
    const r = await engine.execute(text('SELECT name, qty FROM items WHERE name = :n'), { n: 'e1' })
    expect(r.all().map((row) => [row[0], row[1]])).toEqual([['e1', 5]])
  })

  it('refuses values it cannot write into SQL', async () => {
    await expect(run('SELECT ?', [{ a: 1 }])).rejects.toThrow(/cannot be a MySQL parameter/)
    await expect(run('SELECT ?', [Number.NaN])).rejects.toThrow(/cannot be sent/)
  })
})

describe('planetscale adapter: escaping of interpolated parameters', () => {
  const special = fc.constantFrom(
    "'",
    '"',
    '\\',
    '\0',
    '\n',
    '\r',
    '\t',
    '\b',
    '\x1a',
    '?',
    '`',
    '/*',
    '*/',
    '--',
    '-- ',
    '#',
    '%',
    '_',
    ';',
    "\\'",
    "''",
    'é',
    '😀',
    '𝄞',
    '\u2028',
    '\uFEFF',
    ':name',
    '@v',
    "\\'; DROP TABLE esc; -- ",
  )
  const nasty = fc
    .array(fc.oneof(special, fc.string({ unit: 'binary', maxLength: 8 })), { maxLength: 12 })
    .map((p) => p.join(''))

  it('round-trips random strings with quotes, backslashes, NUL, unicode and emoji', async () => {
    let id = 0
    await fc.assert(
      fc.asyncProperty(nasty, nasty, async (s, t) => {
        id++
        await run('INSERT INTO esc (id, s) VALUES (?, ?)', [id, s])
        const back = await run('SELECT s, ?, ? FROM esc WHERE id = ? AND s = ?', [t, s, id, s])
        expect(back.rows).toEqual([[s, t, s]])
      }),
      { seed: 20240611, numRuns: 100 },
    )
    expect(await countOf('esc')).toBe(id)
  })

  it('round-trips bytes, bigints and doubles', async () => {
    await run('DELETE FROM esc')
    let id = 0
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 64 }),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        async (bytes, big, d) => {
          id++
          await run('INSERT INTO esc (id, b, big, d) VALUES (?, ?, ?, ?)', [id, bytes, big, d])
          const r = await run('SELECT b, big, d = ? FROM esc WHERE id = ? AND b = ?', [d, id, bytes])
          expect(r.rows).toHaveLength(1)
          const [b, bigText, same] = r.rows[0] as unknown[]
          expect(Array.from(b as Uint8Array)).toEqual(Array.from(bytes))
          expect(bigText).toBe(String(big))
          expect(same).toBe('1')
        },
      ),
      { seed: 20240611, numRuns: 100 },
    )
  })

  it('leaves placeholders inside quotes, identifiers and comments alone', async () => {
    const r = await run("SELECT '?', `?` FROM (SELECT 1 AS `?`) t WHERE 1 = ? /* ? */ -- ?\n", [1])
    expect(r.rows).toEqual([['?', '1']])
  })
})

describe('planetscale adapter: faults and redaction', () => {
  it('reports network failures and HTTP errors as transport errors', async () => {
    server.injectFault('network')
    const net = await thrown(() => run('SELECT 1'))
    expect(adapter.errorInfo(net).transport).toBe(true)
    server.injectFault('http-500')
    const http500 = await thrown(() => run('SELECT 1'))
    expect(adapter.errorInfo(http500).transport).toBe(true)
    server.injectFault('http-503')
    const http503 = await thrown(() => run('SELECT 1'))
    expect(adapter.errorInfo(http503).transport).toBe(true)
    const engineErr = await thrown(() => {
      server.injectFault('network')
      return createAsyncEngine(adapter).execute(text('SELECT 1'))
    })
    expect(engineErr).toBeInstanceOf(OperationalError)
    expect((await run('SELECT 1')).rows).toEqual([['1']])
  })

  it('aborts a request through the signal', async () => {
    const pre = AbortSignal.abort()
    await expect(adapter.execute(stmt('SELECT 1'), { signal: pre })).rejects.toThrow()
    const controller = new AbortController()
    const pending = adapter.execute(stmt('SELECT SLEEP(2)'), { signal: controller.signal })
    setTimeout(() => controller.abort(), 50)
    const err = await thrown(() => pending)
    expect(adapter.errorInfo(err).transport).toBe(true)
  })

  it('reports an unreachable database behind the server as a transport error', async () => {
    const down = await startPlanetScaleServer({ mysql: { port: 1 } })
    try {
      const err = await thrown(() => planetscale(down.url).execute(stmt('SELECT 1')))
      const a = planetscale(down.url)
      expect(a.errorInfo(err).transport).toBe(true)
      expect(a.errorInfo(err).message).toMatch(/Unavailable/)
    } finally {
      await down.close()
    }
  })

  it('fails the next statement of a transaction whose session ended', async () => {
    const tx = await adapter.begin?.()
    if (tx === undefined) throw new Error('begin is missing')
    await tx.execute(stmt("INSERT INTO items (name) VALUES ('lost')"))
    server.injectFault('end-sessions')
    const err = await thrown(() => tx.execute(stmt('SELECT 1')))
    const info = adapter.errorInfo(err)
    expect(info.transport).toBe(true)
    expect(info.message).toMatch(/Aborted/)
    await tx.rollback().catch(() => undefined)
    expect(await countOf('items')).toBe(0)
  })

  it('never shows the password in an error', async () => {
    const wrong = planetscale(server.url.replace(PASSWORD, `${PASSWORD}x`))
    const errors: [unknown, Adapter][] = []
    errors.push([await thrown(() => wrong.execute(stmt('SELECT 1'))), wrong])
    errors.push([await thrown(() => run(`SELECT '${PASSWORD}' FROM nowhere`)), adapter])
    server.injectFault('http-500')
    errors.push([await thrown(() => run('SELECT 1')), adapter])
    server.injectFault('network')
    errors.push([await thrown(() => run('SELECT 1')), adapter])
    errors.push([await thrown(() => createAsyncEngine(wrong).execute(text('SELECT 1'))), wrong])
    const basic = btoa(`${server.username}:${PASSWORD}`)
    for (const [err, a] of errors) {
      const info = a.errorInfo(err)
      const kept = redactError(err, a.secrets ?? [])
      const all = [
        info.message,
        kept.message,
        kept.stack,
        String(kept),
        JSON.stringify(kept),
        inspect(kept, { depth: 5 }),
      ]
      if (err instanceof Error && err.name === 'OperationalError')
        all.push(err.message, String(err.stack), inspect(err, { depth: 5 }))
      const joined = all.join('\n')
      expect(joined).not.toContain(PASSWORD)
      expect(joined).not.toContain(basic)
    }
    expect(a401(wrong, errors[0]?.[0])).toBe(true)
  })
})

/** A refused login: the server's answer (not a transport failure), errno 1045, naming where the password came from. */
function a401(a: Adapter, err: unknown): boolean {
  const info = a.errorInfo(err)
  return (
    info.transport === false &&
    info.code === '1045' &&
    /401/.test(info.message) &&
    info.message.includes('the password in the URL given to planetscale()')
  )
}
