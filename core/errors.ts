/**
 * The error tree, after SQLAlchemy's (which follows the Python DBAPI).
 *
 * ```
 * EdgeAlchemyError
 *   ArgumentError, CompileError            raised before anything is sent
 *   StatementError (sql, params, cause)
 *     DBAPIError (code, orig)
 *       IntegrityError, OperationalError, ProgrammingError, DataError,
 *         StatementTimeoutError             the operation's timeout expired before a write left
 *       InterfaceError, InternalError,
 *       NotSupportedError -> UnsupportedCapabilityError
 *   CommitOutcomeUnknownError               a commit's bytes may have reached the database
 *   TimeoutError                            pool
 *   InvalidRequestError, ConcurrentOperationError, DetachedInstanceError, FlushError,
 *     PendingRollbackError, NotLoadedError
 *   StaleDataError                          ORM
 *   NoResultFound, MultipleResultsFound     results
 * ```
 * @module
 */

/** Root of every error this library raises. */
export class EdgeAlchemyError extends Error {
  override name = 'EdgeAlchemyError'
}

/** A function or constructor was called with an argument it cannot use. */
export class ArgumentError extends EdgeAlchemyError {
  override name = 'ArgumentError'
}

/** A statement cannot be compiled for this dialect; nothing was sent. */
export class CompileError extends EdgeAlchemyError {
  override name = 'CompileError'
}

/** Options of {@link StatementError}. */
export interface StatementErrorOptions {
  sql?: string | undefined
  params?: readonly unknown[] | undefined
  cause?: unknown
  code?: string | undefined
  /** The same unit of work may succeed if run again from the start (see {@link DBAPIError.retryable}). */
  retryable?: boolean | undefined
}

/** An error that happened while running a statement; carries the SQL and its parameters. */
export class StatementError extends EdgeAlchemyError {
  override name = 'StatementError'
  readonly sql: string | undefined
  readonly params: readonly unknown[] | undefined
  constructor(message: string, options: StatementErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.sql = options.sql
    this.params = options.params
  }
}

/** An error reported by the database or its driver. `orig` is the driver's (redacted) error. */
export class DBAPIError extends StatementError {
  override name = 'DBAPIError'
  /** Native code: SQLSTATE, SQLite result code name, MySQL errno... */
  readonly code: string | undefined
  /**
   * True when running the whole unit of work again from its start may succeed and cannot apply it
   * twice: a serialization failure, a deadlock, a busy or locked database, a connection that failed
   * before the statement was sent. The transaction (if any) is already rolled back by the database.
   */
  readonly retryable: boolean
  constructor(message: string, options: StatementErrorOptions = {}) {
    super(message, options)
    this.code = options.code
    this.retryable = options.retryable ?? false
  }
  /** SQLAlchemy's name for the driver's error; the same object as `cause`. */
  get orig(): unknown {
    return this.cause
  }
}

/** A constraint was violated: unique, foreign key, not null, check. */
export class IntegrityError extends DBAPIError {
  override name = 'IntegrityError'
}
/** The database could not do the work: connection lost, lock timeout, disk full. */
export class OperationalError extends DBAPIError {
  override name = 'OperationalError'
}
/** The SQL is wrong: syntax error, unknown table or column. */
export class ProgrammingError extends DBAPIError {
  override name = 'ProgrammingError'
}
/** A value does not fit: overflow, division by zero, bad format. */
export class DataError extends DBAPIError {
  override name = 'DataError'
}
/**
 * The operation's `timeout` expired (or its `signal` aborted) before any byte of a commit or write
 * could have reached the database: nothing was committed, and the connection it used was
 * discarded. A client timeout does not stop work the server already started (a read, or the
 * statements of a transaction that the server rolls back once it sees the connection go).
 */
export class StatementTimeoutError extends OperationalError {
  override name = 'StatementTimeoutError'
}

/** The driver was misused: closed connection, bad configuration. */
export class InterfaceError extends DBAPIError {
  override name = 'InterfaceError'
}
/** The database reported an internal error. */
export class InternalError extends DBAPIError {
  override name = 'InternalError'
}
/** The database or driver does not support what was asked. */
export class NotSupportedError extends DBAPIError {
  override name = 'NotSupportedError'
}
/** The adapter lacks a capability (interactive transactions, savepoints...); the message says what to use instead. */
export class UnsupportedCapabilityError extends NotSupportedError {
  override name = 'UnsupportedCapabilityError'
}

/**
 * A commit (or an autocommitting write, or an atomic batch) was sent, and no answer says whether
 * the database applied it: the reply was lost, the connection dropped, or the timeout expired
 * after bytes left. The library never retries such a write by itself. Look at the database (by a
 * key you chose) before writing again. `statements` lists the SQL attempted, never its values;
 * `cause` is the transport error or the timeout.
 */
export class CommitOutcomeUnknownError extends EdgeAlchemyError {
  override name = 'CommitOutcomeUnknownError'
  /** The SQL text of the statements sent (no parameter values). */
  readonly statements: readonly string[]
  constructor(message: string, statements: readonly string[], options?: { cause?: unknown }) {
    super(message, options)
    this.statements = statements
  }
}

/** No connection became free within the pool's timeout. */
export class TimeoutError extends EdgeAlchemyError {
  override name = 'TimeoutError'
}

/** A result had no row where exactly one was required. */
export class NoResultFound extends EdgeAlchemyError {
  override name = 'NoResultFound'
}
/** A result had more than one row where at most one was allowed. */
export class MultipleResultsFound extends EdgeAlchemyError {
  override name = 'MultipleResultsFound'
}

/** The ORM or engine was asked for something it cannot do in its current state. */
export class InvalidRequestError extends EdgeAlchemyError {
  override name = 'InvalidRequestError'
}
/** An object's attribute needs a session, but the object is detached. */
export class DetachedInstanceError extends InvalidRequestError {
  override name = 'DetachedInstanceError'
}
/** A flush could not complete; the session must be rolled back. */
export class FlushError extends InvalidRequestError {
  override name = 'FlushError'
}
/** An UPDATE or DELETE matched no row: the row is gone or was changed concurrently. */
export class StaleDataError extends EdgeAlchemyError {
  override name = 'StaleDataError'
}
/**
 * An attribute that is not loaded was read where loading it would need I/O (the async ORM never
 * does implicit I/O): load it with `selectinload(...)`, `session.refresh(obj, [name])` or
 * `await obj.awaitableAttrs.name`.
 */
export class NotLoadedError extends InvalidRequestError {
  override name = 'NotLoadedError'
}
/** The session's transaction failed (a flush or commit raised); call `rollback()` before going on. */
export class PendingRollbackError extends InvalidRequestError {
  override name = 'PendingRollbackError'
}

/**
 * A call on a session or connection was made while another of its operations was in flight
 * (`Promise.all` over one session, a forgotten `await`): concurrent operations are not permitted
 * on one session or connection. Raised before anything is sent; the operation in flight goes on.
 * Use one session (or connection) per task, or await each call.
 */
export class ConcurrentOperationError extends InvalidRequestError {
  override name = 'ConcurrentOperationError'
}

/**
 * Whether `error` says the whole unit of work may be run again from its start: a
 * {@link DBAPIError} whose `retryable` is true. A {@link CommitOutcomeUnknownError} is never
 * retryable by this test (the first attempt may have committed).
 *
 * @example
 * ```ts
 * try { await work() } catch (e) { if (!isRetryable(e)) throw e }
 * ```
 */
export function isRetryable(error: unknown): boolean {
  return error instanceof DBAPIError && error.retryable
}
