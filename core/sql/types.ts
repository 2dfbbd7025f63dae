import { ArgumentError } from '../errors.js'
import {
  checkDateObject,
  checkDateText,
  checkFinite,
  checkJson,
  checkNumericDigits,
  checkText,
  checkTimeText,
  codePointLength,
  decimalDigits,
  refused,
} from './value-policy.js'

/**
 * How a dialect's driver takes bound values: what {@link SqlType.encode} needs to know of the
 * dialect. Each dialect supplies one (`dialect.valueEncoding`).
 */
export interface ValueEncoding {
  /** BigInteger values are sent as decimal text (drivers that send every parameter as text). */
  readonly bigIntegerAsText: boolean
  /** Booleans are sent as 1 and 0 (the database has no boolean type). */
  readonly booleanAsInteger: boolean
  /** Time-zone-aware DateTime values carry an explicit `+00` offset (the column keeps the zone). */
  readonly utcOffset: boolean
}

/**
 * A SQL type: it names the column type in DDL and checks and encodes values bound to it.
 * `T` is the JavaScript type a value of this SQL type has.
 */
export abstract class SqlType<T = unknown> {
  /** Phantom: the JavaScript value type. Never set at runtime. */
  declare readonly __value: T
  /** A short stable name used by dialects to pick a DDL name and a cast. */
  abstract readonly kind: string

  /**
   * Checks a value bound to this type (a write or a comparison): {@link ArgumentError} for a
   * JavaScript value of the wrong kind, `DataError` for one outside the type's values (the value
   * policy: Integer beyond 32 bits, NaN, an impossible date, a lone surrogate...).
   */
  validate(value: unknown): void {
    void value
  }

  /**
   * Checks a value written to a column of this type: {@link validate} plus what the column
   * holds (a String's length, a Numeric's digits). Raises `DataError` for a value that does not fit.
   */
  validateWrite(value: unknown): void {
    this.validate(value)
  }

  /** Turns a JavaScript value into what a driver taking values as `encoding` says is sent. */
  encode(value: T, encoding: ValueEncoding): unknown {
    void encoding
    return value
  }

  /** A short description for error messages, e.g. `Integer`, `String(50)`. */
  toString(): string {
    // Class names of the built-in types are spelled out: a minifier renames the classes.
    return builtinNames.get(this.constructor) ?? this.constructor.name
  }
}

function typeError(type: SqlType, value: unknown): ArgumentError {
  const shown =
    typeof value === 'string' ? 'a string' : typeof value === 'object' ? 'an object' : typeof value
  return new ArgumentError(
    `A value of type ${shown} cannot be bound to a ${type.toString()} column or parameter`,
  )
}

/**
 * Any type: values are bound as they are. Used where no type is known. Only what no database
 * can take is refused: NaN and ±Infinity, strings with a lone surrogate or NUL, an Invalid Date.
 */
export class NullType extends SqlType<unknown> {
  readonly kind = 'null'
  override validate(value: unknown): void {
    if (typeof value === 'number') checkFinite(value)
    else if (typeof value === 'string') checkText(value)
    else if (value instanceof Date && Number.isNaN(value.getTime()))
      throw refused('An Invalid Date cannot be bound')
  }
}

