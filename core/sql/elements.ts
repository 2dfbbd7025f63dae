import { ArgumentError } from '../errors.js'
import type { ExpressionKind, FromKind, NodeKind } from './node-kind.js'
import { type SqlType, String_, t } from './types.js'
import type { WriteTarget } from './value-policy.js'

/**
 * Every node of the SQL AST. Nodes are frozen after construction: builders return new nodes,
 * so a node can be a cache key by identity.
 */
export abstract class ClauseElement {
  /**
   * The visitor key the compiler dispatches on: one of the closed set {@link NodeKind}, each
   * with its entry in the compiler's table and in the statement cache's key declarations.
   */
  abstract readonly kind: NodeKind
  /**
   * Compiles for a dialect and binds values: `{ sql, params }`, for debugging and logging.
   *
   * ```ts
   * select(users.c.id).where(users.c.id.eq(5)).compile(postgresql)
   * // { sql: 'SELECT users.id FROM users WHERE users.id = $1', params: [5] }
   * ```
   */
  compile(
    dialect: {
      compile(
        stmt: ClauseElement,
        params?: Readonly<Record<string, unknown>>,
      ): { sql: string; params: unknown[] }
    },
    params?: Readonly<Record<string, unknown>>,
  ): { sql: string; params: unknown[] } {
    return dialect.compile(this, params)
  }
}

/** Anything that renders as a FROM item: tables, aliases, subqueries, CTEs, joins. */
export abstract class FromClause extends ClauseElement {
  abstract override readonly kind: FromKind
  /** Name used to qualify its columns, if it has one. */
  abstract readonly name: string | undefined
  /** The base tables this FROM item covers (a join covers both sides). */
  abstract fromTables(): readonly FromClause[]
}

/** What `select(...)` accepts as a whole row source or a statement usable as a subquery. */
export interface SelectLike extends ClauseElement {
  /** The names of the selected columns, in order. */
  readonly selectedNames: readonly string[]
  /** The selected expressions, in order. */
  readonly selectedColumns: readonly ColumnElement[]
}

/**
 * Comparable value or expression: `T`, or an expression of the same value type. A bigint
 * expression also takes a number (bound as it is).
 */
export type Operand<T> =
  | T
  | (T extends bigint ? number : never)
  | ColumnElement<T>
  | ColumnElement<T | null>
  | ColumnElement<NonNullable<T>>

/** Options of `like` and friends. */
export interface LikeOptions {
  /** The escape character, rendered in an `ESCAPE` clause. */
  escape?: string
}
/** Options of `startsWith`, `endsWith` and `contains`. */
export interface AutoescapeOptions {
  /** Escape `%`, `_` and `/` in the value so it matches literally. */
  autoescape?: boolean
}

/**
 * A SQL expression with a value type `T`; `N` is the name a row gives it when selected.
 * The comparison methods take values (bound as parameters) or other expressions.
 *
 * ```ts
 * users.c.name.like('A%'), users.c.id.in([1, 2]), users.c.age.add(1).label('next')
 * ```
 */
export abstract class ColumnElement<T = unknown, N extends string = string> extends ClauseElement {
  abstract override readonly kind: ExpressionKind
  /** Phantom: the JavaScript value type. */
  declare readonly __value: T
  /** Phantom: the row key when selected. */
  declare readonly __name: N
  /** The SQL type; decides encoding, decoding and PostgreSQL casts. */
  abstract readonly type: SqlType
  /** The name of the column this expression yields in a result, when it has one. */
  get resultName(): string | undefined {
    return undefined
  }

