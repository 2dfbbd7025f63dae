/**
 * What an adapter reads of a driver error for the dialect to classify it (error translation is
 * the dialect's; the adapter contract re-exports the type).
 * @module
 */

/** What the dialect needs of a driver error to classify it. */
export interface DriverErrorInfo {
  /** SQLSTATE (`23505`), SQLite extended code name (`SQLITE_CONSTRAINT_UNIQUE`), or MySQL errno (`1062`). */
  readonly code?: string | undefined
  /** The message, already redacted of credentials. */
  readonly message: string
  /** Transport-level failure (network, closed connection) rather than a database error. */
  readonly transport?: boolean | undefined
  /**
   * The adapter's own verdict on `DBAPIError.retryable`, overriding the dialect's (a driver that
   * leaves its connection unusable after an error the dialect calls retryable).
   */
  readonly retryable?: boolean | undefined
}
