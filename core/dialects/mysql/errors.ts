/**
 * MySQL's and MariaDB's errors: classified by errno, else by the SQLSTATE in the message;
 * retryable for lock contention.
 * @module
 */
import {
  DataError,
  DBAPIError,
  IntegrityError,
  InternalError,
  NotSupportedError,
  OperationalError,
  ProgrammingError,
} from '../../errors.js'
import type { DriverErrorInfo } from '../driver-error.js'
import { type ErrorClass, sqlstateClass } from '../sqlstate.js'

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

/** The error class of a MySQL error: by errno, else by the SQLSTATE the message names. */
export function mysqlErrorClass(info: DriverErrorInfo): ErrorClass {
  const code = info.code
  const byErrno = code === undefined ? undefined : mysqlErrnos[code]
  if (byErrno) return byErrno
  const sqlstate = /\(sqlstate (\w{5})\)/i.exec(info.message)?.[1]
  return sqlstateClass(sqlstate) || DBAPIError
}

/**
 * MySQL / MariaDB / Vitess errnos of lock contention: deadlock (1213, the transaction is rolled
 * back), lock wait timeout (1205, only the statement is rolled back: retry after `rollback()`),
 * `NOWAIT` / `SKIP LOCKED` lock refusal (3572). SQLSTATE 40001 (serialization failure) too.
 */
const retryableErrnos = new Set(['1213', '1205', '3572'])

/** Whether MySQL's answer says the unit of work may pass if run again. */
export function mysqlRetryable(info: DriverErrorInfo): boolean {
  const code = info.code
  if (code !== undefined && retryableErrnos.has(code)) return true
  return /\(sqlstate 40001\)/i.test(info.message)
}