/** Whole numbers that fit in 32 bits (`INTEGER`): -2^31 to 2^31 - 1 on every database. Read as `number`. */
export class Integer extends SqlType<number> {
  readonly kind: string = 'integer'
  /** The smallest value the type holds. */
  readonly min: number = -2147483648
  /** The largest value the type holds. */
  readonly max: number = 2147483647
  override validate(value: unknown): void {
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) {
        checkFinite(value, this.toString())
        throw typeError(this, value)
      }
    } else if (typeof value !== 'bigint') throw typeError(this, value)
    if ((value as number) < this.min || (value as number) > this.max)
      throw refused(
        `${this.toString()} holds whole numbers from ${this.min} to ${this.max}; the value is outside that range`,
      )
  }
}
/** `SMALLINT`: -2^15 to 2^15 - 1 on every database. Read as `number`. */
export class SmallInteger extends Integer {
  override readonly kind = 'smallint'
  override readonly min: number = -32768
  override readonly max: number = 32767
}
/** 2^63 as a double (exact). */
const twoTo63 = 2 ** 63
const minBig = -(2n ** 63n)
const maxBig = 2n ** 63n - 1n
/** `BIGINT`: -2^63 to 2^63 - 1. Read as `bigint`; numbers are accepted when binding. */
export class BigInteger extends SqlType<bigint> {
  readonly kind = 'bigint'
  override validate(value: unknown): void {
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) {
        checkFinite(value, 'BigInteger')
        throw typeError(this, value)
      }
      // 2^63 is exactly representable as a double; every smaller integral double fits
      if (value >= -twoTo63 && value < twoTo63) return
    } else if (typeof value !== 'bigint') throw typeError(this, value)
    else if (value >= minBig && value <= maxBig) return
    throw refused(
      'BigInteger holds whole numbers from -9223372036854775808 to 9223372036854775807 (64 bits); the value is outside that range',
    )
  }
  override encode(value: bigint, encoding: ValueEncoding): unknown {
    return encoding.bigIntegerAsText ? String(value) : value
  }
}
/** Double precision floating point; NaN and ±Infinity are refused. Read as `number`. */
export class Float extends SqlType<number> {
  readonly kind = 'float'
  override validate(value: unknown): void {
    if (typeof value !== 'number') throw typeError(this, value)
    checkFinite(value, 'Float')
  }
}
/**
 * Exact decimal `NUMERIC(p, s)`. Read as `string` so no precision is lost; numbers are accepted.
 * A written value may have at most `p - s` digits before the point and `s` after it.
 */
export class Numeric extends SqlType<string> {
  readonly kind = 'numeric'
  constructor(
    readonly precision?: number,
    readonly scale?: number,
  ) {
    super()
  }
  override validate(value: unknown): void {
    if (typeof value === 'number') return checkFinite(value, this.toString())
    if (typeof value === 'bigint') return
    if (typeof value !== 'string') throw typeError(this, value)
    if (decimalDigits(value) === null)
      throw refused(`${this.toString()} takes a decimal number; this string is not one`)
  }
  override validateWrite(value: unknown): void {
    if (this.precision === undefined || typeof value !== 'string') this.validate(value)
    // a string is parsed once: checkNumericDigits refuses one that is not a decimal
    if (this.precision !== undefined)
      checkNumericDigits(value as string, this.precision, this.scale ?? 0, this.toString())
  }
  override encode(value: string): unknown {
    return String(value)
  }
  override toString(): string {
    return this.precision === undefined ? 'Numeric' : `Numeric(${this.precision}, ${this.scale ?? 0})`
  }
}
/**
 * `VARCHAR(n)`: at most `n` characters (code points, as PostgreSQL and MySQL count). Read as
 * `string`. No string may hold a lone surrogate or NUL.
 */
export class String_ extends SqlType<string> {
  readonly kind: string = 'string'
  constructor(readonly length?: number) {
    super()
  }
  override validate(value: unknown): void {
    if (typeof value !== 'string') throw typeError(this, value)
    checkText(value)
  }
  override validateWrite(value: unknown): void {
    this.validate(value)
    const n = this.length
    if (n !== undefined && (value as string).length > n) {
      const chars = codePointLength(value as string)
      if (chars > n) throw refused(`${this.toString()} holds at most ${n} characters; the value has ${chars}`)
    }
  }
  override toString(): string {
    return this.length === undefined ? 'String' : `String(${this.length})`
  }
}
/** Unbounded text (`TEXT`). Read as `string`. */
export class Text extends String_ {
  override readonly kind = 'text'
}
/** `BOOLEAN`; stored as 0/1 where the database has no boolean. Read as `boolean`. */
export class Boolean_ extends SqlType<boolean> {
  readonly kind = 'boolean'
  override validate(value: unknown): void {
    if (typeof value !== 'boolean') throw typeError(this, value)
  }
  override encode(value: boolean, encoding: ValueEncoding): unknown {
    return encoding.booleanAsInteger ? (value ? 1 : 0) : value
  }
  override toString(): string {
    return 'Boolean'
  }
}