  /** `=`; `eq(null)` renders `IS NULL`. */
  eq(other: Operand<T> | null): ColumnElement<boolean> {
    return other === null
      ? new UnaryExpression<boolean>(this, 'IS NULL', 'postfix', t.Boolean)
      : compare(this, '=', other)
  }
  /** `<>`; `ne(null)` renders `IS NOT NULL`. */
  ne(other: Operand<T> | null): ColumnElement<boolean> {
    return other === null
      ? new UnaryExpression<boolean>(this, 'IS NOT NULL', 'postfix', t.Boolean)
      : compare(this, '<>', other)
  }
  /** `<` */
  lt(other: Operand<T>): ColumnElement<boolean> {
    return compare(this, '<', other)
  }
  /** `<=` */
  le(other: Operand<T>): ColumnElement<boolean> {
    return compare(this, '<=', other)
  }
  /** `>` */
  gt(other: Operand<T>): ColumnElement<boolean> {
    return compare(this, '>', other)
  }
  /** `>=` */
  ge(other: Operand<T>): ColumnElement<boolean> {
    return compare(this, '>=', other)
  }
  /** `IS NULL` */
  isNull(): ColumnElement<boolean> {
    return new UnaryExpression<boolean>(this, 'IS NULL', 'postfix', t.Boolean)
  }
  /** `IS NOT NULL` */
  isNotNull(): ColumnElement<boolean> {
    return new UnaryExpression<boolean>(this, 'IS NOT NULL', 'postfix', t.Boolean)
  }
  /**
   * `IN (...)`. A list expands into one parameter per value when the statement runs, so its
   * length does not change the cached SQL; an empty list is a predicate that is always false.
   */
  in(values: readonly Operand<T>[] | SelectLike): ColumnElement<boolean> {
    return makeIn(this, values, false)
  }
  /** `NOT IN (...)`; an empty list is always true. */
  notIn(values: readonly Operand<T>[] | SelectLike): ColumnElement<boolean> {
    return makeIn(this, values, true)
  }
  /** `BETWEEN low AND high` */
  between(low: Operand<T>, high: Operand<T>): ColumnElement<boolean> {
    return new Between(this, coerce(low, this.type), coerce(high, this.type), false)
  }
  /** `LIKE pattern` (case sensitivity follows the database: SQLite and MySQL ignore ASCII case). */
  like(pattern: Operand<string>, options: LikeOptions = {}): ColumnElement<boolean> {
    return new Like(this, coerce(pattern, t.String()), options.escape, false, false)
  }
  /** `NOT LIKE pattern` */
  notLike(pattern: Operand<string>, options: LikeOptions = {}): ColumnElement<boolean> {
    return new Like(this, coerce(pattern, t.String()), options.escape, false, true)
  }
  /** Case-insensitive LIKE: `ILIKE` on PostgreSQL, `lower(x) LIKE lower(p)` elsewhere. */
  ilike(pattern: Operand<string>, options: LikeOptions = {}): ColumnElement<boolean> {
    return new Like(this, coerce(pattern, t.String()), options.escape, true, false)
  }
  /** Negated {@link ilike}. */
  notIlike(pattern: Operand<string>, options: LikeOptions = {}): ColumnElement<boolean> {
    return new Like(this, coerce(pattern, t.String()), options.escape, true, true)
  }
  /** `LIKE value || '%'`; with `autoescape` the value's `%` and `_` match literally. */
  startsWith(value: string, options: AutoescapeOptions = {}): ColumnElement<boolean> {
    return affixLike(this, value, '', '%', options)
  }
  /** `LIKE '%' || value` */
  endsWith(value: string, options: AutoescapeOptions = {}): ColumnElement<boolean> {
    return affixLike(this, value, '%', '', options)
  }
  /** `LIKE '%' || value || '%'` */
  contains(value: string, options: AutoescapeOptions = {}): ColumnElement<boolean> {
    return affixLike(this, value, '%', '%', options)
  }
  /** `+` */
  add(other: Operand<T>): ColumnElement<T> {
    return arithmetic(this, '+', other)
  }
  /** `-` */
  sub(other: Operand<T>): ColumnElement<T> {
    return arithmetic(this, '-', other)
  }
  /** `*` */
  mul(other: Operand<T>): ColumnElement<T> {
    return arithmetic(this, '*', other)
  }
  /** `/` (integer division on integer operands, as the database does it) */
  div(other: Operand<T>): ColumnElement<T> {
    return arithmetic(this, '/', other)
  }
  /** `%` */
  mod(other: Operand<T>): ColumnElement<T> {
    return arithmetic(this, '%', other)
  }
  /** String concatenation: `||`, or `concat()` on MySQL. */
  concat(other: Operand<string>): ColumnElement<string> {
    return new Concat([this as ColumnElement, coerce(other, t.String())])
  }
  /** Names the expression in the result: `expr AS name`. */
  label<const L extends string>(name: L): Label<T, L> {
    return new Label(name, this)
  }
  /** `CAST(expr AS type)`; NULL stays NULL, and the result keeps this expression's name. */
  cast<S extends SqlType>(type: S): ColumnElement<S['__value'] | (null extends T ? null : never), N> {
    return new Cast(this, type) as ColumnElement<any, any>
  }
  /** Ascending order: `expr ASC`. */
  asc(): OrderByElement {
    return new OrderByElement(this, 'asc', undefined)
  }
  /** Descending order: `expr DESC`. */
  desc(): OrderByElement {
    return new OrderByElement(this, 'desc', undefined)
  }
}

