/**
 * SQLite's transaction statements (`Dialect.transactionControl()`).
 * @module
 */
import type { TransactionControl } from '../transaction-control.js'

/** Plain BEGIN; a read-only transaction is enforced with `PRAGMA query_only`. */
export const sqliteTransactions: TransactionControl = {
  // SQLite transactions are serializable: there is no level to choose
  begin: () => ['BEGIN'],
  commit: 'COMMIT',
  rollback: 'ROLLBACK',
  readOnlyGuard: { enable: 'PRAGMA query_only = 1', disable: 'PRAGMA query_only = 0' },
}
