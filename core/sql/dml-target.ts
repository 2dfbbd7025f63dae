/**
 * What the DML builders (core/sql/dml.ts) need of the table they write and of its columns. The
 * schema's `Table` and `Column` implement these interfaces; declaring them here keeps core/sql
 * from importing core/schema (the layers point one way, docs/ARCHITECTURE.md).
 * @module
 */
import type { ColumnRef } from './elements.js'
import type { ColumnsSource } from './from-clauses.js'
import type { SqlType } from './types.js'

/**
 * The options of a column that INSERT and UPDATE read: client and server defaults. (`object &`
 * keeps it from being a weak type, so options that give none of them, `{ primaryKey: true }`,
 * still fit.)
 */
export type DmlColumnOptions = object & {
  readonly default?: unknown
  readonly serverDefault?: unknown
  readonly onupdate?: unknown
}

/**
 * A column as the DML builders see it: a column reference with its nullability, defaults and
 * generated-key flag. `S` (its SQL type) and `O` (its options as written) type the values an
 * INSERT or UPDATE may give it.
 */
export interface DmlColumn<S extends SqlType = SqlType, O = any> extends ColumnRef<any> {
  /** Phantom: the options as written, for insert typing. */
  readonly __options: O
  readonly type: S
  readonly nullable: boolean
  /** Whether the database generates this column's value on INSERT (a lone integer key). */
  readonly isAutoincrement: boolean
  readonly options: DmlColumnOptions
  /** The client-side default for a new row, evaluated now; `undefined` when there is none. */
  defaultValue(): unknown
  /** The client-side onupdate value, evaluated now; `undefined` when there is none. */
  onupdateValue(): unknown
}

/**
 * A table as the DML builders see it: a named source of columns, declared with column map
 * `Spec` (which types the values of an INSERT or UPDATE).
 */
export interface DmlTable<Spec = Record<string, DmlColumn<any, any>>> extends ColumnsSource {
  /** Phantom: the column map the table was declared with. */
  readonly __spec: Spec
  readonly kind: 'table'
  readonly name: string
  readonly columns: readonly DmlColumn[]
  /** The column with attribute key `key`; throws for an unknown key. */
  columnByKey(key: string): DmlColumn
}

/**
 * Where the schema layer names its own table and column types (declaration merging in
 * core/schema/table.ts), so that `Insert`, `Update`, `Delete` and `TableEntity` without type
 * arguments, and the columns a statement lists, keep the schema's `Table` and `Column` types
 * although core/sql imports nothing from core/schema.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by declaration merging
export interface DmlTypes {}

/** The table type the DML statements default to: the registered `Table`, else {@link DmlTable}. */
export type DefaultDmlTable = DmlTypes extends { readonly table: infer T extends DmlTable } ? T : DmlTable

/** The column type a DML statement lists: the registered `Column`, else {@link DmlColumn}. */
export type DefaultDmlColumn = DmlTypes extends { readonly column: infer C extends DmlColumn } ? C : DmlColumn
