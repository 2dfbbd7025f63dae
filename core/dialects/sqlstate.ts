/**
 * SQLSTATE classes (the SQL standard's error codes) to the DBAPI error tree: PostgreSQL reports
 * them, MySQL and MariaDB name them in messages.
 * @module
 */
import {
  DataError,
  type DBAPIError,
  IntegrityError,
  InternalError,
  NotSupportedError,
  OperationalError,
  ProgrammingError,
  type StatementErrorOptions,
} from '../errors.js'

/** A DBAPI error class. */
export type ErrorClass = new (message: string, options?: StatementErrorOptions) => DBAPIError

/** By SQLSTATE class (the first two characters). */
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

/** The error class of a SQLSTATE, by its class (first two characters); undefined when unknown. */
export function sqlstateClass(sqlstate: string | undefined): ErrorClass | undefined {
  return (sqlstate && sqlstateClasses[sqlstate.slice(0, 2).toUpperCase()]) || undefined
}
