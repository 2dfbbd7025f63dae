import type { AddableConstraint, ForeignKeyConstraint } from './constraints.js'
import type { InspectionQueries } from './inspection.js'
import type { Table } from './table.js'

/** Options of a DDL compiler's `createTable`. */
export interface CreateTableOptions {
  /** Foreign keys left out of the CREATE TABLE (added later with ALTER TABLE, for cycles). */
  omitForeignKeys?: ReadonlySet<ForeignKeyConstraint>
  /** `CREATE TABLE IF NOT EXISTS`. */
  ifNotExists?: boolean
}

/**
 * What `createAll`, `dropAll` and their planners ask of a DDL compiler: the statements of one
 * table, in the dialect's words (`DdlCompiler` implements it).
 */
export interface SchemaDdlCompiler {
  /** CREATE TABLE, then its indexes and comments: everything that creates one table. */
  createTableStatements(table: Table, options?: CreateTableOptions): string[]
  /** `DROP TABLE name` */
  dropTable(table: Table, options?: { ifExists?: boolean }): string
  /** `ALTER TABLE t ADD CONSTRAINT name ...` */
  addConstraint(table: Table, c: AddableConstraint): string
  /** `ALTER TABLE t DROP CONSTRAINT name` (or the dialect's words for it). */
  dropConstraint(table: Table, c: AddableConstraint): string
  /** The name a foreign key is created with when added by ALTER TABLE. */
  foreignKeyName(table: Table, fk: ForeignKeyConstraint): string
}

/** How a database treats a schema, where `createAll` and `dropAll` must plan for it. */
export interface SchemaDdlFeatures {
  /**
   * Foreign keys to a table created later stay in the CREATE TABLE (the database resolves them
   * when rows are written: SQLite); elsewhere they are added by ALTER TABLE once both tables exist.
   */
  readonly inlineForwardForeignKeys: boolean
  /** Table names are compared without regard to case (SQLite), when checking what exists. */
  readonly caseInsensitiveTableNames: boolean
}

/**
 * The dialect as the schema layer sees it: its DDL compiler, its DDL flags and its catalog
 * queries. `Dialect` implements it; the schema code reaches the dialect only through it.
 */
export interface SchemaDialect {
  /** The placeholder for the n-th (1-based) parameter: `$1` or `?`. */
  placeholder(position: number): string
  /** A DDL compiler for this dialect. */
  createDdlCompiler(): SchemaDdlCompiler
  /** How the database treats a schema (see {@link SchemaDdlFeatures}). */
  readonly ddl: SchemaDdlFeatures
  /** The catalog queries of the inspector. */
  readonly inspection: InspectionQueries
}
