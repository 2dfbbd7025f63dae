/**
 * Error classification without a database: driver error shapes as the drivers build them, read by
 * each adapter's error reader and classified by the dialect.
 */
import { LibsqlError } from '@libsql/client'
import { describe, expect, it } from 'vitest'
import { d1ErrorInfo } from '../../adapters/d1/errors.js'
import { libsqlErrorInfo } from '../../adapters/libsql/errors.js'
import { translateError } from '../../core/dialects/error-translation.js'
import { redactError } from '../../core/engine/redact.js'
import {
  CommitOutcomeUnknownError,
  IntegrityError,
  isRetryable,
  mysql,
  OperationalError,
  ProgrammingError,
  postgresql,
  sqlite,
} from '../../core/index.js'

const dialects = { postgresql, mysql, sqlite }

/** A statement error as `@libsql/client` builds it from a Hrana response (`mapHranaError`). */
function hranaError(code: string, message: string): LibsqlError {
  return new LibsqlError(message, code, undefined, undefined, new Error(message))
}

function classifyLibsql(err: unknown) {
  return translateError(sqlite, libsqlErrorInfo(err, []), {})
}

describe('Turso (libsql-server) primary codes', () => {
  it('SQLITE_CONSTRAINT without an extended code is an IntegrityError, refined by the message', () => {
    const e = classifyLibsql(hranaError('SQLITE_CONSTRAINT', 'SQLite error: UNIQUE constraint failed: t.x'))
    expect(e).toBeInstanceOf(IntegrityError)
    expect(e.code).toBe('SQLITE_CONSTRAINT_UNIQUE')
    const bare = classifyLibsql(hranaError('SQLITE_CONSTRAINT', 'SQLite error: constraint violation'))
    expect(bare).toBeInstanceOf(IntegrityError)
    expect(bare.code).toBe('SQLITE_CONSTRAINT')
  })
  it.each([
    ['SQL_PARSE_ERROR', 'SQL string could not be parsed: near "SELEC": syntax error at (1, 1)'],
    ['SQL_MANY_STATEMENTS', 'SQL string contains more than one statement'],
    ['SQL_NO_STATEMENT', 'SQL string does not contain any statement'],
    ['ARGS_INVALID', 'Arguments do not match SQL parameters: expected 2, got 1'],
    ['SQL_INPUT_ERROR', 'SQL input error: no such table: nope (at offset 14)'],
  ])('%s is a ProgrammingError keeping the code', (code, message) => {
    const e = classifyLibsql(hranaError(code, message))
    expect(e).toBeInstanceOf(ProgrammingError)
    expect(e.code).toBe(code)
    expect(e.message).toBe(message)
  })
  it('the server refusing for its own limits is an OperationalError', () => {
    for (const code of ['TRANSACTION_TIMEOUT', 'TRANSACTION_BUSY', 'BLOCKED', 'RESPONSE_TOO_LARGE'])
      expect(classifyLibsql(hranaError(code, 'x'))).toBeInstanceOf(OperationalError)
  })
  it('an unknown client code is not looked up on Object.prototype', () => {
    const e = classifyLibsql(hranaError('constructor', 'odd'))
    expect(e.name).toBe('DBAPIError')
  })
})

describe('retryable: what may pass on a fresh attempt of the whole unit of work', () => {
  const answer = (dialect: 'postgresql' | 'mysql' | 'sqlite', code: string | undefined, message = 'x') =>
    translateError(dialects[dialect], { code, message }, {})
  it.each([
    ['postgresql', '40001', true],
    ['postgresql', '40P01', true],
    ['postgresql', '55P03', true],
    ['postgresql', '40003', false], // statement_completion_unknown: never retried
    ['postgresql', '23505', false],
    ['postgresql', '57014', false], // query_canceled (statement_timeout)
    ['mysql', '1213', true],
    ['mysql', '1205', true],
    ['mysql', '3572', true],
    ['mysql', '1062', false],
    ['sqlite', 'SQLITE_BUSY', true],
    ['sqlite', 'SQLITE_BUSY_SNAPSHOT', true],
    ['sqlite', 'SQLITE_LOCKED', true],
    ['sqlite', 'SQLITE_LOCKED_SHAREDCACHE', true],
    ['sqlite', 'TRANSACTION_BUSY', true],
    ['sqlite', 'SQLITE_CONSTRAINT_UNIQUE', false],
    ['sqlite', 'SQLITE_CANTOPEN', false],
  ] as const)('%s %s -> retryable %s', (dialect, code, expected) => {
    const e = answer(dialect, code)
    expect(e.retryable).toBe(expected)
    expect(isRetryable(e)).toBe(expected)
  })
  it('PostgreSQL 40001/40P01 and MySQL 1213 are OperationalErrors', () => {
    expect(answer('postgresql', '40001')).toBeInstanceOf(OperationalError)
    expect(answer('postgresql', '40P01')).toBeInstanceOf(OperationalError)
    expect(answer('mysql', '1213')).toBeInstanceOf(OperationalError)
  })
  it('Vitess: a serialization failure named only by its SQLSTATE', () => {
    const e = answer('mysql', undefined, 'vttablet: rpc error: code = Aborted desc = ... (sqlstate 40001)')
    expect(e.retryable).toBe(true)
  })
  it('SQLite and D1 wording without a code: "database is locked"', () => {
    expect(answer('sqlite', undefined, 'database is locked').retryable).toBe(true)
    expect(answer('sqlite', 'SQLITE_ERROR', 'database table is locked: t').retryable).toBe(true)
    expect(answer('sqlite', undefined, 'no such table: t').retryable).toBe(false)
  })
  it('D1: a busy database is a retryable OperationalError', () => {
    const info = d1ErrorInfo(new Error('D1_ERROR: database is locked: SQLITE_BUSY'), [])
    const e = translateError(sqlite, info, {})
    expect(e).toBeInstanceOf(OperationalError)
    expect(e.code).toBe('SQLITE_BUSY')
    expect(e.retryable).toBe(true)
  })
  it('a transport failure is retryable only when provably not sent', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })
    const fetchFailed = new TypeError('fetch failed', { cause: refused })
    const info = { message: 'fetch failed', transport: true }
    expect(translateError(postgresql, info, { cause: fetchFailed }).retryable).toBe(true)
    // undici's dual-stack refusal: an AggregateError of refusals, kept through redaction
    const both = new AggregateError([refused, refused], 'connect failed')
    const redacted = redactError(new TypeError('fetch failed', { cause: both }))
    expect(translateError(mysql, info, { cause: redacted }).retryable).toBe(true)
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })
    expect(translateError(sqlite, info, { cause: reset }).retryable).toBe(false)
    expect(translateError(sqlite, info, { cause: reset, notSent: true }).retryable).toBe(true)
    expect(translateError(postgresql, info, { cause: new Error('socket hang up') }).retryable).toBe(false)
  })
  it('a CommitOutcomeUnknownError is never retryable', () => {
    const e = new CommitOutcomeUnknownError('lost', ['COMMIT'], {
      cause: translateError(postgresql, { code: '40001', message: 'x' }, {}),
    })
    expect(isRetryable(e)).toBe(false)
  })
  it('the retryable flag does not depend on the class lookup: a transport error with a lock code stays transport', () => {
    const e = translateError(postgresql, { code: '40001', message: 'x', transport: true }, {})
    expect(e.retryable).toBe(false)
  })
})
