import { ArgumentError } from '../errors.js'
import { type ColumnElement as CE, ColumnElement, coerce, type OrderByElement } from './elements.js'
import { type SqlType, t, typeForValue } from './types.js'

/** Window specification of {@link FunctionCall.over}. */
export interface WindowSpec {
  partitionBy?: CE | readonly CE[]
  orderBy?: CE | OrderByElement | readonly (CE | OrderByElement)[]
}

/**
 * A SQL function call: `name(args) [FILTER (WHERE ...)] [OVER (...)]`. Selected unlabelled, a
 * row names it after the function (`N`): `select(func.count())` rows have `count`.
 */
export class FunctionCall<T = unknown, N extends string = string> extends ColumnElement<T, N> {
  readonly kind = 'function' as const
  constructor(
    readonly name: string,
    readonly args: readonly CE[],
    readonly type: SqlType,
    readonly filterClause: CE | undefined = undefined,
    readonly distinct = false,
    /** The order of an aggregate's input: `json_agg(x ORDER BY y)`. */
    readonly aggregateOrder: readonly (CE | OrderByElement)[] = [],
    /** The separator of `func.aggregateStrings` (written as a literal: MySQL's SEPARATOR takes no parameter). */
    readonly separator: string | undefined = undefined,
  ) {
    super()
    Object.freeze(this)
  }
  override get resultName(): string {
    return this.name
  }
  /**
   * Whether this call aggregates rows (outside a window): a known aggregate name, or one given a
   * FILTER or an aggregate ORDER BY. A user-defined aggregate by another name is not recognised.
   */
  get isAggregate(): boolean {
    return (
      aggregateNames.has(this.name.toLowerCase()) ||
      this.filterClause !== undefined ||
      this.aggregateOrder.length > 0
    )
  }
  /** Aggregate `FILTER (WHERE cond)`; emulated with CASE on MySQL. */
  filter(condition: CE<boolean>): FunctionCall<T, N> {
    return new FunctionCall(
      this.name,
      this.args,
      this.type,
      condition,
      this.distinct,
      this.aggregateOrder,
      this.separator,
    )
  }
  /**
   * Orders an aggregate's input, inside its parentheses: `json_agg(x ORDER BY y)`,
   * `string_agg(x, ',' ORDER BY y)`. PostgreSQL (any aggregate), SQLite 3.44+ (any aggregate);
   * MySQL/MariaDB only in `group_concat` and `json_arrayagg` (MariaDB 10.5+; MySQL 8 rejects it
   * there), other aggregates are a `CompileError` there.
   *
   * ```ts
   * func.aggregateStrings(posts.c.title, ', ').aggregateOrderBy(posts.c.id.desc())
   * func.jsonArrayAgg(posts.c.title).aggregateOrderBy(posts.c.title)
   * ```
   */
  aggregateOrderBy(...clauses: (CE | OrderByElement)[]): FunctionCall<T, N> {
    return new FunctionCall(
      this.name,
      this.args,
      this.type,
      this.filterClause,
      this.distinct,
      [...this.aggregateOrder, ...clauses],
      this.separator,
    )
  }
  /** A window function: `OVER (PARTITION BY ... ORDER BY ...)`. */
  over(spec: WindowSpec = {}): Over<T, N> {
    const list = <X>(v: X | readonly X[] | undefined): readonly X[] =>
      v === undefined ? [] : Array.isArray(v) ? (v as readonly X[]) : [v as X]
    return new Over(this, list(spec.partitionBy), list(spec.orderBy))
  }
}

/** Aggregate functions of PostgreSQL, SQLite and MySQL, lower case. */
const aggregateNames = new Set(
  `count sum min max avg total group_concat string_agg array_agg json_agg jsonb_agg json_object_agg
jsonb_object_agg json_group_array json_group_object json_arrayagg json_objectagg bool_and bool_or every
bit_and bit_or bit_xor stddev stddev_pop stddev_samp variance var_pop var_samp aggregate_strings`.split(
    /\s+/,
  ),
)

