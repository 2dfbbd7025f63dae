/**
 * The value policy: a value is accepted only if every dialect stores it and reads it back
 * unchanged; otherwise a {@link DataError} is raised before anything is sent. The types
 * (`types.ts`) call these checks from `validate()` (every bound value) and `validateWrite()`
 * (values written to a column: capacity rules too). Messages describe the value, never echo it.
 * @module
 */
import { DataError } from '../errors.js'

/** A bind that writes a column: what to name in errors and the column's type. */
export interface WriteTarget {
  /** `table.column`, named in error messages. */
  readonly label: string
  /** The column type, whose `validateWrite()` checks the value. */
  readonly type: { validateWrite(value: unknown): void }
}

/** A DataError for a value the policy refuses. */
export function refused(message: string): DataError {
  return new DataError(message)
}

/** The error to throw for `e` raised while checking a value of `label` (`table.column`): a DataError names it. */
export function labelled(e: unknown, label: string): unknown {
  if (e instanceof DataError && !e.message.startsWith(`${label}: `))
    return new DataError(`${label}: ${e.message}`)
  return e
}

/** Checks a value written through `target` (a named parameter given at execution). */
export function checkWrite(target: WriteTarget, value: unknown): void {
  try {
    target.type.validateWrite(value)
  } catch (e) {
    throw labelled(e, target.label)
  }
}

const isWellFormed: (s: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
    ? (s) => (s as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (s) => !/\p{Cs}/u.test(s)

/** Refuses text no database keeps as given: lone UTF-16 surrogates, NUL characters. */
export function checkText(s: string, what = 'the string'): void {
  if (!isWellFormed(s))
    throw refused(`${what} holds a lone UTF-16 surrogate, which cannot be stored as UTF-8 and read back`)
  if (s.includes('\0'))
    throw refused(`${what} holds a NUL character (\\0), which PostgreSQL text cannot store`)
}

/** The number of characters (Unicode code points) of a well-formed string. */
export function codePointLength(s: string): number {
  let n = s.length
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      n--
      i++
    }
  }
  return n
}

/** Refuses NaN and ±Infinity (only PostgreSQL stores them). */
export function checkFinite(n: number, type?: string): void {
  if (!Number.isFinite(n))
    throw refused(
      `${n} cannot be ${type === undefined ? 'bound' : `stored in a ${type} column`}: only PostgreSQL keeps NaN and Infinity`,
    )
}

