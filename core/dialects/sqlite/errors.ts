/**
 * SQLite's and libSQL's errors: classified by primary result code, a libSQL server's own codes,
 * else by message; retryable when another connection holds the lock.
 * @module
 */
import {
  DataError,
  DBAPIError,
  IntegrityError,
  InterfaceError,
  InternalError,
  OperationalError,
  ProgrammingError,
} from '../../errors.js'
import type { DriverErrorInfo } from '../driver-error.js'
import type { ErrorClass } from '../sqlstate.js'

/** SQLite: by primary result code (extended codes such as SQLITE_CONSTRAINT_UNIQUE share it). */
const sqliteCodes: Record<string, ErrorClass> = {
  SQLITE_CONSTRAINT: IntegrityError,
  SQLITE_MISMATCH: DataError,
  SQLITE_TOOBIG: DataError,
  SQLITE_RANGE: InterfaceError,
  SQLITE_BUSY: OperationalError,
  SQLITE_LOCKED: OperationalError,
  SQLITE_IOERR: OperationalError,
  SQLITE_FULL: OperationalError,
  SQLITE_CANTOPEN: OperationalError,
  SQLITE_READONLY: OperationalError,
  SQLITE_PROTOCOL: OperationalError,
  SQLITE_NOMEM: OperationalError,
  SQLITE_INTERRUPT: OperationalError,
  SQLITE_CORRUPT: InternalError,
  SQLITE_INTERNAL: InternalError,
  SQLITE_MISUSE: InterfaceError,
  SQLITE_AUTH: OperationalError,
  SQLITE_SCHEMA: OperationalError,
  SQLITE_PERM: OperationalError,
  SQLITE_ABORT: OperationalError,
  SQLITE_NOTADB: OperationalError,
  SQLITE_NOLFS: OperationalError,
}

/**
 * Codes a libSQL server (Turso, sqld) reports over Hrana for a statement it refused itself, before
 * SQLite saw it: its own parser's verdicts, bad arguments, and its transaction limits.
 */
const libsqlServerCodes: Record<string, ErrorClass> = {
  SQL_PARSE_ERROR: ProgrammingError,
  SQL_NO_STATEMENT: ProgrammingError,
  SQL_MANY_STATEMENTS: ProgrammingError,
  SQL_INPUT_ERROR: ProgrammingError,
  ARGS_INVALID: ProgrammingError,
  ARGS_BOTH_POSITIONAL_AND_NAMED: ProgrammingError,
  TRANSACTION_TIMEOUT: OperationalError,
  TRANSACTION_BUSY: OperationalError,
  BLOCKED: OperationalError,
  RESPONSE_TOO_LARGE: OperationalError,
  UNAUTHORIZED: OperationalError,
}

/** Messages of plain SQLITE_ERROR that say more than the code. */
const sqliteMessages: readonly (readonly [RegExp, ErrorClass])[] = [
  [/constraint failed/i, IntegrityError],
  [
    /no such (table|column|function|index)|syntax error|has no column|ambiguous column|already exists|no tables specified/i,
    ProgrammingError,
  ],
  [/integer overflow|division by zero|datatype mismatch|too big|out of range/i, DataError],
  [/database is locked|disk i\/o/i, OperationalError],
  // SQLITE_CANTOPEN as drivers word it when the file cannot be opened ("unable to open database
  // file", libsql's `ConnectionFailed("Unable to open connection to local database ...")`)
  [/unable to open|cannot open|ConnectionFailed/i, OperationalError],
]

/** `table[key]` for the table's own keys only (a driver's code is never `constructor`). */
function own<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined
}

/** The error class of a SQLite or libSQL error. */
export function sqliteErrorClass(info: DriverErrorInfo): ErrorClass {
  const code = info.code
  if (code !== undefined) {
    const primary = /^SQLITE_[A-Z]+/.exec(code)?.[0]
    const byCode = primary === undefined ? own(libsqlServerCodes, code) : sqliteCodes[primary]
    if (byCode) return byCode
  }
  for (const [re, cls] of sqliteMessages) if (re.test(info.message)) return cls
  return DBAPIError
}

/**
 * SQLite and libSQL: another connection holds the lock (`SQLITE_BUSY`, `SQLITE_LOCKED` and their
 * extended codes), a libSQL server out of transaction slots or one that timed a transaction out
 * (rolled back).
 */
const retryableSqlite = /^(SQLITE_BUSY|SQLITE_LOCKED)(_|$)|^TRANSACTION_(BUSY|TIMEOUT)$/
const lockedMessage = /database (table |schema )?is locked|database is busy/i

/** Whether SQLite's answer says the unit of work may pass if run again (lock contention). */
export function sqliteRetryable(info: DriverErrorInfo): boolean {
  const code = info.code
  if (code !== undefined && retryableSqlite.test(code)) return true
  return (code === undefined || code === 'SQLITE_ERROR') && lockedMessage.test(info.message)
}
