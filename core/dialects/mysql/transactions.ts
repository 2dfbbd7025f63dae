/**
 * MySQL's transaction statements (`Dialect.transactionControl()`).
 * @module
 */
import { isolationSql, type TransactionControl } from '../transaction-control.js'

/** SET TRANSACTION before BEGIN (it applies to the next transaction only). */
export const mysqlTransactions: TransactionControl = {
  begin(mode) {
    const level = isolationSql(mode)
    const start = mode?.readOnly ? 'START TRANSACTION READ ONLY' : 'BEGIN'
    return level === undefined ? [start] : [`SET TRANSACTION ISOLATION LEVEL ${level}`, start]
  },
  commit: 'COMMIT',
  rollback: 'ROLLBACK',
}
