import type { SqlType } from '../../sql/types.js'
import { type DdlFeatures, standardDdl } from '../ddl-features.js'

/**
 * SQLite's DDL: the generated key is the rowid alias (`INTEGER ... PRIMARY KEY` on the column),
 * no comments, no ALTER TABLE for constraints; foreign keys are resolved when rows are written,
 * so a key to a table created later stays in the CREATE TABLE.
 */
export const sqliteDdl: DdlFeatures = {
  ...standardDdl,
  displayName: 'SQLite',
  inlineForwardForeignKeys: true,
  caseInsensitiveTableNames: true,
  // A rowid alias must be declared exactly INTEGER (not BIGINT).
  autoincrement: { type: 'INTEGER', afterType: '', afterNotNull: '', inlinePrimaryKey: true },
  currentTimestampDefault: (_type: SqlType) => 'CURRENT_TIMESTAMP',
  // SQLite takes an expression default only in parentheses.
  parenthesizedDefaults: true,
  alterConstraints: false,
}
