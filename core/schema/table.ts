import { ArgumentError } from '../errors.js'
import { Delete, Insert, Update } from '../sql/dml.js'
import type { DmlTable } from '../sql/dml-target.js'
import type { ColumnRef, FromClause } from '../sql/elements.js'
import { Alias, ColumnsSource, type ForeignKeyPair } from '../sql/from-clauses.js'
import { BigInteger, Integer, SmallInteger } from '../sql/types.js'
import { Column } from './column.js'
import {
  CheckConstraint,
  ForeignKeyConstraint,
  Index,
  PrimaryKeyConstraint,
  type SchemaItem,
  UniqueConstraint,
} from './constraints.js'
// A type-only cycle with metadata.ts, kept on purpose: a table belongs to one MetaData and a
// MetaData lists its tables (SQLAlchemy's model), and both `table.metadata` and
// `metadata.tables` are public, so each type must name the other.
import type { MetaData } from './metadata.js'

// Registers Table and Column as the types the DML statements default to (`Insert` is
// `Insert<Table>`), as they were when core/sql imported them; core/sql names neither.
declare module '../sql/dml-target.js' {
  interface DmlTypes {
    readonly table: Table
    readonly column: Column<any, any>
  }
}

/**
 * The bound columns of a table declared with column map `Spec` and name `TB`. A table typed
 * `Table<'name', any>` (to break a circular reference) has columns of type `any`.
 */
export type TableColumns<Spec, TB extends string> = 0 extends 1 & Spec
  ? any
  : {
      readonly [K in keyof Spec & string]: Spec[K] extends Column<infer S, infer O, any, any>
        ? Column<S, O, K, TB>
        : never
    }

/**
 * A table: a name, a column map (keys are attribute names) and constraints.
 *
 * ```ts
 * const metadata = new MetaData()
 * const users = new Table('users', metadata, {
 *   id: new Column(t.Integer, { primaryKey: true }),
 *   name: new Column(t.String(50), { nullable: false }),
 *   email: new Column(t.String(100), { unique: true }),
 * })
 * users.c.name   // Column: key `name`, type String(50), not null
 * ```
 */
