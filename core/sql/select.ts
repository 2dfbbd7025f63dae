import { ArgumentError } from '../errors.js'
import { and } from './constructors.js'
import {
  BindParam,
  ClauseElement,
  type ColumnElement,
  ColumnElement as ColumnElementClass,
  Exists,
  type FromClause,
  OrderByElement,
  ScalarSubquery,
  type SelectLike,
} from './elements.js'
import { ColumnsSource, CTE, type JoinKind, joinOf, Subquery } from './from-clauses.js'
import type {
  ArgsAfterJoin,
  ColumnsSourceType,
  NullableExcept,
  NullableFrom,
  OuterNames,
  RowOf,
  SelectArg,
  SubqueryColumns,
  TupleOf,
} from './row-types.js'
import { t } from './types.js'

/** An ORDER BY / GROUP BY item: an expression or an ordering. */
export type OrderByArg = ColumnElement<any> | OrderByElement

/** Row locking of {@link Select.forUpdate}. */
export interface ForUpdateOptions {
  /** `FOR SHARE` instead of `FOR UPDATE`. */
  read?: boolean
  nowait?: boolean
  skipLocked?: boolean
  /** `FOR UPDATE OF table` (PostgreSQL). */
  of?: readonly ColumnsSource[]
}

/** The result names of selected expressions, de-duplicated as `id`, `id_1`, `id_2`. */
export function dedupeNames(names: readonly (string | undefined)[]): string[] {
  const seen = new Set<string>()
  return names.map((name, i) => {
    let base = name ?? `col_${i + 1}`
    if (!seen.has(base)) {
      seen.add(base)
      return base
    }
    let n = 1
    while (seen.has(`${base}_${n}`)) n++
    base = `${base}_${n}`
    seen.add(base)
    return base
  })
}

function boundInt(value: number | ColumnElement<number>, what: string): ColumnElement {
  if (value instanceof ColumnElementClass) return value
  if (!Number.isInteger(value) || value < 0)
    throw new ArgumentError(`${what} must be a non-negative integer, got ${value}`)
  return new BindParam(null, value, t.Integer)
}

interface SelectFields {
  readonly args: readonly SelectArg[]
  readonly explicitFroms: readonly FromClause[]
  readonly whereClause: ColumnElement | undefined
  readonly groupByClauses: readonly ColumnElement[]
  readonly havingClause: ColumnElement | undefined
  readonly orderByClauses: readonly OrderByArg[]
  readonly limitClause: ColumnElement | undefined
  readonly offsetClause: ColumnElement | undefined
  readonly distinctOn: boolean | readonly ColumnElement[]
  readonly forUpdateOptions: ForUpdateOptions | undefined
  readonly loaderOptions?: readonly unknown[]
  readonly executionOptionsMap?: Readonly<Record<string, unknown>>
}

/**
 * Something that stands for a FROM item, such as an ORM mapped class (`select(User)`): it
 * answers `__clauseElement__()` with its table.
 */
export interface HasClauseElement {
  __clauseElement__(): ColumnsSource
}

/**
 * Something that joins itself onto a FROM item, such as an ORM relationship
 * (`select(User).join(User.addresses)`): it answers `__joinOnto__(left, kind)` with the join.
 */
export interface JoinOnto {
  __joinOnto__(left: FromClause, kind: JoinKind): FromClause
}

function isJoinOnto(arg: unknown): arg is JoinOnto {
  return typeof (arg as Partial<JoinOnto> | null)?.__joinOnto__ === 'function'
}

/** The FROM item behind `arg` when it has a `__clauseElement__()` hook (a mapped class), else `arg`. */
export function resolveClauseElement<T>(arg: T): T | ColumnsSource {
  const hook = (arg as { __clauseElement__?: unknown } | null)?.__clauseElement__
  return typeof hook === 'function' ? (hook.call(arg) as ColumnsSource) : arg
}

/** Base of SELECT and compound SELECT: what both can become (subquery, CTE, scalar, EXISTS). */
export abstract class SelectBase<Args extends readonly unknown[]>
  extends ClauseElement
  implements SelectLike
{
  /** Phantom: the selected arguments, for row typing. */
  declare readonly __args: Args
  /** Phantom: the row type. */
  declare readonly __row: RowOf<Args>
  abstract readonly selectedColumns: readonly ColumnElement[]
  abstract readonly selectedNames: readonly string[]

  /** As a FROM item: `(SELECT ...) AS name`. */
  subquery<const N extends string>(
    name: N,
    options: { lateral?: boolean } = {},
  ): Subquery<SubqueryColumns<Args, N>, N> {
    return new Subquery(this, name, options.lateral ?? false)
  }
  /** As a common table expression named `name`; `recursive` for `WITH RECURSIVE`. */
  cte<const N extends string>(
    name: N,
    options: { recursive?: boolean } = {},
  ): CTE<SubqueryColumns<Args, N>, N> {
    return new CTE(this, name, options.recursive ?? false)
  }
  /** As a value: `(SELECT x ...)`; the select must have one column. */
  scalarSubquery(): ColumnElement<TupleOf<Args>[0] | null> {
    return new ScalarSubquery(this)
  }
  /** `EXISTS (SELECT ...)` */
  exists(): ColumnElement<boolean> {
    return new Exists(this)
  }
}

