import type { InspectionQueries } from '../../schema/inspection.js'
import { InformationSchemaQueries } from '../information-schema.js'

/** PostgreSQL's catalog queries: `information_schema` in `current_schema()`, foreign keys from `pg_constraint`. */
export class PostgresInspection extends InformationSchemaQueries implements InspectionQueries {
  constructor() {
    super('current_schema()', 'data_type')
  }
  foreignKeys(p: string): string {
    return (
      'SELECT con.conname, ref.relname FROM pg_catalog.pg_constraint con ' +
      'JOIN pg_catalog.pg_class cl ON cl.oid = con.conrelid ' +
      'JOIN pg_catalog.pg_class ref ON ref.oid = con.confrelid ' +
      'JOIN pg_catalog.pg_namespace ns ON ns.oid = cl.relnamespace ' +
      `WHERE con.contype = 'f' AND ns.nspname = current_schema() AND cl.relname = ${p} ORDER BY con.conname`
    )
  }
}
