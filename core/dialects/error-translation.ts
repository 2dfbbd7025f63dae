/**
 * Maps native error codes (SQLSTATE, SQLite result codes, MySQL errno) to the DBAPI error tree,
 * so a unique violation is an `IntegrityError` on every adapter.
 * @module
 */
import type { DriverErrorInfo } from '../engine/adapter.js'
import { provablyNotSent } from '../engine/not-sent.js'
import {
  DataError,
  DBAPIError,
  IntegrityError,
  InterfaceError,
  InternalError,
  NotSupportedError,
  OperationalError,
  ProgrammingError,
  type StatementErrorOptions,
} from '../errors.js'
import type { DialectName } from '../sql/types.js'

type ErrorClass = new (message: string, options?: StatementErrorOptions) => DBAPIError

/** PostgreSQL: by SQLSTATE class (the first two characters). */
const sqlstateClasses: Record<string, ErrorClass> = {
  '08': OperationalError,
  '0A': NotSupportedError,
  '21': ProgrammingError,
  '22': DataError,
  '23': IntegrityError,
  '25': InternalError,
  '28': OperationalError,
  '2B': InternalError,
  '2D': InternalError,
  '34': ProgrammingError,
  '3D': ProgrammingError,
  '3F': ProgrammingError,
  '40': OperationalError,
  '42': ProgrammingError,
  '53': OperationalError,
  '54': OperationalError,
  '55': OperationalError,
  '57': OperationalError,
  '58': OperationalError,
  F0: InternalError,
  P0: InternalError,
  XX: InternalError,
}

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

/** MySQL / MariaDB: by errno. */
const mysqlErrnos: Record<string, ErrorClass> = {
  1022: IntegrityError,
  1048: IntegrityError,
  1062: IntegrityError,
  1169: IntegrityError,
  1216: IntegrityError,
  1217: IntegrityError,
  1364: IntegrityError,
  1451: IntegrityError,
  1452: IntegrityError,
  1557: IntegrityError,
  3819: IntegrityError,
  4025: IntegrityError,
  1054: ProgrammingError,
  1064: ProgrammingError,
  1044: ProgrammingError,
  1049: ProgrammingError,
  1050: ProgrammingError,
  1051: ProgrammingError,
  1060: ProgrammingError,
  1091: ProgrammingError,
  1146: ProgrammingError,
  1149: ProgrammingError,
  1142: ProgrammingError,
  1264: DataError,
  1265: DataError,
  1292: DataError,
  1365: DataError,
  1366: DataError,
  1406: DataError,
  1690: DataError,
  3140: DataError,
  4038: DataError,
  1040: OperationalError,
  1045: OperationalError,
  1205: OperationalError,
  1213: OperationalError,
  2002: OperationalError,
  2003: OperationalError,
  2006: OperationalError,
  2013: OperationalError,
  1105: InternalError,
  1235: NotSupportedError,
}

/** `table[key]` for the table's own keys only (a driver's code is never `constructor`). */
function own<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined
}

/** The error class for a driver error on `dialect`. */
export function errorClassFor(dialect: DialectName, info: DriverErrorInfo): ErrorClass {
  if (info.transport) return OperationalError
  const code = info.code
  if (dialect === 'postgresql') return (code && sqlstateClasses[code.slice(0, 2).toUpperCase()]) || DBAPIError
  if (dialect === 'mysql') {
    const byErrno = code === undefined ? undefined : mysqlErrnos[code]
    if (byErrno) return byErrno
    const sqlstate = /\(sqlstate (\w{5})\)/i.exec(info.message)?.[1]
    return (sqlstate && sqlstateClasses[sqlstate.slice(0, 2).toUpperCase()]) || DBAPIError
  }
  if (code !== undefined) {
    const primary = /^SQLITE_[A-Z]+/.exec(code)?.[0]
    const byCode = primary === undefined ? own(libsqlServerCodes, code) : sqliteCodes[primary]
    if (byCode) return byCode
  }
  for (const [re, cls] of sqliteMessages) if (re.test(info.message)) return cls
  return DBAPIError
}

/**
 * PostgreSQL SQLSTATEs after which the whole transaction may succeed on a fresh attempt: a
 * serialization failure, a deadlock, a lock not available (`NOWAIT`, `lock_timeout`). PostgreSQL
 * aborts the transaction on any error, so nothing of it can commit.
 */
const retryableSqlstates = new Set(['40001', '40P01', '55P03'])

/**
 * MySQL / MariaDB / Vitess errnos of lock contention: deadlock (1213, the transaction is rolled
 * back), lock wait timeout (1205, only the statement is rolled back: retry after `rollback()`),
 * `NOWAIT` / `SKIP LOCKED` lock refusal (3572). SQLSTATE 40001 (serialization failure) too.
 */
const retryableErrnos = new Set(['1213', '1205', '3572'])

/**
 * SQLite and libSQL: another connection holds the lock (`SQLITE_BUSY`, `SQLITE_LOCKED` and their
 * extended codes), a libSQL server out of transaction slots or one that timed a transaction out
 * (rolled back).
 */
const retryableSqlite = /^(SQLITE_BUSY|SQLITE_LOCKED)(_|$)|^TRANSACTION_(BUSY|TIMEOUT)$/
const lockedMessage = /database (table |schema )?is locked|database is busy/i

/**
 * Whether the database's answer says the unit of work may pass if run again from its start
 * (lock contention, a serialization failure). Transport failures are decided by the caller.
 */
export function isRetryableAnswer(dialect: DialectName, info: DriverErrorInfo): boolean {
  const code = info.code
  if (dialect === 'postgresql') return code !== undefined && retryableSqlstates.has(code.toUpperCase())
  if (dialect === 'mysql') {
    if (code !== undefined && retryableErrnos.has(code)) return true
    return /\(sqlstate 40001\)/i.test(info.message)
  }
  if (code !== undefined && retryableSqlite.test(code)) return true
  return (code === undefined || code === 'SQLITE_ERROR') && lockedMessage.test(info.message)
}

/** Options of {@link translateError}. */
export interface TranslateOptions {
  readonly sql?: string | undefined
  readonly params?: readonly unknown[] | undefined
  /** The driver's error, already redacted (its code and cause chain are read). */
  readonly cause?: unknown
  /** The caller knows no byte of the request was handed to the transport. */
  readonly notSent?: boolean | undefined
}

/**
 * Builds the typed error for a failed statement; `cause` must already be redacted. `retryable`
 * is set for lock contention and serialization failures (`isRetryableAnswer`, per dialect) and
 * for a transport failure that provably happened before sending (connection refused, DNS
 * failure, or `notSent`).
 */
export function translateError(
  dialect: DialectName,
  info: DriverErrorInfo,
  options: TranslateOptions,
): DBAPIError {
  const cls = errorClassFor(dialect, info)
  const retryable =
    info.retryable ??
    (info.transport
      ? options.notSent === true || provablyNotSent(options.cause)
      : isRetryableAnswer(dialect, info))
  return new cls(info.message, {
    sql: options.sql,
    params: options.params,
    cause: options.cause,
    code: info.code,
    retryable,
  })
}
