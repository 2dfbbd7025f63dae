import { ArgumentError } from '../errors.js'
import type { ColumnInputValue, IsOptionalOnInsert } from './column-typing.js'
import { and } from './constructors.js'
import type { DefaultDmlColumn, DefaultDmlTable, DmlColumn, DmlTable } from './dml-target.js'
import {
  BindParam,
  ClauseElement,
  type ColumnElement,
  ColumnElement as ColumnElementClass,
  coerce,
  ExcludedColumn,
  type FromClause,
  type SelectLike,
} from './elements.js'
import { ColumnsSource } from './from-clauses.js'
import type { RowOf, SelectArg } from './row-types.js'
import { dedupeNames, resolveClauseElement } from './select.js'
import { checkWrite, labelled, type WriteTarget } from './value-policy.js'

// Public with the statements: its members (the schema's Table and Column, by declaration
// merging) are the default type arguments of Insert, Update, Delete and TableEntity.
export type { DmlTypes } from './dml-target.js'

type Simplify<T> = { [K in keyof T]: T[K] } & {}
/** The named columns of a column map (a mapped class's table also carries an index signature). */
type KnownKeys<S> = { [K in keyof S as string extends K ? never : number extends K ? never : K]: S[K] }
type SpecOf<T> =
  T extends DmlTable<infer Spec> ? ([keyof KnownKeys<Spec>] extends [never] ? Spec : KnownKeys<Spec>) : never
type ColumnInput<C> =
  C extends DmlColumn<infer S, infer O> ? ColumnInputValue<S, O> | ColumnElement<any> : never
type OptionalKeys<Spec> = {
  [K in keyof Spec]: Spec[K] extends DmlColumn<infer S, infer O>
    ? IsOptionalOnInsert<S, O> extends true
      ? K
      : never
    : never
}[keyof Spec]

/** The values of one INSERT row for table `T`: required columns must be present. */
export type InsertRow<T> = [SpecOf<T>] extends [never]
  ? Record<string, unknown>
  : Simplify<
      { [K in Exclude<keyof SpecOf<T>, OptionalKeys<SpecOf<T>>>]: ColumnInput<SpecOf<T>[K]> } & {
        [K in OptionalKeys<SpecOf<T>>]?: ColumnInput<SpecOf<T>[K]>
      }
    >

/** The values of an UPDATE of table `T`: any subset of its columns. */
export type UpdateValues<T> = [SpecOf<T>] extends [never]
  ? Record<string, unknown>
  : { [K in keyof SpecOf<T>]?: ColumnInput<SpecOf<T>[K]> }

/** A client-side default or onupdate, evaluated each time the statement is bound. */
export class ColumnDefault {
  constructor(
    readonly column: DefaultDmlColumn,
    readonly which: 'default' | 'onupdate',
  ) {
    Object.freeze(this)
  }
  /** The value for one row, now. */
  evaluate(): unknown {
    const v = this.which === 'default' ? this.column.defaultValue() : this.column.onupdateValue()
    if (v instanceof ColumnElementClass)
      throw new ArgumentError('A client default cannot return an expression')
    if (v !== null && v !== undefined) {
      try {
        this.column.type.validateWrite(v)
      } catch (e) {
        throw labelled(e, `${(this.column.table as { name?: string } | undefined)?.name}.${this.column.name}`)
      }
    }
    return v
  }
}

/**
 * Binds one column's value: a plain value is checked against the column type (the value policy's
 * write rules: `validateWrite`) and bound; a named `bindparam()` is marked as writing the column,
 * so the value given at execution gets the same check.
 */