/** A column of a table, alias, subquery or CTE. `TB` is the name of its FROM item. */
export class ColumnRef<
  T = unknown,
  N extends string = string,
  TB extends string = string,
> extends ColumnElement<T, N> {
  /** Phantom: the name of the FROM item, used to make outer-joined columns nullable in row types. */
  declare readonly __tableName: TB
  readonly kind = 'column' as const
  constructor(
    /** The FROM item the column belongs to; the compiler qualifies the name with it. */
    readonly table: FromClause | undefined,
    /** The database name of the column. */
    readonly name: string,
    readonly type: SqlType,
    /** The attribute name (`users.c.createdAt`), which may differ from the database name. */
    readonly key: string = name,
  ) {
    super()
  }
  override get resultName(): string {
    return this.key
  }
}

/** A bound parameter. Every value in a statement is one. */
export class BindParam<T = unknown> extends ColumnElement<T> {
  readonly kind = 'bind' as const
  constructor(
    /** Name for values given at execution (`text(':x')`, `bindparam('x')`); null for anonymous values. */
    readonly key: string | null,
    /** The value, or `undefined` when it is given at execution. */
    readonly value: unknown,
    readonly type: SqlType,
    /** A list that expands into one placeholder per item at execution (IN). */
    readonly expanding = false,
    /** The column a named parameter writes (INSERT values, UPDATE SET): its value is checked as a write. */
    readonly target?: WriteTarget,
  ) {
    super()
    Object.freeze(this)
  }
}

/** `a <op> b` */
export class BinaryExpression<T = unknown> extends ColumnElement<T> {
  readonly kind = 'binary' as const
  constructor(
    readonly left: ColumnElement,
    readonly operator: string,
    readonly right: ColumnElement,
    readonly type: SqlType,
  ) {
    super()
    Object.freeze(this)
  }
}

/** A prefix or postfix operator: `NOT x`, `x IS NULL`, `-x`. */
export class UnaryExpression<T = unknown> extends ColumnElement<T> {
  readonly kind = 'unary' as const
  constructor(
    readonly operand: ColumnElement,
    readonly operator: string,
    readonly position: 'prefix' | 'postfix',
    readonly type: SqlType,
  ) {
    super()
    Object.freeze(this)
  }
}

/** `a AND b AND c` or `a OR b`. */
export class BooleanList extends ColumnElement<boolean> {
  readonly kind = 'boolean_list' as const
  readonly type = t.Boolean
  constructor(
    readonly operator: 'AND' | 'OR',
    readonly clauses: readonly ColumnElement[],
  ) {
    super()
    Object.freeze(this)
  }
}

/** String concatenation of two or more operands. */
export class Concat extends ColumnElement<string> {
  readonly kind = 'concat' as const
  readonly type = t.String()
  constructor(readonly parts: readonly ColumnElement[]) {
    super()
    Object.freeze(this)
  }
}

