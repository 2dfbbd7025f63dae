import { ArgumentError } from '../errors.js'
import { and } from './constructors.js'
import { type ColumnElement, ColumnRef, FromClause, type SelectLike } from './elements.js'
import type {
  ColumnsSourceType,
  JoinNullable,
  NullableExcept,
  NullableFrom,
  OuterNames,
  SourceNames,
} from './row-types.js'

/** A foreign-key link from a local column to a remote one, used to infer join conditions. */
export type ForeignKeyPair = readonly [local: ColumnRef, remote: ColumnRef]

/** Options of {@link ColumnsSource.join}. */
export interface JoinOptions {
  /** LEFT OUTER JOIN. */
  isOuter?: boolean
  /** FULL OUTER JOIN (not on MySQL). */
  full?: boolean
}

/**
 * A FROM item with named columns `.c`: tables, aliases, subqueries and CTEs.
 * `C` maps column keys to column expressions; `TB` is its name.
 */
export abstract class ColumnsSource<
  C extends Record<string, ColumnElement<any, any>> = Record<string, ColumnElement<any, any>>,
  TB extends string = string,
> extends FromClause {
  /** Phantom: the name as a type. */
  declare readonly __tableName: TB
  abstract readonly c: C
  /** The columns in their declared order. */
  abstract readonly columns: readonly ColumnRef[]
  /** Foreign-key links out of this source. */
  foreignKeyPairs(): readonly ForeignKeyPair[] {
    return []
  }
  /** The base table an alias stands for; itself otherwise. */
  get base(): FromClause {
    return this
  }
  fromTables(): readonly FromClause[] {
    return [this]
  }
  /** `this JOIN right ON onclause`; the condition is inferred from one foreign key when omitted. */
  join<R extends ColumnsSource<any, any> | Join<any, any>, const O extends JoinOptions = {}>(
    right: R,
    onclause?: ColumnElement<any>,
    options: O = {} as O,
  ): Join<TB | SourceNames<R>, OuterNames<R> | JoinNullable<O, TB, SourceNames<R>>> {
    return joinOf(this, right, onclause, options.full ? 'full' : options.isOuter ? 'left' : 'inner')
  }
  /** `this LEFT OUTER JOIN right ON ...` */
  outerjoin<R extends ColumnsSource<any, any> | Join<any, any>>(
    right: R,
    onclause?: ColumnElement<any>,
  ): Join<TB | SourceNames<R>, SourceNames<R>> {
    return joinOf(this, right, onclause, 'left')
  }
}

/** Join kinds. */
export type JoinKind = 'inner' | 'left' | 'right' | 'full'

/**
 * `left [LEFT|RIGHT|FULL] JOIN right ON cond`. `TB` are the names it covers; `NB` the names whose
 * columns may be NULL (the outer side).
 */
export class Join<TB extends string = string, NB extends string = never> extends FromClause {
  /** Phantom: the names this join covers and those on its outer side. */
  declare readonly __names: TB
  declare readonly __nullable: NB
  readonly kind = 'join' as const
  readonly name = undefined
  constructor(
    readonly left: FromClause,
    readonly right: FromClause,
    readonly onclause: ColumnElement,
    readonly joinKind: JoinKind,
  ) {
    super()
    Object.freeze(this)
  }
  fromTables(): readonly FromClause[] {
    return [...this.left.fromTables(), ...this.right.fromTables()]
  }
  /** Chains another INNER JOIN (or outer with `options`). */
  join<R extends ColumnsSource<any, any> | Join<any, any>, const O extends JoinOptions = {}>(
    right: R,
    onclause?: ColumnElement<any>,
    options: O = {} as O,
  ): Join<TB | SourceNames<R>, NB | OuterNames<R> | JoinNullable<O, TB, SourceNames<R>>> {
    return joinOf(this, right, onclause, options.full ? 'full' : options.isOuter ? 'left' : 'inner')
  }
  /** Chains a LEFT OUTER JOIN. */
  outerjoin<R extends ColumnsSource<any, any> | Join<any, any>>(
    right: R,
    onclause?: ColumnElement<any>,
  ): Join<TB | SourceNames<R>, NB | SourceNames<R>> {
    return joinOf(this, right, onclause, 'left')
  }
}

/** Builds a join, inferring the ON clause from foreign keys when it is omitted. */
export function joinOf(
  left: FromClause,
  right: FromClause,
  onclause: ColumnElement | undefined,
  kind: JoinKind,
): any {
  return new Join(left, right, onclause ?? inferOnClause(left, right), kind)
}

function baseOf(f: FromClause): FromClause {
  return f instanceof ColumnsSource ? f.base : f
}

function pairsOf(f: FromClause): readonly ForeignKeyPair[] {
  return f instanceof ColumnsSource ? f.foreignKeyPairs() : []
}

/** The join condition implied by the foreign keys between `left` (any of its tables) and `right`. */
function inferOnClause(left: FromClause, right: FromClause): ColumnElement {
  const candidates: ColumnElement<boolean>[][] = []
  for (const l of left.fromTables()) {
    const forward = pairsOf(right).filter(
      ([, remote]) => remote.table !== undefined && baseOf(remote.table) === baseOf(l),
    )
    const backward = pairsOf(l).filter(
      ([, remote]) => remote.table !== undefined && baseOf(remote.table) === baseOf(right),
    )
    const byConstraint = [...forward.map(([local, remote]) => rebind(local, right).eq(rebind(remote, l)))]
    const back = backward.map(([local, remote]) => rebind(local, l).eq(rebind(remote, right)))
    if (byConstraint.length > 0) candidates.push(byConstraint)
    if (back.length > 0) candidates.push(back)
  }
  if (candidates.length !== 1) {
    const what = candidates.length === 0 ? 'no foreign key links' : 'more than one foreign key path links'
    throw new ArgumentError(
      `Cannot infer the join condition: ${what} ${right.name ?? 'the right side'} to the left side; pass an onclause`,
    )
  }
  const conds = candidates[0]!
  if (conds.length > 1 && new Set(conds).size !== conds.length)
    throw new ArgumentError('Ambiguous join condition')
  return conds.length === 1 ? conds[0]! : and(...conds)
}