export function bindColumnValue(table: DmlTable, column: DmlColumn, value: unknown): ColumnElement {
  if (value instanceof BindParam && value.key !== null && value.target === undefined && !value.expanding) {
    const target: WriteTarget = { label: `${table.name}.${column.name}`, type: column.type }
    if (value.value !== undefined && value.value !== null) checkWrite(target, value.value)
    return new BindParam(value.key, value.value, value.type, false, target)
  }
  if (value instanceof ColumnElementClass) return value
  if (value === null && !column.nullable)
    throw new ArgumentError(`Column ${table.name}.${column.name} is NOT NULL; null cannot be written to it`)
  try {
    if (value === null || value === undefined) return coerce(value, column.type)
    column.type.validateWrite(value)
    return new BindParam(null, value, column.type)
  } catch (e) {
    if (e instanceof ArgumentError) throw new ArgumentError(`${table.name}.${column.key}: ${e.message}`)
    throw labelled(e, `${table.name}.${column.name}`)
  }
}

/**
 * A table's columns as a statement lists them: of the registered column type (see `DmlTypes`),
 * which every table's columns are.
 */
const columnsOf = (table: DmlTable) => table.columns as readonly DefaultDmlColumn[]

function checkedColumns(table: DmlTable, values: Record<string, unknown>): [DefaultDmlColumn, unknown][] {
  if (values === null || typeof values !== 'object' || Array.isArray(values))
    throw new ArgumentError(`values() takes an object keyed by column (table ${table.name})`)
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => [table.columnByKey(k) as DefaultDmlColumn, v])
}

/** RETURNING support shared by the DML statements. */
function returningList(table: DmlTable, cols: readonly SelectArg[]): ColumnElement[] {
  const out: ColumnElement[] = []
  for (const c of cols) {
    if (c instanceof ColumnsSource) out.push(...c.columns)
    else if (c instanceof ColumnElementClass) out.push(c)
    else throw new ArgumentError(`returning() takes columns or expressions (table ${table.name})`)
  }
  return out
}

/** The conflict clause of an upsert. */
export interface OnConflict {
  readonly style: 'on_conflict' | 'on_duplicate_key'
  readonly target: readonly ColumnElement[]
  /** Columns to set on conflict; empty means DO NOTHING. */
  readonly set: readonly (readonly [DefaultDmlColumn, ColumnElement])[]
  readonly where: ColumnElement | undefined
}

abstract class DmlBase<T extends DmlTable, R extends readonly unknown[]>
  extends ClauseElement
  implements SelectLike
{
  /** Phantom: the RETURNING row type. */
  declare readonly __row: RowOf<R>
  abstract readonly table: T
  abstract readonly returningColumns: readonly ColumnElement[]
  /** Options for whoever executes the statement (the ORM session reads `synchronizeSession`). */
  abstract readonly executionOptionsMap: Readonly<Record<string, unknown>>
  get selectedColumns(): readonly ColumnElement[] {
    return this.returningColumns
  }
  get selectedNames(): readonly string[] {
    return dedupeNames(this.returningColumns.map((c) => c.resultName))
  }
}

/** The parts of an INSERT a builder method may replace. */
interface InsertParts {
  readonly rows: readonly (readonly ColumnElement[])[]
  readonly columns: readonly DefaultDmlColumn[]
  readonly fromSelect: SelectLike | undefined
  readonly returningColumns: readonly ColumnElement[]
  readonly onConflict: OnConflict | undefined
  readonly executionOptionsMap: Readonly<Record<string, unknown>>
}

/**
 * `INSERT INTO table`: one row, many rows, or from a select; optional RETURNING and upsert.
 *
 * ```ts
 * insert(users).values({ name: 'Bob' }).returning(users.c.id)
 * insert(users).values([{ name: 'a' }, { name: 'b' }])
 * const s = insert(users).values({ id: 1, name: 'x' }); s.onConflictDoUpdate({ target: [users.c.id], set: { name: s.excluded.name } })
 * ```
 */
export class Insert<T extends DmlTable = DefaultDmlTable, R extends readonly unknown[] = []> extends DmlBase<
  T,
  R