/** `fn(...) OVER (PARTITION BY ... ORDER BY ...)` */
export class Over<T = unknown, N extends string = string> extends ColumnElement<T, N> {
  readonly kind = 'over' as const
  readonly type: SqlType
  constructor(
    readonly fn: FunctionCall<T, N>,
    readonly partitionBy: readonly CE[],
    readonly orderBy: readonly (CE | OrderByElement)[],
  ) {
    super()
    this.type = fn.type
    Object.freeze(this)
  }
  override get resultName(): string {
    return this.fn.name
  }
}

type ArgValue = CE | string | number | bigint | boolean | Date | Uint8Array | null

function argsOf(args: readonly ArgValue[]): CE[] {
  return args.map((a) => (a instanceof ColumnElement ? a : coerce(a, typeForValue(a))))
}

function typed<T>(name: string, type: SqlType, args: readonly ArgValue[]): FunctionCall<T> {
  return new FunctionCall<T>(name, argsOf(args), type)
}

function firstType(args: readonly ArgValue[]): SqlType {
  const a = args[0]
  return a instanceof ColumnElement ? a.type : typeForValue(a)
}

type FirstValue<A> = A extends readonly [infer F, ...unknown[]] ? (F extends CE<infer V> ? V : F) : unknown

type StringArg = CE<string> | CE<string | null> | string
/** `null` when the argument may be NULL (a function of NULL is NULL). */
type NullOf<E> = E extends { readonly __value: infer V } ? (null extends V ? null : never) : never

/** Functions whose result type is known; any other name on {@link func} returns `unknown`. */
interface KnownFunctions {
  /** `count(*)` with no argument, else `count(expr)`. Read as `number`. */
  count(expr?: CE): FunctionCall<number, 'count'>
  /** `count(DISTINCT expr)` */
  countDistinct(expr: CE): FunctionCall<number, 'count'>
  max<A extends [ArgValue]>(...args: A): FunctionCall<FirstValue<A> | null, 'max'>
  min<A extends [ArgValue]>(...args: A): FunctionCall<FirstValue<A> | null, 'min'>
  sum<A extends [ArgValue]>(...args: A): FunctionCall<FirstValue<A> | null, 'sum'>
  avg(expr: CE): FunctionCall<number | null, 'avg'>
  coalesce<A extends ArgValue[]>(...args: A): FunctionCall<NonNullable<FirstValue<A>>, 'coalesce'>
  lower<E extends StringArg>(expr: E): FunctionCall<string | NullOf<E>, 'lower'>
  upper<E extends StringArg>(expr: E): FunctionCall<string | NullOf<E>, 'upper'>
  length<E extends StringArg>(expr: E): FunctionCall<number | NullOf<E>, 'length'>
  abs<A extends [ArgValue]>(...args: A): FunctionCall<FirstValue<A>, 'abs'>
  rowNumber(): FunctionCall<number, 'row_number'>
  rank(): FunctionCall<number, 'rank'>
  denseRank(): FunctionCall<number, 'dense_rank'>
  now(): FunctionCall<Date, 'now'>
  /** `current_timestamp` */
  currentTimestamp(): FunctionCall<Date, 'current_timestamp'>
  /**
   * The values joined into one string with `separator`, on every dialect: `string_agg(x, sep)`
   * (PostgreSQL), `group_concat(x, sep)` (SQLite), `group_concat(x SEPARATOR sep)` (MySQL). NULL
   * for no rows. Order the parts with `.aggregateOrderBy(...)`.
   */
  aggregateStrings<E extends StringArg>(
    expr: E,
    separator: string,
  ): FunctionCall<string | null, 'aggregate_strings'>
  /**
   * The values as one JSON array: `json_agg(x)` (PostgreSQL), `json_group_array(x)` (SQLite),
   * `json_arrayagg(x)` (MySQL). For no rows: NULL on PostgreSQL and MySQL, `[]` on SQLite.
   */
  jsonArrayAgg(expr: CE): FunctionCall<unknown[] | null, 'json_array_agg'>
}

/** Any other SQL function by name: `func.json_agg(x)`, `func.date_trunc('day', ts)`. */
type AnyFunction = (...args: ArgValue[]) => FunctionCall<unknown>

/**
 * Common function names of PostgreSQL, SQLite and MySQL, listed so they read as defined under
 * `noUncheckedIndexedAccess` (an index signature alone would make `func.json_agg` possibly
 * undefined). Any other name still works at runtime: `func.my_udf!(x)` or `sqlFunction('my_udf', x)`.
 */
