/**
 * Values across `@planetscale/database`: the `cast` that leaves values raw (text as string,
 * binary columns as Uint8Array, NULL as null), parameters made safe for the driver's
 * client-side interpolation, and the driver's result as a `RawResult`. Web-standard only.
 * @module
 */
import type { ExecutedQuery, Field } from '@planetscale/database'
import type { RawResult } from '../../core/engine/adapter.js'
import { ArgumentError } from '../../core/errors.js'
import { formatUtcDateTime } from '../../core/sql/types.js'

/** Vitess types whose bytes are not text. */
const binaryTypes = new Set(['BLOB', 'VARBINARY', 'BINARY', 'BIT', 'GEOMETRY'])
const nonAscii = /[\u0080-\uffff]/
// ignoreBOM: a leading U+FEFF is data (the driver's own decoder drops it)
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true })

/** The driver hands each value as a "binary string" (one char per byte, from `atob`). */
function bytesOf(value: string): Uint8Array {
  const out = new Uint8Array(value.length)
  for (let i = 0; i < value.length; i++) out[i] = value.charCodeAt(i)
  return out
}

/**
 * The driver's `cast` switched off: NULL -> null, binary columns -> Uint8Array, everything else
 * (numbers, decimals, dates, JSON) as its MySQL text. The dialect decodes by declared type.
 */
export function rawCast(field: Field, value: string | null): string | Uint8Array | null {
  if (value === null || value === undefined) return null
  if (binaryTypes.has(field.type)) return bytesOf(value)
  return nonAscii.test(value) ? utf8.decode(bytesOf(value)) : value
}

/**
 * A parameter as the driver's `format` can write it into SQL. The driver interpolates values on
 * the client (there is no server-side binding) and escapes strings with backslashes (MySQL's
 * default; `NO_BACKSLASH_ESCAPES` is not supported), writes Uint8Array as `x'hex'`, numbers and
 * bigints as digits, null as `null`. What it would write wrongly is fixed or refused here: Dates
 * become UTC `YYYY-MM-DD HH:MM:SS.fff` (the dialect's form), other binary views become
 * Uint8Array, non-finite numbers and objects are refused instead of becoming `'[object Object]'`.
 */
export function toParam(v: unknown): unknown {
  switch (typeof v) {
    case 'string':
    case 'bigint':
    case 'boolean':
      return v
    case 'number':
      if (!Number.isFinite(v)) throw new ArgumentError(`${v} cannot be sent to MySQL`)
      return v
    case 'undefined':
      return null
    case 'object':
      if (v === null || v instanceof Uint8Array) return v
      if (v instanceof Date) {
        if (Number.isNaN(v.getTime())) throw new ArgumentError('An invalid Date cannot be sent to MySQL')
        return formatUtcDateTime(v)
      }
      if (v instanceof ArrayBuffer) return new Uint8Array(v)
      if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
      break
  }
  throw new ArgumentError(
    `A ${v === null ? 'null' : typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v} cannot be a MySQL parameter; encode it first (JSON values through a JSON column type)`,
  )
}

/** Parameters for the driver, or null when there are none (so the SQL is sent untouched). */
export function toParams(params: readonly unknown[]): unknown[] | null {
  if (params.length === 0) return null
  const out = new Array<unknown>(params.length)
  for (let i = 0; i < params.length; i++) out[i] = toParam(params[i])
  return out
}

const minSafe = BigInt(Number.MIN_SAFE_INTEGER)
const maxSafe = BigInt(Number.MAX_SAFE_INTEGER)

/** The driver's result in array mode as a `RawResult`; column types are Vitess type names. */
export function toRawResult(r: ExecutedQuery<unknown[]>): RawResult {
  const fields = r.fields
  const id = r.insertId
  let lastInsertId: number | bigint | undefined
  if (id !== undefined && id !== '0' && id !== '') {
    const b = BigInt(id)
    lastInsertId = b >= minSafe && b <= maxSafe ? Number(b) : b
  }
  return {
    columns: r.headers,
    columnTypes: fields.map((f) => f.type),
    rows: r.rows,
    // a SELECT has no count of changed rows
    rowsAffected: fields.length > 0 ? -1 : r.rowsAffected,
    lastInsertId,
  }
}