> {
  readonly kind = 'insert' as const
  constructor(
    readonly table: T,
    /** Rows of [column, value expression]; every row has the same columns in the same order. */
    readonly rows: readonly (readonly ColumnElement[])[] = [],
    readonly columns: readonly DefaultDmlColumn[] = [],
    readonly fromSelect: SelectLike | undefined = undefined,
    readonly returningColumns: readonly ColumnElement[] = [],
    readonly onConflict: OnConflict | undefined = undefined,
    readonly executionOptionsMap: Readonly<Record<string, unknown>> = {},
  ) {
    super()
    Object.freeze(this)
  }

  /** A copy with some parts replaced (the builder methods' one constructor call). */
  private with<R2 extends readonly unknown[] = R>(parts: Partial<InsertParts>): Insert<T, R2> {
    return new Insert(
      this.table,
      parts.rows ?? this.rows,
      parts.columns ?? this.columns,
      'fromSelect' in parts ? parts.fromSelect : this.fromSelect,
      parts.returningColumns ?? this.returningColumns,
      'onConflict' in parts ? parts.onConflict : this.onConflict,
      parts.executionOptionsMap ?? this.executionOptionsMap,
    )
  }

  /** Options for the executor, merged with earlier ones (see {@link Update.executionOptions}). */
  executionOptions(opts: Readonly<Record<string, unknown>>): Insert<T, R> {
    return this.with({ executionOptionsMap: { ...this.executionOptionsMap, ...opts } })
  }

  /** One row (object) or several (array of objects with the same keys). */
  values(rows: InsertRow<T> | readonly InsertRow<T>[]): Insert<T, R> {
    const list = withEntityValues(
      this.executionOptionsMap,
      (Array.isArray(rows) ? rows : [rows]) as Record<string, unknown>[],
    )
    if (list.length === 0) throw new ArgumentError(`values() got an empty list for table ${this.table.name}`)
    if (this.fromSelect) throw new ArgumentError('values() cannot follow fromSelect()')
    const firstCols = checkedColumns(this.table, list[0]!).map(([c]) => c)
    const given = new Set(firstCols)
    const defaults = columnsOf(this.table).filter((c) => !given.has(c) && c.options.default !== undefined)
    const columns = [...firstCols, ...defaults]
    const keyList = firstCols.map((c) => c.key).join(', ')
    const rowsOut = list.map((row, i) => {
      const entries = checkedColumns(this.table, row)
      if (entries.length !== firstCols.length || entries.some(([c]) => !given.has(c)))
        throw new ArgumentError(
          `Every row of a multi-row INSERT needs the same keys: row ${i} differs from (${keyList})`,
        )
      const byCol = new Map(entries)
      return [
        ...firstCols.map((c) => bindColumnValue(this.table, c, byCol.get(c))),
        ...defaults.map((c) => new BindParam(null, new ColumnDefault(c, 'default'), c.type)),
      ]
    })
    const required = columnsOf(this.table).filter(
      (c) =>
        !c.nullable &&
        !c.isAutoincrement &&
        c.options.default === undefined &&
        c.options.serverDefault === undefined,
    )
    const missing = required.filter((c) => !given.has(c))
    if (missing.length > 0)
      throw new ArgumentError(
        `INSERT into ${this.table.name} leaves out NOT NULL column(s) without a default: ${missing.map((c) => c.key).join(', ')}`,
      )
    return this.with({ rows: rowsOut, columns, fromSelect: undefined })
  }

  /** `INSERT INTO table (cols) SELECT ...`; `columns` are keys in the select's column order. */
  fromSelectOf(columns: readonly (keyof T['c'] & string)[], select: SelectLike): Insert<T, R> {
    if (columns.length !== select.selectedColumns.length)
      throw new ArgumentError(
        `fromSelect: ${columns.length} columns but the select has ${select.selectedColumns.length}`,
      )
    const cols = columns.map((k) => this.table.columnByKey(k) as DefaultDmlColumn)
    return this.with({ rows: [], columns: cols, fromSelect: select })
  }

  /** `RETURNING cols` (PostgreSQL and SQLite; a CompileError on MySQL). */
  returning<const A extends readonly SelectArg[]>(...cols: A): Insert<T, A> {
    return this.with<A>({ returningColumns: returningList(this.table, cols) })
  }

  /** The row that failed to insert, for use in an upsert's `set`: `excluded.col` / `VALUES(col)`. */
  get excluded(): { readonly [K in keyof T['c']]: ColumnElement<T['c'][K]['__value']> } {
    return Object.fromEntries(this.table.columns.map((c) => [c.key, new ExcludedColumn(c)])) as any
  }
  /** MySQL's name for {@link excluded}. */
  get inserted(): { readonly [K in keyof T['c']]: ColumnElement<T['c'][K]['__value']> } {
    return this.excluded
  }

  /** `ON CONFLICT [(target)] DO NOTHING` (PostgreSQL, SQLite). */
  onConflictDoNothing(options: { target?: readonly ColumnElement<any>[] } = {}): Insert<T, R> {
    return this.withConflict({
      style: 'on_conflict',
      target: options.target ?? [],
      set: [],
      where: undefined,
    })
  }

  /** `ON CONFLICT (target) DO UPDATE SET ... [WHERE ...]` (PostgreSQL, SQLite). */
  onConflictDoUpdate(options: {
    target: readonly ColumnElement<any>[]
    set: UpdateValues<T>
    where?: ColumnElement<boolean>
  }): Insert<T, R> {
    if (options.target.length === 0) throw new ArgumentError('onConflictDoUpdate needs a conflict target')
    return this.withConflict({
      style: 'on_conflict',
      target: options.target,
      set: this.setList(options.set as Record<string, unknown>),
      where: options.where,
    })
  }

  /** `ON DUPLICATE KEY UPDATE ...` (MySQL, MariaDB). */
  onDuplicateKeyUpdate(set: UpdateValues<T>): Insert<T, R> {
    return this.withConflict({
      style: 'on_duplicate_key',
      target: [],
      set: this.setList(set as Record<string, unknown>),
      where: undefined,
    })
  }

  private setList(set: Record<string, unknown>) {
    const entries = checkedColumns(this.table, set)
    if (entries.length === 0) throw new ArgumentError('An upsert needs at least one column to update')
    return entries.map(([c, v]) => [c, bindColumnValue(this.table, c, v)] as const)
  }
  private withConflict(onConflict: OnConflict): Insert<T, R> {
    if (this.onConflict) throw new ArgumentError('This INSERT already has a conflict clause')
    return this.with({ onConflict })
  }
}