/** `x [NOT] IN (...)`: a list bound as one expanding parameter, or a subquery. */
export class InList extends ColumnElement<boolean> {
  readonly kind = 'in' as const
  readonly type = t.Boolean
  constructor(
    readonly operand: ColumnElement,
    readonly values: BindParam | SelectLike | readonly ColumnElement[],
    readonly negated: boolean,
  ) {
    super()
    Object.freeze(this)
  }
}

/** `x BETWEEN a AND b` */
export class Between extends ColumnElement<boolean> {
  readonly kind = 'between' as const
  readonly type = t.Boolean
  constructor(
    readonly operand: ColumnElement,
    readonly low: ColumnElement,
    readonly high: ColumnElement,
    readonly negated: boolean,
  ) {
    super()
    Object.freeze(this)
  }
}

/** `x [NOT] LIKE p [ESCAPE e]`, case-insensitive when `caseInsensitive`. */
export class Like extends ColumnElement<boolean> {
  readonly kind = 'like' as const
  readonly type = t.Boolean
  constructor(
    readonly operand: ColumnElement,
    readonly pattern: ColumnElement,
    readonly escape: string | undefined,
    readonly caseInsensitive: boolean,
    readonly negated: boolean,
  ) {
    super()
    if (escape !== undefined && [...escape].length !== 1)
      throw new ArgumentError(`The LIKE escape must be one character, got ${JSON.stringify(escape)}`)
    Object.freeze(this)
  }
}

/** `expr AS name` */
export class Label<T = unknown, N extends string = string> extends ColumnElement<T, N> {
  readonly kind = 'label' as const
  readonly type: SqlType
  constructor(
    readonly name: N,
    readonly element: ColumnElement,
  ) {
    super()
    if (name.length === 0) throw new ArgumentError('A label needs a non-empty name')
    this.type = element.type
    Object.freeze(this)
  }
  override get resultName(): string {
    return this.name
  }
}

/** `CAST(expr AS type)` */
export class Cast<T = unknown> extends ColumnElement<T> {
  readonly kind = 'cast' as const
  constructor(
    readonly element: ColumnElement,
    readonly type: SqlType,
  ) {
    super()
    Object.freeze(this)
  }
  override get resultName(): string | undefined {
    return this.element.resultName
  }
}

/** `NULL`, `TRUE`, `FALSE`. */
export class Keyword<T = unknown> extends ColumnElement<T> {
  readonly kind = 'keyword' as const
  constructor(
    readonly word: 'NULL' | 'TRUE' | 'FALSE',
    readonly type: SqlType,
  ) {
    super()
    Object.freeze(this)
  }
}

/** Parentheses around an expression, added by builders where precedence needs them. */
export class Grouping<T = unknown> extends ColumnElement<T> {
  readonly kind = 'grouping' as const
  readonly type: SqlType
  constructor(readonly element: ColumnElement) {
    super()
    this.type = element.type
    Object.freeze(this)
  }
}

/** `CASE WHEN c THEN v ... ELSE e END`, or `CASE x WHEN a THEN v ... END` with a `value`. */
export class Case<T = unknown> extends ColumnElement<T> {
  readonly kind = 'case' as const
  constructor(
    readonly whens: readonly (readonly [ColumnElement, ColumnElement])[],
    readonly else_: ColumnElement | undefined,
    readonly value: ColumnElement | undefined,
    readonly type: SqlType,
  ) {
    super()
    Object.freeze(this)
  }
}

/** An ORDER BY item. */
export class OrderByElement extends ClauseElement {
  readonly kind = 'order_by' as const
  constructor(
    readonly element: ColumnElement,
    readonly direction: 'asc' | 'desc' | undefined,
    readonly nulls: 'first' | 'last' | undefined,
  ) {
    super()
    Object.freeze(this)
  }
  /** `NULLS FIRST` (emulated on MySQL). */
  nullsFirst(): OrderByElement {
    return new OrderByElement(this.element, this.direction, 'first')
  }
  /** `NULLS LAST` (emulated on MySQL). */
  nullsLast(): OrderByElement {
    return new OrderByElement(this.element, this.direction, 'last')
  }
}

