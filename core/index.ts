/**
 * edgealchemy: SQLAlchemy's design for edge runtimes.
 *
 * The root entry holds the SQL expression language, schema, types, dialects and errors.
 * @module
 */

export type { DialectFeatures } from './dialects/dialect.js'
export { Dialect } from './dialects/dialect.js'
export { MysqlDialect, mysql } from './dialects/mysql.js'
export { PostgresDialect, postgresql } from './dialects/postgresql.js'
export { SqliteDialect, sqlite } from './dialects/sqlite.js'
export * from './errors.js'
export * from './schema/column.js'
export * from './schema/constraints.js'
export * from './schema/create-drop.js'
export * from './schema/ddl-compiler.js'
export { type ConventionKey, conventionName, type NamingContext } from './schema/ddl-naming.js'
export * from './schema/inspector.js'
export * from './schema/metadata.js'
export type { SqlRunner } from './schema/runner.js'
export * from './schema/table.js'
export type { CompiledStatement, ExecuteParams } from './sql/compiled.js'
export { CompiledTemplate } from './sql/compiled.js'
export * from './sql/dml.js'
export * from './sql/elements.js'
export * from './sql/from-clauses.js'
export * from './sql/functions.js'
export type * from './sql/row-types.js'
export * from './sql/select.js'
export * from './sql/types.js'