/** The parts of an UPDATE a builder method may replace. */
interface UpdateParts {
  readonly set: readonly (readonly [DefaultDmlColumn, ColumnElement])[]
  readonly whereClause: ColumnElement | undefined
  readonly extraFroms: readonly FromClause[]
  readonly returningColumns: readonly ColumnElement[]
  readonly executionOptionsMap: Readonly<Record<string, unknown>>
}

/**
 * `UPDATE table SET ... WHERE ...`; only the given columns are set (plus `onupdate` columns).
 *
 * ```ts
 * update(users).where(users.c.id.eq(1)).values({ name: 'B' })
 * ```
 */
export class Update<T extends DmlTable = DefaultDmlTable, R extends readonly unknown[] = []> extends DmlBase<
  T,
  R
> {
  readonly kind = 'update' as const
  /**
   * The SET list with `onupdate` columns that were not set explicitly. Built once, so its bind
   * nodes are part of the statement (the shape cache indexes binds by node identity).
   */
  readonly effectiveSet: readonly (readonly [DefaultDmlColumn, ColumnElement])[]
  constructor(
    readonly table: T,
    readonly set: readonly (readonly [DefaultDmlColumn, ColumnElement])[] = [],
    readonly whereClause: ColumnElement | undefined = undefined,
    readonly extraFroms: readonly FromClause[] = [],
    readonly returningColumns: readonly ColumnElement[] = [],
    readonly executionOptionsMap: Readonly<Record<string, unknown>> = {},
  ) {
    super()
    const given = new Set(set.map(([c]) => c))
    const extra = columnsOf(table)
      .filter((c) => !given.has(c) && c.options.onupdate !== undefined)
      .map((c) => [c, new BindParam(null, new ColumnDefault(c, 'onupdate'), c.type)] as const)
    this.effectiveSet = [...set, ...extra]
    Object.freeze(this)
  }
  /** A copy with some parts replaced (the builder methods' one constructor call). */
  private with<R2 extends readonly unknown[] = R>(parts: Partial<UpdateParts>): Update<T, R2> {
    return new Update(
      this.table,
      parts.set ?? this.set,
      'whereClause' in parts ? parts.whereClause : this.whereClause,
      parts.extraFroms ?? this.extraFroms,
      parts.returningColumns ?? this.returningColumns,
      parts.executionOptionsMap ?? this.executionOptionsMap,
    )
  }
  /** Columns to set; values are bound and checked against each column's type. */
  values(values: UpdateValues<T>): Update<T, R> {
    const entries = checkedColumns(this.table, values as Record<string, unknown>)
    const merged = new Map(this.set)
    for (const [c, v] of entries) merged.set(c, bindColumnValue(this.table, c, v))
    return this.with({ set: [...merged] })
  }
  /** Adds a WHERE condition; several calls are joined with AND. */
  where(...conditions: ColumnElement<boolean>[]): Update<T, R> {
    const all = [this.whereClause, ...conditions].filter((c) => c !== undefined) as ColumnElement<boolean>[]
    return this.with({ whereClause: and(...all) })
  }
  /** `UPDATE ... FROM other` (PostgreSQL and SQLite). */
  from(...froms: FromClause[]): Update<T, R> {
    return this.with({ extraFroms: [...this.extraFroms, ...froms] })
  }
  /** `RETURNING cols` (PostgreSQL and SQLite). */
  returning<const A extends readonly SelectArg[]>(...cols: A): Update<T, A> {
    return this.with<A>({ returningColumns: returningList(this.table, cols) })
  }
  /**
   * Options for the executor, merged with earlier ones. The ORM session reads
   * `synchronizeSession` (`'auto'`, `'evaluate'`, `'fetch'` or `false`).
   *
   * ```ts
   * update(User).where(User.c.active.eq(false)).values({ score: 0 }).executionOptions({ synchronizeSession: 'fetch' })
   * ```
   */
  executionOptions(opts: Readonly<Record<string, unknown>>): Update<T, R> {
    return this.with({ executionOptionsMap: { ...this.executionOptionsMap, ...opts } })
  }
}

