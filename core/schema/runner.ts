import type { CompiledStatement } from '../sql/compiled.js'
import type { SchemaDialect } from './schema-dialect.js'

/**
 * Anything that can run compiled statements for one dialect: the engine and connections
 * implement it; tests wrap a plain driver. `metadata.createAll(runner)` takes one.
 */
export interface SqlRunner {
  readonly dialect: SchemaDialect
  /** Runs one statement; rows come back in array mode (one array per row, in select-list order). */
  runCompiled(stmt: CompiledStatement): Promise<{ readonly rows: readonly (readonly unknown[])[] }>
}