/**
 * An immutable SELECT builder: every method returns a new `Select`.
 *
 * ```ts
 * select(users.c.id, users.c.name).where(users.c.name.like('A%')).orderBy(users.c.id).limit(10)
 * ```
 */
export class Select<Args extends readonly unknown[] = readonly unknown[]>
  extends SelectBase<Args>
  implements SelectFields
{
  readonly kind = 'select' as const
  declare readonly args: readonly SelectArg[]
  declare readonly explicitFroms: readonly FromClause[]
  declare readonly whereClause: ColumnElement | undefined
  declare readonly groupByClauses: readonly ColumnElement[]
  declare readonly havingClause: ColumnElement | undefined
  declare readonly orderByClauses: readonly OrderByArg[]
  declare readonly limitClause: ColumnElement | undefined
  declare readonly offsetClause: ColumnElement | undefined
  declare readonly distinctOn: boolean | readonly ColumnElement[]
  declare readonly forUpdateOptions: ForUpdateOptions | undefined
  /** ORM loader options (`selectinload(...)`); they do not change the SQL of this statement. */
  declare readonly loaderOptions: readonly unknown[]
  /** Execution options (`populateExisting`, ...) read by the ORM session. */
  declare readonly executionOptionsMap: Readonly<Record<string, unknown>>
  readonly selectedColumns: readonly ColumnElement[]
  readonly selectedNames: readonly string[]

  constructor(fields: SelectFields) {
    super()
    Object.assign(this, fields)
    this.loaderOptions = fields.loaderOptions ?? []
    this.executionOptionsMap = fields.executionOptionsMap ?? {}
    const cols: ColumnElement[] = []
    for (const given of fields.args) {
      const arg = resolveClauseElement(given)
      if (arg instanceof ColumnsSource) cols.push(...arg.columns)
      else if (arg instanceof ColumnElementClass) cols.push(arg)
      else
        throw new ArgumentError(
          'select() takes columns, expressions, tables, aliases, subqueries or mapped classes',
        )
    }
    this.selectedColumns = cols
    this.selectedNames = dedupeNames(cols.map((c) => c.resultName))
    Object.freeze(this)
  }

  private with(changes: Partial<SelectFields>): any {
    return new Select({ ...(this as SelectFields), ...changes })
  }

  /**
   * ORM loader options, e.g. `select(User).options(selectinload(User.addresses))`; ignored when the
   * statement runs outside a session.
   */
  options(...opts: readonly unknown[]): Select<Args> {
    return this.with({ loaderOptions: [...this.loaderOptions, ...opts] })
  }
  /** Execution options read by the ORM session: `{ populateExisting: true }`. */
  executionOptions(opts: Readonly<Record<string, unknown>>): Select<Args> {
    return this.with({ executionOptionsMap: { ...this.executionOptionsMap, ...opts } })
  }

  /** Adds columns to the select list. */
  addColumns<const More extends readonly SelectArg[]>(...more: More): Select<[...Args, ...More]> {
    return this.with({ args: [...this.args, ...more] })
  }
  /** Sets the FROM items explicitly (a table, join, subquery...); more are added from the columns. */
  selectFrom<F extends readonly FromClause[]>(
    ...froms: F
  ): Select<NullableFrom<Args, OuterNames<F[number]>>> {
    return this.with({ explicitFroms: [...this.explicitFroms, ...froms.map(resolveClauseElement)] })
  }
  /** Adds a WHERE condition; several calls are joined with AND. */
  where(...conditions: (ColumnElement<boolean> | ColumnElement<boolean | null> | undefined)[]): Select<Args> {
    const all = [this.whereClause, ...conditions].filter((c) => c !== undefined) as ColumnElement<boolean>[]
    return this.with({ whereClause: all.length === 0 ? undefined : and(...all) })
  }
  /** `GROUP BY` */
  groupBy(...clauses: ColumnElement<any>[]): Select<Args> {
    return this.with({ groupByClauses: [...this.groupByClauses, ...clauses] })
  }
  /** `HAVING`; several calls are joined with AND. */
  having(...conditions: ColumnElement<boolean>[]): Select<Args> {
    const all = [this.havingClause, ...conditions].filter((c) => c !== undefined) as ColumnElement<boolean>[]
    return this.with({ havingClause: and(...all) })
  }
  /** `ORDER BY`; `orderBy(null)` clears it. */
  orderBy(...clauses: (OrderByArg | null)[]): Select<Args> {
    if (clauses.length === 1 && clauses[0] === null) return this.with({ orderByClauses: [] })
    return this.with({ orderByClauses: [...this.orderByClauses, ...(clauses as OrderByArg[])] })
  }
  /** `LIMIT n` (bound as a parameter). */
  limit(n: number | null): Select<Args> {
    return this.with({ limitClause: n === null ? undefined : boundInt(n, 'limit') })
  }
  /** `OFFSET n` (bound as a parameter). */
  offset(n: number | null): Select<Args> {
    return this.with({ offsetClause: n === null ? undefined : boundInt(n, 'offset') })
  }
  /** `SELECT DISTINCT`; with expressions, `DISTINCT ON (...)` (PostgreSQL only). */
  distinct(...on: ColumnElement<any>[]): Select<Args> {
    return this.with({ distinctOn: on.length === 0 ? true : on })
  }
  /** `FOR UPDATE` / `FOR SHARE` (ignored on SQLite, which locks the whole database for writes). */
  forUpdate(options: ForUpdateOptions = {}): Select<Args> {
    return this.with({ forUpdateOptions: options })
  }
  /**
   * Inner join from the leftmost FROM item; the condition is inferred from a foreign key when
   * omitted. An ORM relationship joins along its own columns: `select(User).join(User.addresses)`.
   */
  join(target: JoinOnto): Select<Args>
  join<R extends ColumnsSourceType<any, any>, const O extends { isOuter?: boolean; full?: boolean } = {}>(
    target: R,
    onclause?: ColumnElement<any>,
    options?: O,
  ): Select<ArgsAfterJoin<Args, O, R['__tableName']>>
  join(
    target: ColumnsSourceType<any, any> | JoinOnto,
    onclause?: ColumnElement<any>,
    options: { isOuter?: boolean; full?: boolean } = {},
  ): any {
    return this.joinWith(target, onclause, options.full ? 'full' : options.isOuter ? 'left' : 'inner')
  }
  /** `LEFT OUTER JOIN`: the joined source's columns become nullable in the row type. */
  outerjoin(target: JoinOnto): Select<Args>
  outerjoin<R extends ColumnsSourceType<any, any>>(
    target: R,
    onclause?: ColumnElement<any>,
  ): Select<NullableFrom<Args, R['__tableName']>>
  outerjoin(target: ColumnsSourceType<any, any> | JoinOnto, onclause?: ColumnElement<any>): any {
    return this.joinWith(target, onclause, 'left')
  }
  /** `RIGHT OUTER JOIN`: every other source's columns become nullable in the row type. */
  rightjoin<R extends ColumnsSourceType<any, any>>(
    target: R,
    onclause?: ColumnElement<any>,
  ): Select<NullableExcept<Args, R['__tableName']>> {
    return this.joinWith(target, onclause, 'right')
  }
  /** `FULL OUTER JOIN` (not on MySQL): every column becomes nullable in the row type. */
  fullJoin<R extends ColumnsSourceType<any, any>>(
    target: R,
    onclause?: ColumnElement<any>,
  ): Select<NullableExcept<Args, never>> {
    return this.joinWith(target, onclause, 'full')
  }
  private joinWith(
    given: ColumnsSourceType<any, any> | JoinOnto,
    onclause: ColumnElement | undefined,
    kind: JoinKind,
  ): any {
    const make = (left: FromClause) =>
      isJoinOnto(given)
        ? given.__joinOnto__(left, kind)
        : joinOf(left, resolveClauseElement(given) as ColumnsSource, onclause, kind)
    if (this.explicitFroms.length > 0) {
      const froms = [...this.explicitFroms]
      const left = froms.pop()!
      return this.with({ explicitFroms: [...froms, make(left)] })
    }
    const left = firstSource(this.selectedColumns)
    if (left === undefined)
      throw new ArgumentError('join() needs a FROM item on the left: call selectFrom() first')
    return this.with({ explicitFroms: [make(left)] })
  }
  /** `UNION` with other selects. */
  union(...others: SelectBase<any>[]): CompoundSelect<Args> {
    return new CompoundSelect('UNION', [this, ...others])
  }
  /** `UNION ALL` */
  unionAll(...others: SelectBase<any>[]): CompoundSelect<Args> {
    return new CompoundSelect('UNION ALL', [this, ...others])
  }
  /** `INTERSECT` */
  intersect(...others: SelectBase<any>[]): CompoundSelect<Args> {
    return new CompoundSelect('INTERSECT', [this, ...others])
  }
  /** `EXCEPT` */
  except(...others: SelectBase<any>[]): CompoundSelect<Args> {
    return new CompoundSelect('EXCEPT', [this, ...others])
  }
}