/** A calendar date (`DATE`), read and written as `'YYYY-MM-DD'`, 0001-01-01 to 9999-12-31. */
export class Date_ extends SqlType<string> {
  readonly kind = 'date'
  override validate(value: unknown): void {
    if (typeof value !== 'string') throw typeError(this, value)
    checkDateText(value)
  }
  override toString(): string {
    return 'Date'
  }
}
/** A time of day (`TIME`), read and written as `'HH:MM:SS'` (no fraction). */
export class Time extends SqlType<string> {
  readonly kind = 'time'
  override validate(value: unknown): void {
    if (typeof value !== 'string') throw typeError(this, value)
    checkTimeText(value)
  }
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

/**
 * Formats a `Date` as UTC `YYYY-MM-DD HH:MM:SS.fff`: the one format used on SQLite
 * (sorts as text) and MySQL, and read by PostgreSQL.
 */
export function formatUtcDateTime(d: Date): string {
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`
  )
}

/** Options of {@link DateTime}. */
export interface DateTimeOptions {
  /** `TIMESTAMP WITH TIME ZONE` on PostgreSQL. Naive timestamps are read as UTC either way. */
  timezone?: boolean
}
/** A point in time (`TIMESTAMP`/`DATETIME`), years 1 to 9999. Read as `Date`; naive values are UTC. */
export class DateTime extends SqlType<Date> {
  readonly kind = 'datetime'
  readonly timezone: boolean
  constructor(options: DateTimeOptions = {}) {
    super()
    this.timezone = options.timezone ?? false
  }
  override validate(value: unknown): void {
    if (!(value instanceof Date)) throw typeError(this, value)
    checkDateObject(value)
  }
  override encode(value: Date, encoding: ValueEncoding): unknown {
    const text = formatUtcDateTime(value)
    return encoding.utcOffset && this.timezone ? `${text}+00` : text
  }
}
/**
 * Any JSON value, stored as `JSON`/`JSONB`/`TEXT`. Read as the parsed value. A value that would
 * not read back as given (a bigint, a function, a cycle, NaN, a lone surrogate...) is refused.
 */
export class JSON_<T = unknown> extends SqlType<T> {
  readonly kind = 'json'
  override validate(value: unknown): void {
    checkJson(value)
  }
  override encode(value: T): unknown {
    return globalThis.JSON.stringify(value)
  }
  override toString(): string {
    return 'JSON'
  }
}
/** A UUID (`UUID` on PostgreSQL, `CHAR(36)` elsewhere). Read as a lower-case string. */
export class Uuid extends SqlType<string> {
  readonly kind = 'uuid'
  override validate(value: unknown): void {
    if (
      typeof value !== 'string' ||
      !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)
    )
      throw typeError(this, value)
  }
  override toString(): string {
    return 'UUID'
  }
}
/** Bytes (`BYTEA`/`BLOB`/`LONGBLOB`). Read as `Uint8Array`. */
export class LargeBinary extends SqlType<Uint8Array> {
  readonly kind = 'binary'
  override validate(value: unknown): void {
    if (!(value instanceof Uint8Array)) throw typeError(this, value)
  }
}
/** One of a fixed set of strings. Stored as `VARCHAR` with a CHECK where the database has no enum. */
export class Enum<const V extends string = string> extends SqlType<V> {
  readonly kind = 'enum'
  readonly values: readonly V[]
  constructor(values: readonly V[], options: { name?: string } = {}) {
    super()
    if (values.length === 0) throw new ArgumentError('Enum needs at least one value')
    this.values = values
    this.name = options.name
  }
  readonly name: string | undefined
  override validate(value: unknown): void {
    if (typeof value !== 'string' || !this.values.includes(value as V))
      throw new ArgumentError(`${JSON.stringify(value)} is not one of Enum(${this.values.join(', ')})`)
  }
}

/**
 * A custom type over a base type, as SQLAlchemy's `TypeDecorator`.
 *
 * ```ts
 * const Cents = t.custom(t.Integer, { encode: (d: number) => Math.round(d * 100), decode: (c) => c / 100 })
 * ```
 */
export class CustomType<T, B> extends SqlType<T> {
  readonly kind: string
  constructor(
    readonly base: SqlType<B>,
    readonly options: { encode: (value: T) => B; decode: (value: B) => T; name?: string },
  ) {
    super()
    this.kind = base.kind
  }
  override validate(value: unknown): void {
    this.base.validate(this.options.encode(value as T))
  }
  override validateWrite(value: unknown): void {
    this.base.validateWrite(this.options.encode(value as T))
  }
  override encode(value: T, encoding: ValueEncoding): unknown {
    return this.base.encode(this.options.encode(value), encoding)
  }
  /** Turns a decoded base value into this type's value. */
  decode(value: B): T {
    return this.options.decode(value)
  }
  override toString(): string {
    return this.options.name ?? `Custom(${this.base.toString()})`
  }
}

const builtinNames = new Map<unknown, string>([
  [NullType, 'NullType'],
  [Integer, 'Integer'],
  [SmallInteger, 'SmallInteger'],
  [BigInteger, 'BigInteger'],
  [Float, 'Float'],
  [Time, 'Time'],
  [DateTime, 'DateTime'],
  [LargeBinary, 'LargeBinary'],
  [Enum, 'Enum'],
])

/**
 * The SQL types. A namespace because `String`, `Boolean`, `Date` and `JSON` would shadow JavaScript globals.
 *
 * ```ts
 * new Column(t.String(50), { nullable: false })
 * ```
 */
export const t = {
  Integer: new Integer(),
  SmallInteger: new SmallInteger(),
  BigInteger: new BigInteger(),
  Float: new Float(),
  Numeric: (precision?: number, scale?: number): Numeric => new Numeric(precision, scale),
  String: (length?: number): String_ => new String_(length),
  Text: new Text(),
  Boolean: new Boolean_(),
  Date: new Date_(),
  DateTime: (options?: DateTimeOptions): DateTime => new DateTime(options),
  Time: new Time(),
  JSON: <T = unknown>(): JSON_<T> => new JSON_<T>(),
  UUID: new Uuid(),
  LargeBinary: new LargeBinary(),
  Enum: <const V extends string>(values: readonly V[], options?: { name?: string }): Enum<V> =>
    new Enum(values, options),
  custom: <T, B>(
    base: SqlType<B>,
    options: { encode: (value: T) => B; decode: (value: B) => T; name?: string },
  ) => new CustomType<T, B>(base, options),
  Null: new NullType(),
} as const

/** The JavaScript type of values of a SQL type. */
export type ValueOf<S> = S extends SqlType<infer T> ? T : never

/** Guesses the SQL type of a JavaScript value (used for literals and untyped binds). */
export function typeForValue(value: unknown): SqlType {
  switch (typeof value) {
    case 'number':
      // an integer beyond 32 bits is a BIGINT (beyond 64 bits, a double)
      if (!Number.isInteger(value)) return t.Float
      if ((value as number) >= -2147483648 && (value as number) <= 2147483647) return t.Integer
      return Math.abs(value as number) < twoTo63 ? t.BigInteger : t.Float
    case 'bigint':
      return t.BigInteger
    case 'string':
      return t.String()
    case 'boolean':
      return t.Boolean
    case 'object':
      if (value instanceof Date) return t.DateTime()
      if (value instanceof Uint8Array) return t.LargeBinary
      return t.Null
    default:
      return t.Null
  }
}
