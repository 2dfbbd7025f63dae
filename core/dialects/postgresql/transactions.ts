/**
 * PostgreSQL's transaction statements (`Dialect.transactionControl()`).
 * @module
 */
import { standardTransactionControl, type TransactionControl } from '../transaction-control.js'

/** BEGIN with the isolation level and access mode in one statement; server-side cursors. */
export const postgresqlTransactions: TransactionControl = {
  begin: standardTransactionControl.begin,
  commit: 'COMMIT',
  rollback: 'ROLLBACK',
  cursor: {
    declare: (name, sql) => `DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`,
    fetch: (name, count) => `FETCH FORWARD ${count} FROM ${name}`,
    close: (name) => `CLOSE ${name}`,
  },
}
