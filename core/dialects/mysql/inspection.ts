import type { InspectedColumn, InspectionQueries } from '../../schema/inspection.js'
import { InformationSchemaQueries } from '../information-schema.js'

/** MySQL's catalog queries: `information_schema` in `DATABASE()`. */
export class MysqlInspection extends InformationSchemaQueries implements InspectionQueries {
  constructor() {
    super('DATABASE()', 'column_type')
  }
  override column(cells: readonly (string | null)[]): InspectedColumn {
    const column = super.column(cells)
    // MariaDB reports "no default" on a nullable column as the word NULL.
    return column.default === 'NULL' ? { ...column, default: null } : column
  }
  foreignKeys(p: string): string {
    return (
      'SELECT constraint_name, referenced_table_name FROM information_schema.referential_constraints ' +
      `WHERE constraint_schema = DATABASE() AND table_name = ${p} ORDER BY constraint_name`
    )
  }
}
