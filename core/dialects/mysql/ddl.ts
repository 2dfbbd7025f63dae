import type { Constraint } from '../../schema/constraints.js'
import type { SqlType } from '../../sql/types.js'
import { type DdlFeatures, standardDdl } from '../ddl-features.js'

/**
 * MySQL's DDL (MySQL 8 / Vitess and MariaDB): `AUTO_INCREMENT`, inline column comments, native
 * ENUM, index names per table, and InnoDB's limits on keys and referential actions.
 */
export const mysqlDdl: DdlFeatures = {
  ...standardDdl,
  displayName: 'MySQL',
  // TEXT, BLOB and JSON cannot be indexed without a prefix length; MySQL 8 takes a literal
  // default on them only as an expression in parentheses.
  unkeyableTypes: new Set(['text', 'binary', 'json']),
  autoincrement: { type: undefined, afterType: '', afterNotNull: ' AUTO_INCREMENT', inlinePrimaryKey: false },
  // DATETIME(3) columns need a default of the same precision.
  currentTimestampDefault: (type: SqlType) =>
    type.kind === 'datetime' ? 'CURRENT_TIMESTAMP(3)' : 'CURRENT_TIMESTAMP',
  // MySQL takes an expression default only in parentheses.
  parenthesizedDefaults: true,
  columnComments: 'inline',
  rejectedReferentialAction: (clause, action) =>
    action === 'SET DEFAULT' ? `InnoDB rejects ${clause} SET DEFAULT` : undefined,
  enumChecks: false,
  dropIndexOnTable: true,
  dropConstraintKeyword: (kind: Constraint['kind']) =>
    kind === 'foreign_key' ? 'FOREIGN KEY' : kind === 'unique' ? 'INDEX' : 'CONSTRAINT',
}