/**
 * `DELETE FROM table WHERE ...`
 *
 * ```ts
 * delete_(users).where(users.c.id.in([1, 2]))
 * ```
 */
export class Delete<T extends DmlTable = DefaultDmlTable, R extends readonly unknown[] = []> extends DmlBase<
  T,
  R
> {
  readonly kind = 'delete' as const
  constructor(
    readonly table: T,
    readonly whereClause: ColumnElement | undefined = undefined,
    readonly returningColumns: readonly ColumnElement[] = [],
    readonly executionOptionsMap: Readonly<Record<string, unknown>> = {},
  ) {
    super()
    Object.freeze(this)
  }
  /** Adds a WHERE condition; several calls are joined with AND. */
  where(...conditions: ColumnElement<boolean>[]): Delete<T, R> {
    const all = [this.whereClause, ...conditions].filter((c) => c !== undefined) as ColumnElement<boolean>[]
    return new Delete(this.table, and(...all), this.returningColumns, this.executionOptionsMap)
  }
  /** `RETURNING cols` (PostgreSQL and SQLite). */
  returning<const A extends readonly SelectArg[]>(...cols: A): Delete<T, A> {
    return new Delete(this.table, this.whereClause, returningList(this.table, cols), this.executionOptionsMap)
  }
  /** Options for the executor, merged with earlier ones (see {@link Update.executionOptions}). */
  executionOptions(opts: Readonly<Record<string, unknown>>): Delete<T, R> {
    return new Delete(this.table, this.whereClause, this.returningColumns, {
      ...this.executionOptionsMap,
      ...opts,
    })
  }
}