function firstSource(cols: readonly ColumnElement[]): FromClause | undefined {
  for (const c of cols) {
    const table = (c as { table?: FromClause }).table
    if (table !== undefined) return table
  }
  return undefined
}

/** Set operators of {@link CompoundSelect}. */
export type CompoundOperator = 'UNION' | 'UNION ALL' | 'INTERSECT' | 'EXCEPT'

/** `select UNION select ...` with its own ORDER BY / LIMIT / OFFSET. */
export class CompoundSelect<Args extends readonly unknown[] = readonly unknown[]> extends SelectBase<Args> {
  readonly kind = 'compound' as const
  readonly selectedColumns: readonly ColumnElement[]
  readonly selectedNames: readonly string[]
  constructor(
    readonly operator: CompoundOperator,
    readonly selects: readonly SelectBase<any>[],
    readonly orderByClauses: readonly OrderByArg[] = [],
    readonly limitClause: ColumnElement | undefined = undefined,
    readonly offsetClause: ColumnElement | undefined = undefined,
  ) {
    super()
    const first = selects[0]!
    const width = first.selectedColumns.length
    for (const s of selects)
      if (s.selectedColumns.length !== width)
        throw new ArgumentError(
          `All selects of a ${operator} must have the same number of columns (${width})`,
        )
    this.selectedColumns = first.selectedColumns
    this.selectedNames = first.selectedNames
    Object.freeze(this)
  }
  /** ORDER BY over the combined result (use the first select's columns). */
  orderBy(...clauses: OrderByArg[]): CompoundSelect<Args> {
    return new CompoundSelect(
      this.operator,
      this.selects,
      [...this.orderByClauses, ...clauses],
      this.limitClause,
      this.offsetClause,
    )
  }
  /** LIMIT over the combined result. */
  limit(n: number): CompoundSelect<Args> {
    return new CompoundSelect(
      this.operator,
      this.selects,
      this.orderByClauses,
      boundInt(n, 'limit'),
      this.offsetClause,
    )
  }
  /** OFFSET over the combined result. */
  offset(n: number): CompoundSelect<Args> {
    return new CompoundSelect(
      this.operator,
      this.selects,
      this.orderByClauses,
      this.limitClause,
      boundInt(n, 'offset'),
    )
  }
}

