/**
 * Evaluates the criteria and SET values of an ORM UPDATE/DELETE against objects in memory
 * (SQLAlchemy's `synchronize_session='evaluate'`): each expression becomes a closure over an
 * object's loaded values, built once per statement. What the database would compute differently
 * (LIKE, collations, casts, functions, subqueries, JSON) is refused as unevaluable.
 * @module
 */
import type { DialectFeatures } from '../dialects/dialect.js'
import { InvalidRequestError } from '../errors.js'
import type { Table } from '../schema/table.js'
import type { ExecuteParams } from '../sql/compiled.js'
import { ColumnDefault } from '../sql/dml.js'
import {
  Between,
  BinaryExpression,
  BindParam,
  BooleanList,
  type ClauseElement,
  type ColumnElement,
  ColumnRef,
  Concat,
  Grouping,
  InList,
  Keyword,
  UnaryExpression,
} from '../sql/elements.js'

/** What the database computes differently from JavaScript (the dialect's features). */
export type EvaluationRules = Pick<DialectFeatures, 'caseInsensitiveText' | 'decimalDivision'>

/** An attribute used by the expression is not loaded: the answer is unknown for this object. */
export const UNKNOWN: unique symbol = Symbol('unknown')

/** The expression cannot be evaluated in JavaScript as the database would. */
export class UnevaluatableError extends InvalidRequestError {
  override name = 'UnevaluatableError'
}

/** Loaded values of one object, by attribute key. */
type Dict = Readonly<Record<string, unknown>>
/** A compiled expression. */
export type Evaluator = (dict: Dict) => unknown

const COMPARISONS = new Set(['=', '<>', '!=', '<', '<=', '>', '>='])
const ARITHMETIC = new Set(['+', '-', '*', '/', '%'])
const INTEGER_KINDS = new Set(['integer', 'smallint', 'bigint'])
/** Compared as text: equal or not (ordering follows the collation; MySQL's ignores case). */
const TEXT_KINDS = new Set(['string', 'text', 'uuid', 'enum', 'date', 'time'])
/** Values the database compares by rules of its own (decimal text, JSON). */
const OPAQUE_KINDS = new Set(['numeric', 'json'])

/** Refuses a comparison of `operands` that JavaScript would answer differently from the database. */
function checkComparable(
  operands: readonly ColumnElement[],
  ordering: boolean,
  rules: EvaluationRules,
): void {
  for (const o of operands) {
    const kind = o.type.kind
    if (OPAQUE_KINDS.has(kind)) refuse(`a comparison of ${o.type.toString()} values`)
    if (TEXT_KINDS.has(kind) && rules.caseInsensitiveText)
      refuse('a comparison of strings on MySQL (its collation ignores case)')
    if (TEXT_KINDS.has(kind) && ordering) refuse('an ordering of strings (it follows the database collation)')
  }
}

function refuse(what: string): never {
  throw new UnevaluatableError(`Cannot evaluate ${what} in JavaScript`)
}

/**
 * Compiles `node` (an expression over `table`'s columns) into an evaluator. Throws
 * {@link UnevaluatableError} for what it cannot evaluate faithfully.
 */
