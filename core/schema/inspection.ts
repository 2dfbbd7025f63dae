/** A column as the database reports it. */
export interface InspectedColumn {
  readonly name: string
  /** The database's type name, as it reports it (`integer`, `varchar(50)`, `INTEGER`...). */
  readonly type: string
  readonly nullable: boolean
  /** The default expression as the database stores it; `null` when there is none. */
  readonly default: string | null
}

/** A foreign key constraint as the database reports it. */
export interface InspectedForeignKey {
  readonly name: string
  readonly referredTable: string
}

/**
 * The catalog queries of one database, which the inspector ({@link inspect}, `createAll` with
 * `checkFirst`) runs: each dialect has its own. Each query takes the text of its one placeholder
 * (`$1`, `?`) and binds the table name there; the current schema is the database's own notion
 * (PostgreSQL `current_schema()`, MySQL `DATABASE()`, SQLite's main database).
 */
export interface InspectionQueries {
  /** The names of the current schema's tables, one row each (the name first); no parameters. */
  readonly tableNames: string
  /** One row when a table of the bound name exists in the current schema. */
  hasTable(placeholder: string): string
  /** The columns of the bound table in declaration order, one row each, read by {@link column}. */
  columns(placeholder: string): string
  /** A row of {@link columns} as an {@link InspectedColumn}; cells come as text, `null` for SQL NULL. */
  column(cells: readonly (string | null)[]): InspectedColumn
  /**
   * The foreign key constraints of the bound table: name and referred table, ordered by name.
   * `undefined` where foreign keys have no names (SQLite): the table has none to report.
   */
  foreignKeys(placeholder: string): string | undefined
}
