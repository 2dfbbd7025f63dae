import { ArgumentError } from '../errors.js'
import { type CreateDropOptions, createAll, dropAll } from './create-drop.js'
import type { SqlRunner } from './runner.js'
// A type-only cycle with table.ts, kept on purpose: see the import of MetaData there.
import type { Table } from './table.js'
import { sortByDependency } from './table-order.js'

/**
 * Templates for constraint and index names, with SQLAlchemy's tokens: `%(table_name)s`,
 * `%(column_0_name)s`, `%(column_0_label)s`, `%(referred_table_name)s`, `%(constraint_name)s`.
 *
 * ```ts
 * new MetaData({ namingConvention: { ix: 'ix_%(column_0_label)s', uq: 'uq_%(table_name)s_%(column_0_name)s',
 *   ck: 'ck_%(table_name)s_%(constraint_name)s', fk: 'fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s',
 *   pk: 'pk_%(table_name)s' } })
 * ```
 */
export interface NamingConvention {
  ix?: string
  uq?: string
  ck?: string
  fk?: string
  pk?: string
}

/** Options of {@link MetaData}. */
export interface MetaDataOptions {
  namingConvention?: NamingConvention
}

/** A collection of tables, with the order they must be created in. */
export class MetaData {
  readonly namingConvention: NamingConvention
  readonly #tables = new Map<string, Table>()

  constructor(options: MetaDataOptions = {}) {
    this.namingConvention = Object.freeze({ ...options.namingConvention })
  }

  /** Called by `new Table(...)`; two tables cannot share a name. */
  register(table: Table): void {
    if (this.#tables.has(table.name))
      throw new ArgumentError(`Table ${table.name} is already defined in this MetaData`)
    this.#tables.set(table.name, table)
  }

  /** Tables by name. */
  get tables(): ReadonlyMap<string, Table> {
    return this.#tables
  }

  /**
   * Tables ordered so each comes after the tables it references (foreign-key dependency order).
   * Cycles are kept in declaration order; their foreign keys are added with ALTER TABLE.
   */
  get sortedTables(): Table[] {
    return sortByDependency([...this.#tables.values()]).order
  }

  /**
   * Creates the tables, indexes and constraints in foreign-key order (see {@link createAll}).
   * **DDL on MySQL commits the open transaction implicitly.**
   *
   * ```ts
   * await metadata.createAll(engine, { checkFirst: true })
   * ```
   */
  createAll(runner: SqlRunner, options: CreateDropOptions = {}): Promise<void> {
    return createAll(this, runner, options)
  }

  /** Drops the tables in reverse foreign-key order (see {@link dropAll}). DDL on MySQL commits implicitly. */
  dropAll(runner: SqlRunner, options: CreateDropOptions = {}): Promise<void> {
    return dropAll(this, runner, options)
  }
}