export function compileEvaluator(
  node: ClauseElement,
  table: Table,
  rules: EvaluationRules,
  params?: ExecuteParams,
): Evaluator {
  const walk = (n: ClauseElement): Evaluator => {
    if (n instanceof ColumnRef) {
      if (n.table !== table) refuse(`a column of another table (${String(n.table?.name)}.${n.name})`)
      const key = n.key
      return (d) => (key in d ? (d[key] ?? null) : UNKNOWN)
    }
    if (n instanceof BindParam) {
      if (n.expanding) refuse('an expanding parameter outside IN')
      let value = n.value
      if (n.key !== null) {
        if (params === undefined || !(n.key in params)) refuse(`the parameter :${n.key} without its value`)
        value = params[n.key]
      }
      if (value instanceof ColumnDefault) refuse('a client-side default or onupdate')
      if (value === undefined) refuse('a parameter without a value')
      return () => value
    }
    if (n instanceof Keyword) {
      const v = n.word === 'NULL' ? null : n.word === 'TRUE'
      return () => v
    }
    if (n instanceof Grouping) return walk(n.element)
    if (n instanceof BooleanList) {
      const parts = n.clauses.map(walk)
      return n.operator === 'AND' ? (d) => andOf(parts, d) : (d) => orOf(parts, d)
    }
    if (n instanceof UnaryExpression) {
      const inner = walk(n.operand)
      switch (n.operator) {
        case 'IS NULL':
          return (d) => lift1(inner(d), (v) => v === null, true)
        case 'IS NOT NULL':
          return (d) => lift1(inner(d), (v) => v !== null, true)
        case 'NOT':
          return (d) => lift1(inner(d), (v) => !truth(v))
        case '-':
          return (d) => lift1(inner(d), (v) => (typeof v === 'bigint' ? -v : -(v as number)))
        default:
          return refuse(`the operator ${n.operator}`)
      }
    }
    if (n instanceof BinaryExpression) {
      const left = walk(n.left)
      const right = walk(n.right)
      const op = n.operator
      if (COMPARISONS.has(op)) {
        const equality = op === '=' || op === '<>' || op === '!='
        checkComparable([n.left, n.right], !equality, rules)
        return (d) => lift2(left(d), right(d), (a, b) => compareOp(op, compare(a, b, equality)))
      }
      if (ARITHMETIC.has(op)) {
        if (!INTEGER_KINDS.has(n.type.kind) && n.type.kind !== 'float')
          refuse(`arithmetic on ${n.type.toString()} values`)
        if (op === '/' && rules.decimalDivision) refuse('division on MySQL (it gives a decimal)')
        const integer = INTEGER_KINDS.has(n.type.kind)
        return (d) => lift2(left(d), right(d), (a, b) => arithmetic(op, a, b, integer))
      }
      return refuse(`the operator ${op}`)
    }
    if (n instanceof InList) {
      checkComparable([n.operand], false, rules)
      const operand = walk(n.operand)
      let items: Evaluator[]
      if (n.values instanceof BindParam) {
        const list = n.values.value as readonly unknown[]
        items = list.map((v) => () => v)
      } else if (Array.isArray(n.values)) items = (n.values as ClauseElement[]).map(walk)
      else return refuse('IN with a subquery')
      const negated = n.negated
      return (d) => {
        const v = operand(d)
        if (v === UNKNOWN) return UNKNOWN
        if (v === null) return items.length === 0 ? negated : null
        let result: unknown = false
        for (const item of items) {
          const hit = lift2(v, item(d), (a, b) => compare(a, b, true) === 0)
          if (hit === true) {
            result = true
            break
          }
          if (hit === UNKNOWN) result = UNKNOWN
          else if (hit === null && result === false) result = null
        }
        return negated ? lift1(result, (r) => !r) : result
      }
    }
    if (n instanceof Between) {
      checkComparable([n.operand, n.low, n.high], true, rules)
      const [x, lo, hi] = [walk(n.operand), walk(n.low), walk(n.high)]
      const negated = n.negated
      return (d) => {
        const low = lift2(x(d), lo(d), (a, b) => compare(a, b, false) >= 0)
        const high = lift2(x(d), hi(d), (a, b) => compare(a, b, false) <= 0)
        const both = andOf([() => low, () => high], d)
        return negated ? lift1(both, (r) => !r) : both
      }
    }
    if (n instanceof Concat) {
      const parts = n.parts.map(walk)
      return (d) => {
        let out = ''
        for (const p of parts) {
          const v = p(d)
          if (v === UNKNOWN || v === null) return v
          if (typeof v !== 'string') refuse('concatenation of a value that is not a string')
          out += v
        }
        return out
      }
    }
    return refuse(`${n.kind} expressions`)
  }
  return walk(node)
}

