/**
 * edgealchemy: SQLAlchemy's design for edge runtimes.
 *
 * The root entry holds the SQL expression language, schema, types, dialects and errors. How the
 * layers fit together and which way they may import: docs/ARCHITECTURE.md.
 * @module edgealchemy
 */

export { columnDecoders, type Decoder, decoderFor, parseDateTime } from './dialects/codecs.js'
export { DdlCompiler } from './dialects/ddl-compiler.js'
export type { AutoincrementDdl, DdlFeatures } from './dialects/ddl-features.js'
export { type ConventionKey, conventionName, type NamingContext } from './dialects/ddl-naming.js'
export type { DialectFeatures, DialectName, JsonAggregation, SqlStatement } from './dialects/dialect.js'
export { Dialect } from './dialects/dialect.js'
export {
  type ErrorRules,
  errorClassFor,
  type TranslateOptions,
  translateError,
} from './dialects/error-translation.js'
export { MysqlDialect, mysql } from './dialects/mysql/index.js'
export { PostgresDialect, postgresql } from './dialects/postgresql/index.js'
export { SqliteDialect, sqlite } from './dialects/sqlite/index.js'
export type { ErrorClass } from './dialects/sqlstate.js'
export type {
  Adapter,
  AdapterCapabilities,
  AdapterFactory,
  AdapterTransaction,
  DriverErrorInfo,
  ExecuteOptions,
  IsolationLevel,
  RawResult,
  ScopedTransaction,
  Statement,
  TransactionOptions,
} from './engine/adapter.js'
export { AsyncConnection } from './engine/connection.js'
export {
  AsyncEngine,
  type BatchItem,
  createAsyncEngine,
  type DisposeReport,
  type EngineOptions,
} from './engine/engine.js'
export type { Executable, ExecuteArgs } from './engine/execution.js'
export { defaultOperationTimeout, type OperationOptions } from './engine/operation.js'
export { redactError, redactText } from './engine/redact.js'
export type { RetryOptions } from './engine/retry.js'
export type { StreamOptions } from './engine/streaming.js'
export { AsyncTransaction } from './engine/transaction.js'
export * from './errors.js'
export {
  AsyncMappingResult,
  AsyncResult,
  AsyncScalarResult,
  type ChunkSource,
} from './result/async-result.js'
export { MappingResult, Result, type ResultMeta, ScalarResult } from './result/result.js'
export type { Row, RowMethods } from './result/row.js'
export * from './schema/column.js'
export * from './schema/constraints.js'
export * from './schema/create-drop.js'
export type { InspectionQueries } from './schema/inspection.js'
export * from './schema/inspector.js'
export * from './schema/metadata.js'
export type { ForeignKeyOptions, ReferentialAction } from './schema/referential-actions.js'
export type { SqlRunner } from './schema/runner.js'
export type {
  CreateTableOptions,
  SchemaDdlCompiler,
  SchemaDdlFeatures,
  SchemaDialect,
} from './schema/schema-dialect.js'
export * from './schema/table.js'
export { sortByDependency } from './schema/table-order.js'
export type { CompiledStatement, ExecuteParams } from './sql/compiled.js'
export { CompiledTemplate } from './sql/compiled.js'
export type { CompilerDialect, CompilerFeatures } from './sql/compiler-dialect.js'
export * from './sql/constructors.js'
export * from './sql/dml.js'
export * from './sql/elements.js'
export * from './sql/from-clauses.js'
export * from './sql/functions.js'
export type * from './sql/row-types.js'
export * from './sql/select.js'
export * from './sql/types.js'
