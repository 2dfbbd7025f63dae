import type { InspectedColumn, InspectionQueries } from '../schema/inspection.js'

/**
 * The catalog queries over the SQL standard's `information_schema` that PostgreSQL and MySQL
 * share: `schema` is the expression naming the current schema, `typeColumn` the column of
 * `information_schema.columns` that holds the type as the database spells it. Foreign keys are
 * left to each database (their catalogs differ).
 */
export abstract class InformationSchemaQueries implements InspectionQueries {
  constructor(
    private readonly schema: string,
    private readonly typeColumn: string,
  ) {}
  get tableNames(): string {
    return `SELECT table_name FROM information_schema.tables WHERE table_schema = ${this.schema} AND table_type = 'BASE TABLE'`
  }
  hasTable(p: string): string {
    return `SELECT 1 FROM information_schema.tables WHERE table_schema = ${this.schema} AND table_name = ${p}`
  }
  columns(p: string): string {
    return (
      `SELECT column_name, ${this.typeColumn}, is_nullable, column_default FROM information_schema.columns ` +
      `WHERE table_schema = ${this.schema} AND table_name = ${p} ORDER BY ordinal_position`
    )
  }
  column(cells: readonly (string | null)[]): InspectedColumn {
    return {
      name: String(cells[0]),
      type: String(cells[1]),
      nullable: cells[2] === 'YES',
      default: cells[3] ?? null,
    }
  }
  abstract foreignKeys(p: string): string | undefined
}