/**
 * Something that stands for a table, such as an ORM mapped class: its `__clauseElement__()` is
 * the table.
 *
 * ```ts
 * update(User).where(User.c.id.eq(1)).values({ name: 'B' })   // User: a TableEntity of users
 * ```
 */
export interface TableEntity<T extends DmlTable = DefaultDmlTable> {
  __clauseElement__(): T
  /** Criteria every UPDATE/DELETE of the entity carries (a subclass's discriminator values). */
  __dmlCriteria__?(): ColumnElement<boolean> | undefined
  /** Values every INSERT of the entity carries unless given (a class's discriminator). */
  __insertValues__?(): Record<string, unknown> | undefined
}

/**
 * The values an entity's INSERT carries by itself (a subclass's discriminator), kept in the
 * execution options as `entityValues` and added to rows that do not give them.
 */
export function withEntityValues(
  options: Readonly<Record<string, unknown>>,
  rows: readonly Record<string, unknown>[],
): Record<string, unknown>[] {
  const values = options.entityValues as Record<string, unknown> | undefined
  if (values === undefined) return rows as Record<string, unknown>[]
  return rows.map((row) => {
    const missing = Object.keys(values).filter((k) => !(k in row))
    return missing.length === 0 ? row : { ...row, ...Object.fromEntries(missing.map((k) => [k, values[k]])) }
  })
}

function entityCriteria(target: unknown): ColumnElement<boolean> | undefined {
  const hook = (target as { __dmlCriteria__?: unknown } | null)?.__dmlCriteria__
  return typeof hook === 'function' ? (hook.call(target) as ColumnElement<boolean> | undefined) : undefined
}

function targetTable<T extends DmlTable>(target: T | TableEntity<T>, what: string): T {
  const resolved = resolveClauseElement(target) as unknown
  if (!(resolved instanceof ColumnsSource) || (resolved as { kind?: string }).kind !== 'table')
    throw new ArgumentError(`${what}() takes a Table or a mapped class`)
  return resolved as T
}

/**
 * `INSERT INTO table ...`; takes a table or a mapped class.
 *
 * ```ts
 * insert(users).values({ name: 'Bob' })
 * await session.execute(insert(User), [{ name: 'a' }, { name: 'b' }])   // ORM bulk INSERT
 * ```
 */
export function insert<T extends DmlTable>(target: T | TableEntity<T>): Insert<T> {
  const stmt = new Insert(targetTable(target, 'insert'))
  const hook = (target as { __insertValues__?: unknown } | null)?.__insertValues__
  const values =
    typeof hook === 'function' ? (hook.call(target) as Record<string, unknown> | undefined) : undefined
  return values === undefined ? stmt : stmt.executionOptions({ entityValues: values })
}
/**
 * `UPDATE table ...`; takes a table or a mapped class.
 *
 * ```ts
 * update(users).where(users.c.id.eq(1)).values({ name: 'B' })
 * await session.execute(update(User), [{ id: 1, name: 'B' }])            // ORM bulk UPDATE by primary key
 * ```
 */
export function update<T extends DmlTable>(target: T | TableEntity<T>): Update<T> {
  const stmt = new Update(targetTable(target, 'update'))
  const criteria = entityCriteria(target)
  return criteria === undefined ? stmt : stmt.where(criteria)
}
/**
 * `DELETE FROM table ...` (`delete` is reserved in JavaScript); takes a table or a mapped class.
 *
 * ```ts
 * delete_(User).where(User.c.name.eq('gone'))
 * ```
 */
export function delete_<T extends DmlTable>(target: T | TableEntity<T>): Delete<T> {
  const stmt = new Delete(targetTable(target, 'delete_'))
  const criteria = entityCriteria(target)
  return criteria === undefined ? stmt : stmt.where(criteria)
}
