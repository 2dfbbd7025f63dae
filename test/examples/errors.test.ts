/**
 * The app's error answers (edge-examples/app/errors.ts) for the errors the library raises, as each
 * dialect words them: what the HTTP tests cannot force deterministically (a StaleDataError, a
 * driver failure answered 500) is checked here.
 */
import {
  DBAPIError,
  IntegrityError,
  OperationalError,
  ProgrammingError,
  StaleDataError,
  StatementTimeoutError,
} from 'edgealchemy'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigurationError, disposeEngines, engineFor, toHttpError } from '../../edge-examples/app/index.ts'

const secretSql = { sql: 'SELECT * FROM authors WHERE email = ?', params: ['ada@example.com'] }

describe('edge-examples error answers', () => {
  afterAll(() => disposeEngines())

  it('StaleDataError is 409 conflict', () => {
    expect(toHttpError(new StaleDataError('UPDATE authors matched 0 rows, expected 1'), 'd1')).toEqual({
      status: 409,
      body: { error: 'conflict', message: expect.stringMatching(/changed or deleted by another request/) },
    })
  })

  it.each([
    [
      'SQLite / D1',
      new IntegrityError('D1_ERROR: UNIQUE constraint failed: tags.name: SQLITE_CONSTRAINT', {
        code: 'SQLITE_CONSTRAINT',
      }),
    ],
    [
      'PostgreSQL',
      new IntegrityError('duplicate key value violates unique constraint "uq_tags_name"', { code: '23505' }),
    ],
    ['MySQL', new IntegrityError("Duplicate entry 'edge' for key 'uq_tags_name'", { code: '1062' })],
  ])('a unique violation (%s) is 409 naming what exists', (_name, err) => {
    expect(toHttpError(err, undefined)).toEqual({
      status: 409,
      body: {
        error: 'conflict',
        message: 'a tag with this name already exists (or the request names it twice)',
      },
    })
  })

  it.each([
    [
      'SQLite / D1',
      'd1',
      new ProgrammingError('no such table: authors', secretSql),
      'wrangler d1 migrations apply',
    ],
    [
      'PostgreSQL',
      'neon-http',
      new ProgrammingError('relation "authors" does not exist', { code: '42P01' }),
      'examples:migrate',
    ],
    [
      'MySQL',
      'planetscale',
      new ProgrammingError("Table 'test.authors' doesn't exist", { code: '1146' }),
      'examples:migrate',
    ],
  ] as const)(
    'a missing table (%s) is 503 with the command that creates it',
    (_name, adapter, err, command) => {
      const { status, body } = toHttpError(err, adapter)
      expect(status).toBe(503)
      expect(body).toMatchObject({ error: 'schema_missing', command: expect.stringContaining(command) })
    },
  )

  it.each([
    new OperationalError('connection to postgresql://user:hunter2@db.example/x refused', secretSql),
    new StatementTimeoutError('timed out', secretSql),
    new DBAPIError('near "SELEC": syntax error', secretSql),
    new TypeError("Cannot read properties of undefined (reading 'id')"),
  ])('anything else (%s) is 500 with no SQL, parameter, URL or message in the body', (err) => {
    const { status, body } = toHttpError(err, 'neon-http')
    expect(status).toBe(500)
    expect(body).toEqual({ error: 'internal', message: 'Internal server error' })
  })

  it('a missing or wrong configuration is 503 not_configured, without the URL', () => {
    expect(() => engineFor({})).toThrow(ConfigurationError)
    let err: unknown
    try {
      engineFor({ DATABASE_ADAPTER: 'neon-http', DATABASE_URL: 'https://user:hunter2@host/db' })
    } catch (e) {
      err = e
    }
    const { status, body } = toHttpError(err, undefined)
    expect(status).toBe(503)
    expect(body).toEqual({
      error: 'not_configured',
      message: 'DATABASE_URL is not a URL the neon-http adapter takes',
    })
    expect(
      toHttpError(
        safely(() => engineFor({ DATABASE_URL: 'file:x.db' })),
        undefined,
      ).body.message,
    ).toMatch(/edgealchemy\/libsql\/node/)
  })

  it('engineFor makes one engine per configuration, whatever env object carries it', () => {
    const url = 'libsql://example.invalid'
    const a = engineFor({ DATABASE_URL: url, DATABASE_AUTH_TOKEN: 't' })
    expect(engineFor({ DATABASE_URL: url, DATABASE_AUTH_TOKEN: 't' })).toBe(a)
    expect(engineFor({ DATABASE_ADAPTER: 'libsql', DATABASE_URL: url, DATABASE_AUTH_TOKEN: 'u' })).not.toBe(a)
    expect(engineFor({ DATABASE_URL: 'postgresql://u:p@127.0.0.1:1/db' }).dialect.name).toBe('postgresql')
    expect(engineFor({ DATABASE_URL: 'mysql://u:p@127.0.0.1:1' }).dialect.name).toBe('mysql')
    expect(
      engineFor({ DATABASE_ADAPTER: 'neon', DATABASE_URL: 'postgresql://u:p@127.0.0.1:1/db' }).dialect.name,
    ).toBe('postgresql')
  })
})

function safely(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  return undefined
}