export class Table<
    TB extends string = string,
    Spec extends Record<string, Column<any, any, any, any>> = Record<string, Column<any, any, any, any>>,
  >
  extends ColumnsSource<TableColumns<Spec, TB>, TB>
  implements DmlTable<Spec>
{
  /** Phantom: the column map as declared, for typing INSERT and UPDATE values. */
  declare readonly __spec: Spec
  readonly kind = 'table'
  readonly c: TableColumns<Spec, TB>
  readonly columns: readonly Column<any, any>[]
  readonly primaryKey: PrimaryKeyConstraint
  /** UNIQUE, CHECK and FOREIGN KEY constraints, column-level ones included. */
  readonly constraints: readonly (UniqueConstraint | CheckConstraint | ForeignKeyConstraint)[]
  readonly indexes: readonly Index[]

  constructor(
    readonly name: TB,
    readonly metadata: MetaData,
    columns: Spec,
    ...items: SchemaItem[]
  ) {
    super()
    if (typeof name !== 'string' || name.length === 0)
      throw new ArgumentError('A table needs a non-empty name')
    const entries = Object.entries(columns)
    if (entries.length === 0) throw new ArgumentError(`Table ${name} needs at least one column`)
    const pkItem = items.find((i): i is PrimaryKeyConstraint => i instanceof PrimaryKeyConstraint)
    const flaggedPk = entries.filter(([, c]) => c.primaryKey).map(([k]) => k)
    if (pkItem && flaggedPk.length > 0 && pkItem.columns.join() !== flaggedPk.join())
      throw new ArgumentError(
        `Table ${name}: the primary key is given both by column flags and a PrimaryKeyConstraint`,
      )
    const pkKeys = pkItem?.columns ?? flaggedPk
    const lone = pkKeys.length === 1 ? columns[pkKeys[0]!] : undefined
    const autoKey =
      lone !== undefined &&
      (lone.options.autoincrement === true ||
        (lone.options.autoincrement === undefined && !lone.options.foreignKey)) &&
      (lone.type instanceof Integer || lone.type instanceof BigInteger) &&
      !(lone.type instanceof SmallInteger)
        ? pkKeys[0]
        : undefined
    const bound: Column<any, any>[] = []
    const names = new Set<string>()
    for (const [key, spec] of entries) {
      if (!(spec instanceof Column)) throw new ArgumentError(`Table ${name}: ${key} is not a Column`)
      if (spec.table !== undefined)
        throw new ArgumentError(`Table ${name}: column ${key} already belongs to a table`)
      if (spec.options.autoincrement === true && key !== autoKey)
        throw new ArgumentError(
          `Table ${name}: autoincrement is only for a lone Integer or BigInteger primary key (${key})`,
        )
      const col = spec.bind(this, key, key === autoKey, pkKeys.includes(key))
      if (names.has(col.name)) throw new ArgumentError(`Table ${name}: two columns are named ${col.name}`)
      names.add(col.name)
      bound.push(col)
    }
    this.columns = bound
    this.c = Object.freeze(Object.fromEntries(bound.map((c) => [c.key, c]))) as TableColumns<Spec, TB>
    for (const k of pkKeys) this.columnByKey(k)
    this.primaryKey = pkItem ?? new PrimaryKeyConstraint(pkKeys)

    const constraints: (UniqueConstraint | CheckConstraint | ForeignKeyConstraint)[] = []
    const indexes: Index[] = []
    for (const col of bound) {
      if (col.options.unique && !col.options.index) constraints.push(new UniqueConstraint([col.key]))
      if (col.options.index)
        indexes.push(new Index(undefined, [col.key], { unique: col.options.unique ?? false }))
      const fk = col.options.foreignKey
      if (fk) constraints.push(new ForeignKeyConstraint([col.key], () => [fk.column], fk.options))
    }
    for (const item of items) {
      if (item instanceof PrimaryKeyConstraint) continue
      if (item instanceof Index) indexes.push(item)
      else constraints.push(item)
      const keys = item instanceof CheckConstraint ? [] : item.columns
      for (const k of keys) this.columnByKey(k)
    }
    this.constraints = constraints
    this.indexes = indexes
    Object.freeze(this)
    metadata.register(this)
  }

  /** The column with attribute key `key`; throws a clear error for an unknown key. */
  columnByKey(key: string): Column<any, any> {
    const col = (this.c as Record<string, Column<any, any>>)[key]
    if (col === undefined)
      throw new ArgumentError(
        `Table ${this.name} has no column ${JSON.stringify(key)} (columns: ${Object.keys(this.c).join(', ')})`,
      )
    return col
  }

  /** The primary key columns, in key order. */
  get primaryKeyColumns(): Column<any, any>[] {
    return this.primaryKey.columns.map((k) => this.columnByKey(k))
  }

  /** The foreign key constraints of this table. */
  get foreignKeys(): ForeignKeyConstraint[] {
    return this.constraints.filter((c): c is ForeignKeyConstraint => c instanceof ForeignKeyConstraint)
  }

  override foreignKeyPairs(): readonly ForeignKeyPair[] {
    return this.foreignKeys.flatMap((fk) => {
      const referred = fk.referred
      return fk.columns.map((k, i) => [this.columnByKey(k) as ColumnRef, referred[i] as ColumnRef] as const)
    })
  }

  /** The tables this one references through foreign keys (itself excluded). */
  get dependencies(): Table[] {
    const out = new Set<Table>()
    for (const fk of this.foreignKeys)
      for (const c of fk.referred) if (c.table !== this && c.table instanceof Table) out.add(c.table)
    return [...out]
  }

  /** `this AS name` */
  alias<const N extends string>(name: N): Alias<TableColumns<Spec, N>, N> {
    return new Alias(this, name)
  }
  /** `INSERT INTO this`; same as `insert(table)`. */
  insert(): Insert<this> {
    return new Insert(this)
  }
  /** `UPDATE this`; same as `update(table)`. */
  update(): Update<this> {
    return new Update(this)
  }
  /** `DELETE FROM this`; same as `delete_(table)`. */
  delete(): Delete<this> {
    return new Delete(this)
  }
  override fromTables(): readonly FromClause[] {
    return [this]
  }
}