function digitsAt(s: string, at: number, width: number): number {
  let n = 0
  for (let i = at; i < at + width; i++) {
    const c = s.charCodeAt(i) - 48
    if (c < 0 || c > 9) return -1
    n = n * 10 + c
  }
  return n
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/** Refuses a string that is not a calendar date `YYYY-MM-DD` from 0001-01-01 to 9999-12-31. */
export function checkDateText(s: string): void {
  const y = s.length === 10 && s[4] === '-' && s[7] === '-' ? digitsAt(s, 0, 4) : -1
  const m = y > 0 ? digitsAt(s, 5, 2) : -1
  const d = m >= 1 && m <= 12 ? digitsAt(s, 8, 2) : -1
  if (d < 1 || d > daysInMonth(y, m))
    throw refused(
      `Date takes a calendar date 'YYYY-MM-DD' from 0001-01-01 to 9999-12-31; this string is not one`,
    )
}

/** Refuses a string that is not a time of day `HH:MM:SS` from 00:00:00 to 23:59:59. */
export function checkTimeText(s: string): void {
  const ok =
    s.length === 8 &&
    s[2] === ':' &&
    s[5] === ':' &&
    digitsAt(s, 0, 2) >= 0 &&
    digitsAt(s, 0, 2) <= 23 &&
    digitsAt(s, 3, 2) >= 0 &&
    digitsAt(s, 3, 2) <= 59 &&
    digitsAt(s, 6, 2) >= 0 &&
    digitsAt(s, 6, 2) <= 59
  if (!ok)
    throw refused(
      `Time takes 'HH:MM:SS' from 00:00:00 to 23:59:59 (no fraction: MySQL's TIME rounds it); this string is not one`,
    )
}

/** Refuses an Invalid Date and instants outside years 1 to 9999 (UTC). */
export function checkDateObject(d: Date): void {
  const ms = d.getTime()
  if (Number.isNaN(ms)) throw refused('DateTime takes a valid Date; this one is an Invalid Date')
  const y = d.getUTCFullYear()
  if (y < 1 || y > 9999) throw refused('DateTime holds years 1 to 9999 (UTC); this Date is outside them')
}

/**
 * The digits before and after the point of a decimal value (leading and trailing zeros not
 * counted), or null when `value` is not a decimal number (`[+-]digits[.digits][e[+-]digits]`).
 */
export function decimalDigits(value: string | number | bigint): [number, number] | null {
  if (typeof value === 'bigint') {
    const s = String(value < 0n ? -value : value)
    return [s === '0' ? 0 : s.length, 0]
  }
  const s = typeof value === 'number' ? String(value) : value
  const n = s.length
  let i = 0
  if (i < n && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) i++
  // mantissa digits seen, digits before the point, first and last non-zero digit (by position)
  let total = 0
  let point = -1
  let first = -1
  let last = -1
  for (; i < n; i++) {
    const c = s.charCodeAt(i)
    if (c >= 48 && c <= 57) {
      if (c !== 48) {
        if (first < 0) first = total
        last = total
      }
      total++
    } else if (c === 46 && point < 0) point = total
    else break
  }
  if (total === 0) return null
  if (point < 0) point = total
  let exponent = 0
  if (i < n) {
    const c = s.charCodeAt(i++)
    if (c !== 101 && c !== 69) return null
    const sign = i < n ? s.charCodeAt(i) : 0
    if (sign === 43 || sign === 45) i++
    if (i === n) return null
    for (; i < n; i++) {
      const d = s.charCodeAt(i) - 48
      if (d < 0 || d > 9) return null
      exponent = exponent * 10 + d
    }
    if (sign === 45) exponent = -exponent
  }
  if (first < 0) return [0, 0]
  const at = point + exponent
  return [Math.max(0, at - first), Math.max(0, last + 1 - at)]
}

/** Refuses a decimal with more digits than `Numeric(precision, scale)` holds. */
export function checkNumericDigits(
  value: string | number | bigint,
  precision: number,
  scale: number,
  type: string,
): void {
  const digits = decimalDigits(value)
  if (digits === null) throw refused(`${type} takes a decimal number; this string is not one`)
  const [before, after] = digits
  if (before > precision - scale)
    throw refused(
      `${type} holds at most ${precision - scale} digit(s) before the point; the value has ${before}`,
    )
  if (after > scale)
    throw refused(
      `${type} holds at most ${scale} digit(s) after the point; the value has ${after} (round it first: the databases would round or keep it differently)`,
    )
}

function jsonPath(path: readonly (string | number)[]): string {
  let out = '$'
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `.${p}`
  return out
}

/**
 * Refuses a JSON value that does not read back as given: a bigint, a function, a symbol, a
 * cycle, NaN or ±Infinity, a Map or Set, `undefined` at the top or in an array, and strings or
 * keys with a lone surrogate or NUL. `undefined` object properties are left out, as
 * `JSON.stringify` does.
 */
export function checkJson(value: unknown): void {
  if (value === undefined) throw refused('JSON cannot hold undefined; use null')
  visitJson(value, [], [])
}

/** One JSON value; `open` holds the objects being visited (a cycle), `path` the keys to it (messages). */
function visitJson(v: unknown, open: object[], path: (string | number)[]): void {
  switch (typeof v) {
    case 'string':
      return checkText(v, `the string at ${jsonPath(path)}`)
    case 'number':
      if (!Number.isFinite(v))
        throw refused(`JSON cannot hold ${v} (at ${jsonPath(path)}): it would be stored as null`)
      return
    case 'boolean':
      return
    case 'object':
      if (v === null) return
      break
    default:
      throw refused(
        `JSON cannot hold ${v === undefined ? 'undefined' : `a ${typeof v}`} (at ${jsonPath(path)})`,
      )
  }
  const toJSON = (v as { toJSON?: unknown }).toJSON
  if (typeof toJSON === 'function') {
    const key = path.length === 0 ? '' : String(path[path.length - 1])
    return visitJson((toJSON as (key: string) => unknown).call(v, key), open, path)
  }
  if (v instanceof Map || v instanceof Set)
    throw refused(
      `JSON cannot hold a ${v instanceof Map ? 'Map' : 'Set'} (at ${jsonPath(path)}): it would be stored as {}`,
    )
  if (open.includes(v)) throw refused(`JSON cannot hold a cycle (at ${jsonPath(path)})`)
  open.push(v)
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      path.push(i)
      visitJson(v[i], open, path)
      path.pop()
    }
  } else {
    for (const key in v) {
      if (!Object.hasOwn(v, key)) continue
      const item = (v as Record<string, unknown>)[key]
      if (item === undefined) continue
      checkText(key, `a key at ${jsonPath(path)}`)
      path.push(key)
      visitJson(item, open, path)
      path.pop()
    }
  }
  open.pop()
}
