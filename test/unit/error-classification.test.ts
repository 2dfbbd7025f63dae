/**
 * Error classification without a database: driver error shapes as the drivers build them, read by
 * each adapter's error reader and classified by the dialect.
 */
import { LibsqlError } from '@libsql/client'
import { describe, expect, it } from 'vitest'
import { libsqlErrorInfo } from '../../adapters/libsql/errors.js'
import { translateError } from '../../core/dialects/error-translation.js'
import { IntegrityError, OperationalError, ProgrammingError } from '../../core/index.js'

/** A statement error as `@libsql/client` builds it from a Hrana response (`mapHranaError`). */
function hranaError(code: string, message: string): LibsqlError {
  return new LibsqlError(message, code, undefined, undefined, new Error(message))
}

function classifyLibsql(err: unknown) {
  return translateError('sqlite', libsqlErrorInfo(err, []), {})
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
