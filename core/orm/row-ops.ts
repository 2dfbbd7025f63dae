/**
 * The row operations a flush plan is made of: one INSERT or UPDATE per object, where each
 * foreign key value comes from, the UPDATEs that close a broken cycle, association rows and the
 * children of deleted parents to dereference. The unit of work (unit-of-work.ts) and the
 * dependency processors (dependencies/) build them; commit-order.ts orders them.
 * @module
 */
import type { Table } from '../schema/table.js'
import type { Mapper } from './mapper.js'
import type { InstanceState } from './state.js'

/** Where a foreign key value comes from: a known value, or a column of a row inserted in this flush. */
export type ValueSource = { readonly value: unknown } | { readonly from: RowOp; readonly column: string }

/** An INSERT or UPDATE of one object. */
export interface RowOp {
  readonly kind: 'insert' | 'update'
  readonly state: InstanceState
  readonly mapper: Mapper
  /** Column values to write (insert: every value to send; update: the changed ones). */
  readonly values: Map<string, unknown>
  /** Foreign key columns filled from other rows at build time. */
  readonly syncs: Map<string, ValueSource>
  /** Values the database produced (keys, server defaults), filled from results. */
  readonly generated: Map<string, unknown>
  /** Rows that must be written first. */
  readonly deps: Set<RowOp>
  /** Foreign key columns synced from a row inserted in this flush, by that row (to break cycles). */
  readonly syncDeps: Map<string, RowOp>
  /** For an update: the primary key as last flushed (it may be changing). */
  readonly whereKey: readonly unknown[] | undefined
  /**
   * For an update of a versioned row (`versionIdCol`): the version the WHERE clause checks, or
   * undefined when it was not loaded (the database counts up and the flush reads it back).
   */
  version?: { readonly check: unknown }
}

/** A foreign key set by an UPDATE after both rows exist (a broken cycle). */
export interface PostUpdate {
  readonly op: RowOp
  readonly column: string
  readonly source: ValueSource
}

/** A row of a many-to-many association table to insert or delete. */
export interface SecondaryRow {
  readonly table: Table
  readonly values: Map<string, ValueSource>
  /** One association row, counted (false: every row of a deleted object, however many). */
  readonly exact: boolean
}

/** `UPDATE child SET fk = NULL WHERE fk = key`: a deleted parent's children that are not loaded. */
export interface Dereference {
  readonly table: Table
  readonly columns: readonly string[]
  readonly key: readonly unknown[]
}