/** `[NOT] EXISTS (select)` */
export class Exists extends ColumnElement<boolean> {
  readonly kind = 'exists' as const
  readonly type = t.Boolean
  constructor(
    readonly select: SelectLike,
    readonly negated = false,
  ) {
    super()
    Object.freeze(this)
  }
}

/** A SELECT of one column used as a value: `(SELECT max(x) FROM t)`. */
export class ScalarSubquery<T = unknown> extends ColumnElement<T> {
  readonly kind = 'scalar_subquery' as const
  readonly type: SqlType
  constructor(readonly select: SelectLike) {
    super()
    const first = select.selectedColumns[0]
    if (select.selectedColumns.length !== 1 || first === undefined)
      throw new ArgumentError('A scalar subquery must select exactly one column')
    this.type = first.type
    Object.freeze(this)
  }
}

/** A literal SQL fragment with `:name` parameters, from {@link text}; untyped, so usable as a condition or a value. */
export class TextClause extends ColumnElement<any> {
  readonly kind = 'text' as const
  readonly type = t.Null
  constructor(
    /** Alternating SQL text and parameters: text, bind, text, bind, ..., text. */
    readonly parts: readonly (string | BindParam)[],
  ) {
    super()
    Object.freeze(this)
  }
}

/** The `excluded.col` / `VALUES(col)` reference inside an upsert's update. */
export class ExcludedColumn<T = unknown> extends ColumnElement<T> {
  readonly kind = 'excluded' as const
  readonly type: SqlType
  constructor(readonly column: ColumnRef) {
    super()
    this.type = column.type
    Object.freeze(this)
  }
}

/** True when `value` is an expression node rather than a plain value. */
export function isColumnElement(value: unknown): value is ColumnElement {
  return value instanceof ColumnElement
}

/** Wraps a plain value as a bound parameter typed like `type`; expressions pass through. */
export function coerce(value: unknown, type: SqlType): ColumnElement {
  if (value instanceof ColumnElement) return value
  if (value === null) return new Keyword('NULL', type)
  if (value === undefined)
    throw new ArgumentError('undefined cannot be bound to a parameter; use null for SQL NULL')
  type.validate(value)
  return new BindParam(null, value, type)
}

function compare(left: ColumnElement, operator: string, right: unknown): ColumnElement<boolean> {
  return new BinaryExpression<boolean>(left, operator, coerce(right, left.type), t.Boolean)
}

function arithmetic<T>(left: ColumnElement, operator: string, right: unknown): ColumnElement<T> {
  return new BinaryExpression<T>(left, operator, coerce(right, left.type), left.type)
}

function isSelectLike(value: unknown): value is SelectLike {
  return value instanceof ClauseElement && 'selectedColumns' in value
}

function makeIn(operand: ColumnElement, values: readonly unknown[] | SelectLike, negated: boolean) {
  if (isSelectLike(values)) return new InList(operand, values, negated)
  if (!Array.isArray(values)) throw new ArgumentError('in() takes an array of values or a select()')
  if (values.some((v) => v instanceof ColumnElement)) {
    return new InList(
      operand,
      values.map((v) => coerce(v, operand.type)),
      negated,
    )
  }
  for (const v of values) {
    if (v === null || v === undefined)
      throw new ArgumentError('in() lists cannot hold null; use isNull() instead')
    operand.type.validate(v)
  }
  return new InList(operand, new BindParam(null, Object.freeze([...values]), operand.type, true), negated)
}

const likeEscape = '/'
function affixLike(
  operand: ColumnElement,
  value: string,
  before: string,
  after: string,
  options: AutoescapeOptions,
) {
  if (typeof value !== 'string') throw new ArgumentError('startsWith/endsWith/contains take a string')
  const escaped = options.autoescape ? value.replace(/[/%_]/g, (c) => likeEscape + c) : value
  return new Like(
    operand,
    new BindParam(null, before + escaped + after, new String_()),
    options.autoescape ? likeEscape : undefined,
    false,
    false,
  )
}
