/**
 * Functions that build expressions: `literal`, `bindparam`, `and`/`or`/`not`, `asc`/`desc`,
 * `cast`, `case_`, `exists`, `null_`/`true_`/`false_`, and `text()`.
 * @module
 */
import { ArgumentError } from '../errors.js'
import {
  BindParam,
  BooleanList,
  Case,
  Cast,
  ColumnElement,
  coerce,
  Exists,
  Keyword,
  type OrderByElement,
  type SelectLike,
  TextClause,
  UnaryExpression,
} from './elements.js'
import { type SqlType, t, typeForValue } from './types.js'

/** A bound value with an explicit or guessed type: `literal(5)` renders `$1::INTEGER` on PostgreSQL. */
export function literal<T>(value: T, type?: SqlType<T>): ColumnElement<T> {
  const ty = type ?? typeForValue(value)
  if (value === null) return new Keyword<T>('NULL', ty)
  ty.validate(value)
  return new BindParam<T>(null, value, ty)
}

/**
 * A named parameter whose value may be given when the statement runs.
 *
 * ```ts
 * const byName = select(users).where(users.c.name.eq(bindparam('name', t.String())))
 * await conn.execute(byName, { name: 'Ann' })
 * ```
 */
export function bindparam<T = unknown>(key: string, type?: SqlType<T>, value?: T): BindParam<T> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
    throw new ArgumentError(`Invalid parameter name ${JSON.stringify(key)}`)
  const ty = type ?? t.Null
  if (value !== undefined && value !== null) ty.validate(value)
  return new BindParam<T>(key, value, ty)
}

/** `a AND b AND ...`; `and()` of nothing is true. */
export function and(...clauses: (ColumnElement<boolean> | ColumnElement<boolean | null> | undefined)[]) {
  return booleanList('AND', clauses)
}
/** `a OR b OR ...`; `or()` of nothing is false. */
export function or(...clauses: (ColumnElement<boolean> | ColumnElement<boolean | null> | undefined)[]) {
  return booleanList('OR', clauses)
}
function booleanList(
  operator: 'AND' | 'OR',
  clauses: readonly (ColumnElement | undefined)[],
): ColumnElement<boolean> {
  const present = clauses.filter((c): c is ColumnElement => c !== undefined)
  if (present.length === 0) return new Keyword<boolean>(operator === 'AND' ? 'TRUE' : 'FALSE', t.Boolean)
  if (present.length === 1) return present[0] as ColumnElement<boolean>
  return new BooleanList(operator, present)
}
/** `NOT x` */
export function not(clause: ColumnElement<boolean> | ColumnElement<boolean | null>): ColumnElement<boolean> {
  if (clause instanceof Exists) return new Exists(clause.select, !clause.negated)
  return new UnaryExpression<boolean>(clause, 'NOT', 'prefix', t.Boolean)
}
/** `expr ASC` */
export function asc(expr: ColumnElement): OrderByElement {
  return expr.asc()
}
/** `expr DESC` */
export function desc(expr: ColumnElement): OrderByElement {
  return expr.desc()
}
/** The `null` a cast of `E` may give: when `E` is, or is an expression that may be, NULL. */
type NullOfOperand<E> = E extends { readonly __value: infer V } ? (null extends V ? null : never) : E & null

/** `CAST(expr AS type)`; a plain value is bound first. NULL stays NULL; the name is kept. */
export function cast<E, S extends SqlType>(
  expr: E,
  type: S,
): ColumnElement<
  S['__value'] | NullOfOperand<E>,
  E extends { readonly __name: infer N extends string } ? N : string
> {
  return new Cast(expr instanceof ColumnElement ? expr : literal(expr), type) as ColumnElement<any, any>
}
/** SQL `NULL`. */
export function null_(): ColumnElement<null> {
  return new Keyword<null>('NULL', t.Null)
}
/** SQL true (`1` on SQLite). */
export function true_(): ColumnElement<boolean> {
  return new Keyword<boolean>('TRUE', t.Boolean)
}
/** SQL false (`0` on SQLite). */
export function false_(): ColumnElement<boolean> {
  return new Keyword<boolean>('FALSE', t.Boolean)
}
/** `EXISTS (select)` */
export function exists(select: SelectLike): ColumnElement<boolean> {
  return new Exists(select)
}

type CaseResult<W> = W extends readonly (readonly [unknown, infer R])[]
  ? R extends ColumnElement<infer V>
    ? V
    : R
  : never

/**
 * `CASE WHEN ... THEN ... ELSE ... END`.
 *
 * ```ts
 * case_([[users.c.age.lt(18), 'minor']], { else_: 'adult' })
 * case_([['a', 1], ['b', 2]], { value: users.c.kind })   // CASE kind WHEN 'a' THEN 1 ...
 * ```
 */
export function case_<const W extends readonly (readonly [unknown, unknown])[], E = never>(
  whens: W,
  options: { else_?: E; value?: ColumnElement } = {},
): ColumnElement<
  CaseResult<W> | (E extends ColumnElement<infer V> ? V : E) | ([E] extends [never] ? null : never)
> {
  if (whens.length === 0) throw new ArgumentError('case_() needs at least one WHEN')
  const firstResult = whens[0]![1]
  const resultType = firstResult instanceof ColumnElement ? firstResult.type : typeForValue(firstResult)
  const conditionType = options.value?.type ?? t.Boolean
  const pairs = whens.map(
    ([cond, result]) => [coerce(cond, conditionType), coerce(result, resultType)] as const,
  )
  const elseClause = 'else_' in options ? coerce(options.else_, resultType) : undefined
  return new Case(pairs, elseClause, options.value, resultType) as ColumnElement<any>
}

/**
 * Literal SQL with `:name` parameters. Values go in `.bindparams()` or at execution; `\\:` is a
 * literal colon.
 *
 * ```ts
 * text('SELECT :x AS x').bindparams({ x: 1 })
 * ```
 */
export function text(sql: string): TextStatement {
  const parts: (string | BindParam)[] = []
  let last = 0
  let buffer = ''
  const re = /\\:|(?<![:\w]):([A-Za-z_][A-Za-z0-9_]*)/g
  for (let m = re.exec(sql); m !== null; m = re.exec(sql)) {
    buffer += sql.slice(last, m.index)
    last = m.index + m[0].length
    if (m[0] === '\\:') {
      buffer += ':'
      continue
    }
    parts.push(buffer, new BindParam(m[1]!, undefined, t.Null))
    buffer = ''
  }
  parts.push(buffer + sql.slice(last))
  return new TextStatement(parts)
}

/** A `text()` construct; usable as a statement or inside expressions. */
export class TextStatement extends TextClause {
  /** The parameter names, in order of first use. */
  get paramNames(): string[] {
    return [...new Set(this.parts.filter((p): p is BindParam => typeof p !== 'string').map((p) => p.key!))]
  }
  /** Returns a copy with values (and optionally types) bound to named parameters. */
  bindparams(values: Record<string, unknown>, types: Record<string, SqlType> = {}): TextStatement {
    const names = new Set(this.paramNames)
    for (const k of Object.keys(values))
      if (!names.has(k)) throw new ArgumentError(`text() has no parameter named :${k}`)
    return new TextStatement(
      this.parts.map((p) => {
        if (typeof p === 'string' || p.key === null) return p
        const type = types[p.key] ?? p.type
        if (!(p.key in values)) return type === p.type ? p : new BindParam(p.key, p.value, type)
        const v = values[p.key]
        if (v !== null && v !== undefined) type.validate(v)
        return new BindParam(p.key, v, type === t.Null && v !== null ? typeForValue(v) : type)
      }),
    )
  }
}