/** The same column as seen through `source` (an alias of its table). */
function rebind(col: ColumnRef, source: FromClause): ColumnRef {
  if (col.table === source || !(source instanceof ColumnsSource)) return col
  return source.columns.find((c) => c.name === col.name) ?? col
}

/** An alias of a table: `users AS u`. Its columns are the table's, qualified by the alias. */
export class Alias<
  C extends Record<string, ColumnElement<any, any>> = any,
  TB extends string = string,
> extends ColumnsSource<C, TB> {
  readonly kind = 'alias' as const
  readonly c: C
  readonly columns: readonly ColumnRef[]
  constructor(
    readonly element: ColumnsSource,
    readonly name: TB,
  ) {
    super()
    this.columns = element.columns.map((col) => new ColumnRef(this, col.name, col.type, col.key))
    this.c = columnMap<C>(this.columns)
    Object.freeze(this)
  }
  override get base(): FromClause {
    return this.element.base
  }
  override foreignKeyPairs(): readonly ForeignKeyPair[] {
    return this.element.foreignKeyPairs().map(([local, remote]) => [rebind(local, this), remote] as const)
  }
}

/** The frozen `.c` map of a FROM item: its columns by key. */
function columnMap<C>(columns: readonly ColumnRef[]): C {
  return Object.freeze(Object.fromEntries(columns.map((col) => [col.key, col]))) as unknown as C
}

/** Builds the `.c` columns of a subquery or CTE from what its select yields. */
function columnsFromSelect(source: FromClause, select: SelectLike): ColumnRef[] {
  return select.selectedColumns.map((col, i) => new ColumnRef(source, select.selectedNames[i]!, col.type))
}

/** A SELECT in FROM: `(SELECT ...) AS name`. */
export class Subquery<
  C extends Record<string, ColumnElement<any, any>> = any,
  TB extends string = string,
> extends ColumnsSource<C, TB> {
  readonly kind = 'subquery' as const
  readonly c: C
  readonly columns: readonly ColumnRef[]
  constructor(
    readonly select: SelectLike,
    readonly name: TB,
    /** A LATERAL subquery may refer to FROM items before it. */
    readonly lateral = false,
  ) {
    super()
    this.columns = columnsFromSelect(this, select)
    this.c = columnMap<C>(this.columns)
    Object.freeze(this)
  }
}

/** A common table expression, rendered in the statement's `WITH` clause and used by name. */
export class CTE<
  C extends Record<string, ColumnElement<any, any>> = any,
  TB extends string = string,
> extends ColumnsSource<C, TB> {
  readonly kind = 'cte' as const
  readonly c: C
  readonly columns: readonly ColumnRef[]
  constructor(
    readonly select: SelectLike,
    readonly name: TB,
    readonly recursive: boolean,
    /** Shared by a recursive CTE and the copy `unionAll()` returns, so WITH lists it once. */
    readonly identity: object = {},
    readonly generation = 0,
  ) {
    super()
    this.columns = columnsFromSelect(this, select)
    this.c = columnMap<C>(this.columns)
    Object.freeze(this)
  }
  /**
   * Adds the recursive part: `WITH RECURSIVE name AS (anchor UNION ALL recursive)`.
   *
   * ```ts
   * const tree = select(nodes.c.id).where(nodes.c.parentId.isNull()).cte('tree', { recursive: true })
   * const full = tree.unionAll(select(nodes.c.id).selectFrom(nodes.join(tree, nodes.c.parentId.eq(tree.c.id))))
   * ```
   */
  unionAll(recursivePart: SelectLike): CTE<C, TB> {
    return this.compound('UNION ALL', recursivePart)
  }
  /** As {@link unionAll} with `UNION` (duplicates removed). */
  union(recursivePart: SelectLike): CTE<C, TB> {
    return this.compound('UNION', recursivePart)
  }
  private compound(operator: 'UNION' | 'UNION ALL', part: SelectLike): CTE<C, TB> {
    const combined = new RecursiveUnion(operator, this.select, part)
    return new CTE(combined, this.name, this.recursive, this.identity, this.generation + 1)
  }
}

/** The body of a recursive CTE: `anchor UNION [ALL] recursive`. */
export class RecursiveUnion extends FromClause implements SelectLike {
  readonly kind = 'recursive_union' as const
  readonly name = undefined
  readonly selectedNames: readonly string[]
  readonly selectedColumns: readonly ColumnElement[]
  constructor(
    readonly operator: 'UNION' | 'UNION ALL',
    readonly anchor: SelectLike,
    readonly recursivePart: SelectLike,
  ) {
    super()
    this.selectedNames = anchor.selectedNames
    this.selectedColumns = anchor.selectedColumns
    Object.freeze(this)
  }
  fromTables(): readonly FromClause[] {
    return []
  }
}

/** Types of a FROM item given to `selectFrom`/`join`, used by the select builder's row typing. */
export type NullableAfterJoin<Args, F> = F extends Join<any, infer NB> ? NullableFrom<Args, NB> : Args
export type { ColumnsSourceType, NullableExcept, NullableFrom }
