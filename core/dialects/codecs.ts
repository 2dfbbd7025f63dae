/**
 * Decoding of raw driver values by declared SQL type, so the same query on the same data gives
 * the same JavaScript values on every adapter. Decoders are chosen once per result column;
 * adapters hand over their cheapest output (PostgreSQL and MySQL text, SQLite's native values).
 * What a driver's type ids mean is each dialect's (its folder's `codecs.ts`).
 * @module
 */
import { CustomType, type Numeric, type SqlType } from '../sql/types.js'

/** Turns one raw non-null value into its JavaScript value. */
export type Decoder = (raw: unknown) => unknown

/** The decoder that leaves a value as it is (a column needing none gets no decoder). */
export const identity: Decoder = (v) => v

/** A number from a number or its text. */
export function toNumber(v: unknown): number {
  return typeof v === 'number' ? v : Number(v)
}
function toBigInt(v: unknown): bigint {
  return typeof v === 'bigint' ? v : BigInt(typeof v === 'number' ? Math.trunc(v) : String(v))
}
/** Integers as numbers when they fit exactly, bigints otherwise (untyped columns). */
export function safeInteger(v: unknown): number | bigint {
  if (typeof v === 'number') return v
  const b = toBigInt(v)
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b
}
/** A boolean from a boolean, `t`/`true`/`1` text or a number. */
export function toBoolean(v: unknown): boolean {
  if (typeof v === 'boolean') return v
  if (typeof v === 'string') return v === 't' || v === 'true' || v === '1'
  return Number(v) !== 0
}
function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.substr(i * 2, 2), 16)
  return out
}
/** Bytes from bytes, an ArrayBuffer, an array of octets or `\\x` hex text. */
export function toBytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v
  if (v instanceof ArrayBuffer) return new Uint8Array(v)
  if (Array.isArray(v)) return Uint8Array.from(v as number[])
  if (typeof v === 'string') return v.startsWith('\\x') ? hexToBytes(v.slice(2)) : new TextEncoder().encode(v)
  throw new TypeError(`Cannot read ${typeof v} as bytes`)
}
/**
 * JSON arrives as text, except where the database coerced the text on storage: SQLite's NUMERIC
 * affinity of a `JSON` column turns the document `42` into an integer (a bigint from drivers in
 * bigint mode). A JSON number is a JS number, whatever the storage made of it.
 */
export function parseJson(v: unknown): unknown {
  if (typeof v === 'string') return JSON.parse(v)
  if (typeof v === 'bigint') return Number(v)
  if (v instanceof Uint8Array) return JSON.parse(new TextDecoder().decode(v))
  return v
}

/**
 * Reads a timestamp text (`2024-01-02 03:04:05.678901+02`, `2024-01-02T03:04:05Z`, ...) as a
 * Date; a value without an offset is UTC. Fractions beyond milliseconds are truncated.
 */
export function parseDateTime(v: unknown): Date {
  if (v instanceof Date) return v
  if (typeof v === 'number') return new Date(v)
  const m =
    /^(\d{4,})-(\d\d)-(\d\d)[ T](\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?\s*(Z|[+-]\d\d(?::?\d\d)?(?::?\d\d)?)?$/i.exec(
      String(v).trim(),
    )
  if (m === null) {
    const d = new Date(String(v))
    if (Number.isNaN(d.getTime())) throw new TypeError(`Not a timestamp: ${String(v)}`)
    return d
  }
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'))
  const year = Number(m[1])
  let t = Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), ms)
  // Date.UTC reads years 0 to 99 as 1900 to 1999
  if (year < 100) t = new Date(t).setUTCFullYear(year)
  const tz = m[8]
  if (tz !== undefined && tz.toUpperCase() !== 'Z') {
    const digits = tz.slice(1).replaceAll(':', '')
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0)
    t -= (tz[0] === '-' ? -offset : offset) * 60_000
  }
  return new Date(t)
}

function numericDecoder(type: Numeric): Decoder {
  const scale = type.scale
  // SQLite stores NUMERIC as a number; render it with the declared scale so '1.50' reads the same everywhere.
  return (v) => (typeof v === 'string' ? v : scale === undefined ? String(v) : toNumber(v).toFixed(scale))
}

/** The decoder of a declared type (the same on every dialect: adapters hand over text or native values). */
export function decoderFor(type: SqlType): Decoder {
  if (type instanceof CustomType) {
    const base = decoderFor(type.base)
    return (v) => type.decode(base(v))
  }
  switch (type.kind) {
    case 'integer':
    case 'smallint':
    case 'float':
      return toNumber
    case 'bigint':
      return toBigInt
    case 'numeric':
      return numericDecoder(type as Numeric)
    case 'boolean':
      return toBoolean
    case 'datetime':
      return parseDateTime
    case 'json':
      return parseJson
    case 'binary':
      return toBytes
    case 'string':
    case 'text':
    case 'enum':
    case 'date':
    case 'time':
      return (v) => (typeof v === 'string' ? v : String(v))
    case 'uuid':
      return (v) => String(v).toLowerCase()
    default:
      return untypedDecoder
  }
}

/** Decodes a value whose SQL type is unknown (`text()`, an untyped function), from its JS form. */
export function untypedDecoder(v: unknown): unknown {
  if (typeof v === 'bigint') return safeInteger(v)
  if (v instanceof ArrayBuffer) return new Uint8Array(v)
  return v
}

/** What a dialect knows of its driver's type ids, for columns with no declared type. */
export interface DriverTypeDecoders {
  /** The decoder of a column with no declared type, from the driver's type id where there is one. */
  driverTypeDecoder(driverType: number | string | undefined): Decoder
}

/** One decoder per column, or null where the raw value is already right. */
export function columnDecoders(
  dialect: DriverTypeDecoders,
  types: readonly (SqlType | undefined)[],
  driverTypes: readonly (number | string | undefined)[] | undefined,
): (Decoder | null)[] {
  const width = Math.max(types.length, driverTypes?.length ?? 0)
  const out: (Decoder | null)[] = []
  for (let i = 0; i < width; i++) {
    const type = types[i]
    const d =
      type === undefined || type.kind === 'null'
        ? dialect.driverTypeDecoder(driverTypes?.[i])
        : decoderFor(type)
    out.push(d === identity ? null : d)
  }
  return out
}

/**
 * Decodes raw rows in place (the engine owns the arrays an adapter returns): no second array per
 * row. NULL stays null; columns without a decoder are left as they are.
 */
export function decodeRows(
  rows: readonly (readonly unknown[])[],
  decoders: readonly (Decoder | null)[],
): unknown[][] {
  const out = rows as unknown[][]
  const active: number[] = []
  for (let i = 0; i < decoders.length; i++)
    if (decoders[i] !== null && decoders[i] !== undefined) active.push(i)
  if (active.length === 0) return out
  for (let r = 0; r < out.length; r++) {
    const values = out[r]!
    for (let k = 0; k < active.length; k++) {
      const i = active[k]!
      const v = values[i]
      if (v !== null && v !== undefined) values[i] = (decoders[i] as Decoder)(v)
      else if (v === undefined) values[i] = null
    }
  }
  return out
}