type CommonFunctionName =
  | 'array_agg'
  | 'bool_and'
  | 'bool_or'
  | 'ceil'
  | 'char_length'
  | 'concat'
  | 'concat_ws'
  | 'cume_dist'
  | 'date'
  | 'date_trunc'
  | 'datetime'
  | 'every'
  | 'exp'
  | 'extract'
  | 'first_value'
  | 'floor'
  | 'generate_series'
  | 'greatest'
  | 'group_concat'
  | 'ifnull'
  | 'instr'
  | 'json_agg'
  | 'json_array'
  | 'json_build_object'
  | 'json_extract'
  | 'json_group_array'
  | 'json_group_object'
  | 'json_object'
  | 'jsonb_agg'
  | 'jsonb_build_object'
  | 'lag'
  | 'last_value'
  | 'lead'
  | 'least'
  | 'ln'
  | 'log'
  | 'ltrim'
  | 'mod'
  | 'ntile'
  | 'nullif'
  | 'percent_rank'
  | 'position'
  | 'power'
  | 'random'
  | 'replace'
  | 'reverse'
  | 'round'
  | 'rtrim'
  | 'sign'
  | 'sqrt'
  | 'strftime'
  | 'string_agg'
  | 'substr'
  | 'substring'
  | 'total'
  | 'trim'
  | 'trunc'
  | 'unixepoch'

const known: Record<string, (...args: ArgValue[]) => FunctionCall> = {
  count: (...args) => {
    if (args.length > 1) throw new ArgumentError('count() takes at most one argument')
    return typed('count', t.Integer, args)
  },
  countDistinct: (...args) => new FunctionCall('count', argsOf(args), t.Integer, undefined, true),
  avg: (...args) => typed('avg', t.Float, args),
  sum: (...args) => typed('sum', firstType(args), args),
  rowNumber: () => typed('row_number', t.Integer, []),
  denseRank: () => typed('dense_rank', t.Integer, []),
  rank: () => typed('rank', t.Integer, []),
  length: (...args) => typed('length', t.Integer, args),
  now: () => typed('now', t.DateTime(), []),
  aggregateStrings: (...args) => {
    const [expr, separator] = args
    if (args.length !== 2 || typeof separator !== 'string')
      throw new ArgumentError('aggregateStrings(expr, separator) takes an expression and a separator string')
    return new FunctionCall('aggregate_strings', argsOf([expr!]), t.Text, undefined, false, [], separator)
  },
  jsonArrayAgg: (...args) => {
    if (args.length !== 1) throw new ArgumentError('jsonArrayAgg(expr) takes one expression')
    return typed('json_array_agg', t.JSON(), args)
  },
  currentTimestamp: () => typed('current_timestamp', t.DateTime(), []),
}

const sameTypeAsFirst = new Set(['max', 'min', 'coalesce', 'lower', 'upper', 'abs', 'round', 'trim'])

/**
 * SQL functions by name. Known names are typed; any other name is passed through.
 *
 * ```ts
 * select(func.count().label('n')).selectFrom(users)
 * func.count(users.c.id).filter(users.c.active.eq(true))
 * func.rowNumber().over({ partitionBy: users.c.team, orderBy: users.c.id })
 * ```
 */
export const func: KnownFunctions & Record<CommonFunctionName, AnyFunction> & Record<string, AnyFunction> =
  new Proxy({} as KnownFunctions & Record<CommonFunctionName, AnyFunction> & Record<string, AnyFunction>, {
    get(_target, prop) {
      if (typeof prop !== 'string' || prop === 'then') return undefined
      const k = known[prop]
      if (k) return k
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(prop))
        throw new ArgumentError(`Invalid SQL function name ${JSON.stringify(prop)}`)
      return (...args: ArgValue[]) =>
        typed(prop, sameTypeAsFirst.has(prop) && args.length > 0 ? firstType(args) : t.Null, args)
    },
  })

/**
 * A call of any SQL function by name, for names `func` does not list.
 *
 * ```ts
 * sqlFunction('my_udf', users.c.id)   // my_udf(users.id)
 * ```
 */
export function sqlFunction(name: string, ...args: ArgValue[]): FunctionCall<unknown> {
  return (func[name] as AnyFunction)(...args)
}