/**
 * Starts a SELECT of columns, expressions or whole tables.
 *
 * ```ts
 * const stmt = select(users.c.id, users.c.name).where(users.c.id.eq(1))
 * type Row = typeof stmt.__row          // { 0: number; 1: string; id: number; name: string }
 * ```
 */
export function select<const A extends readonly SelectArg[]>(...args: A): Select<A> {
  return new Select<A>({
    args,
    explicitFroms: [],
    whereClause: undefined,
    groupByClauses: [],
    havingClause: undefined,
    orderByClauses: [],
    limitClause: undefined,
    offsetClause: undefined,
    distinctOn: false,
    forUpdateOptions: undefined,
  })
}

/** `UNION` of selects. */
export function union<A extends readonly unknown[]>(
  first: SelectBase<A>,
  ...rest: SelectBase<any>[]
): CompoundSelect<A> {
  return new CompoundSelect('UNION', [first, ...rest])
}
/** `UNION ALL` of selects. */
export function unionAll<A extends readonly unknown[]>(
  first: SelectBase<A>,
  ...rest: SelectBase<any>[]
): CompoundSelect<A> {
  return new CompoundSelect('UNION ALL', [first, ...rest])
}
/** `INTERSECT` of selects. */
export function intersect<A extends readonly unknown[]>(
  first: SelectBase<A>,
  ...rest: SelectBase<any>[]
): CompoundSelect<A> {
  return new CompoundSelect('INTERSECT', [first, ...rest])
}
/** `EXCEPT` of selects. */
export function except<A extends readonly unknown[]>(
  first: SelectBase<A>,
  ...rest: SelectBase<any>[]
): CompoundSelect<A> {
  return new CompoundSelect('EXCEPT', [first, ...rest])
}

export { OrderByElement }