/** True when an evaluated condition holds (SQL truth: NULL and false do not). */
export function truth(v: unknown): boolean {
  return v === true || (typeof v === 'number' && v !== 0) || (typeof v === 'bigint' && v !== 0n)
}

function andOf(parts: readonly Evaluator[], d: Dict): unknown {
  let out: unknown = true
  for (const p of parts) {
    const v = p(d)
    if (v === UNKNOWN) out = out === null ? null : UNKNOWN
    else if (v === null) out = out === UNKNOWN ? UNKNOWN : null
    else if (!truth(v)) return false
  }
  return out
}

function orOf(parts: readonly Evaluator[], d: Dict): unknown {
  let out: unknown = false
  for (const p of parts) {
    const v = p(d)
    if (v === UNKNOWN) out = UNKNOWN
    else if (v === null) out = out === UNKNOWN ? UNKNOWN : null
    else if (truth(v)) return true
  }
  return out
}

function lift1(v: unknown, f: (v: unknown) => unknown, nullIsValue = false): unknown {
  if (v === UNKNOWN) return UNKNOWN
  if (v === null && !nullIsValue) return null
  return f(v)
}

function lift2(a: unknown, b: unknown, f: (a: unknown, b: unknown) => unknown): unknown {
  if (a === UNKNOWN || b === UNKNOWN) return UNKNOWN
  if (a === null || b === null) return null
  return f(a, b)
}

function compareOp(op: string, c: number): boolean {
  switch (op) {
    case '=':
      return c === 0
    case '<>':
    case '!=':
      return c !== 0
    case '<':
      return c < 0
    case '<=':
      return c <= 0
    case '>':
      return c > 0
    default:
      return c >= 0
  }
}

/** -1, 0 or 1; refuses pairs the database would compare by rules JavaScript does not share. */
function compare(a: unknown, b: unknown, stringEquality: boolean): number {
  const na = typeof a === 'number' || typeof a === 'bigint'
  const nb = typeof b === 'number' || typeof b === 'bigint'
  if (na && nb) {
    if (typeof a === 'bigint' || typeof b === 'bigint') {
      if (Number.isInteger(a) || typeof a === 'bigint')
        if (Number.isInteger(b) || typeof b === 'bigint') {
          const [x, y] = [BigInt(a as number), BigInt(b as number)]
          return x < y ? -1 : x > y ? 1 : 0
        }
    }
    const [x, y] = [Number(a), Number(b)]
    return x < y ? -1 : x > y ? 1 : 0
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1
  if (a instanceof Date && b instanceof Date) return Math.sign(a.getTime() - b.getTime())
  if (typeof a === 'string' && typeof b === 'string') {
    // equality only: ordering follows the database's collation; MySQL's ignores case
    if (!stringEquality) refuse('an ordering of strings (it follows the database collation)')
    return a === b ? 0 : 1
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array)
    return a.length === b.length && a.every((v, i) => v === b[i]) ? 0 : 1
  return refuse(`a comparison of ${typeof a} with ${typeof b}`)
}

function arithmetic(op: string, a: unknown, b: unknown, integer: boolean): unknown {
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    const [x, y] = [BigInt(a as number), BigInt(b as number)]
    if ((op === '/' || op === '%') && y === 0n) return null
    switch (op) {
      case '+':
        return x + y
      case '-':
        return x - y
      case '*':
        return x * y
      case '/':
        return x / y
      default:
        return x % y
    }
  }
  if (typeof a !== 'number' || typeof b !== 'number') return refuse(`arithmetic on ${typeof a}`)
  if ((op === '/' || op === '%') && b === 0) return null
  switch (op) {
    case '+':
      return a + b
    case '-':
      return a - b
    case '*':
      return a * b
    case '/':
      return integer ? Math.trunc(a / b) : a / b
    default:
      return a % b
  }
}
