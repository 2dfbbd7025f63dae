/**
 * Values between JSON and PostgreSQL text as Neon's proxy converts them (read from
 * `proxy/src/serverless/json.rs`):
 * - parameters: a string is passed as is, null as NULL; a boolean, number or object as its JSON
 *   text; an array as a PostgreSQL array literal (strings JSON-quoted, objects as quoted JSON
 *   text, nested arrays in braces, null as NULL);
 * - results without `Neon-Raw-Text-Output: true` are typed JSON: bool as true/false, int2/int4
 *   as numbers, float4/float8 as numbers (NaN and infinities as their text), json/jsonb as the
 *   JSON itself, arrays as JSON arrays of their elements, everything else (int8, numeric, dates,
 *   bytea...) as the text PostgreSQL gives.
 * @module
 */

/** A JSON parameter as the text PostgreSQL receives (null for SQL NULL). */
export function jsonParamToText(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return value
  if (Array.isArray(value)) return arrayLiteral(value)
  return JSON.stringify(value)
}

function arrayLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL'
  if (Array.isArray(value)) return `{${value.map(arrayLiteral).join(',')}}`
  if (typeof value === 'object') return JSON.stringify(JSON.stringify(value))
  return JSON.stringify(value)
}

/** PostgreSQL sent text the proxy cannot convert: HTTP 500 "could not parse postgres response". */
export class JsonConversionError extends Error {
  override name = 'JsonConversionError'
}

const BOOL = 16
const INT2 = 21
const INT4 = 23
const FLOAT4 = 700
const FLOAT8 = 701
const JSON_OID = 114
const JSONB = 3802

/**
 * A value's JSON text in a reply. `raw`: PostgreSQL's text as a JSON string; else typed as the
 * proxy types it. `elements` maps an array type's OID to its element type's OID.
 */
export function valueJson(
  text: string | null,
  oid: number,
  raw: boolean,
  elements: ReadonlyMap<number, number>,
): string {
  if (text === null) return 'null'
  if (raw) return JSON.stringify(text)
  const element = elements.get(oid)
  if (element !== undefined) return arrayJson(text, element, elements)
  return scalarJson(text, oid)
}

function scalarJson(text: string, oid: number): string {
  switch (oid) {
    case BOOL:
      return text === 't' ? 'true' : 'false'
    case INT2:
    case INT4: {
      const n = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN
      if (!Number.isInteger(n) || Math.abs(n) > 2 ** 31)
        throw new JsonConversionError(`parse int error: ${text}`)
      return String(n)
    }
    case FLOAT4:
    case FLOAT8: {
      const n = text.trim() === '' ? Number.NaN : Number(text)
      if (Number.isNaN(n) && !/^[+-]?nan$/i.test(text))
        throw new JsonConversionError(`parse float error: ${text}`)
      return Number.isFinite(n) ? JSON.stringify(n) : JSON.stringify(text)
    }
    case JSON_OID:
    case JSONB:
      return text
    default:
      return JSON.stringify(text)
  }
}

/** Parses PostgreSQL's array output (`{1,2}`, `{{"a b",NULL}}`, `[0:1]={1,2}`) into JSON. */
function arrayJson(text: string, element: number, elements: ReadonlyMap<number, number>): string {
  let rest = text
  if (rest.startsWith('[')) {
    const eq = rest.indexOf('=')
    if (eq < 0) throw new JsonConversionError('unbalanced array')
    rest = rest.slice(eq + 1)
  }
  const [json, after] = parseArray(rest.trimStart(), element, elements)
  if (after !== '') throw new JsonConversionError('unbalanced array')
  return json
}

function parseArray(
  text: string,
  element: number,
  elements: ReadonlyMap<number, number>,
): [json: string, rest: string] {
  if (!text.startsWith('{')) throw new JsonConversionError('unbalanced array')
  let rest = text.slice(1)
  const items: string[] = []
  for (;;) {
    rest = rest.trimStart()
    if (rest.startsWith('{')) {
      const [json, after] = parseArray(rest, element, elements)
      items.push(json)
      rest = after
    } else if (rest.startsWith('"')) {
      let value = ''
      let i = 1
      for (; i < rest.length && rest[i] !== '"'; i++) {
        if (rest[i] === '\\') i++
        value += rest[i] ?? ''
      }
      if (i >= rest.length) throw new JsonConversionError('unbalanced quoted string')
      items.push(valueJson(value, element, false, elements))
      rest = rest.slice(i + 1).trimStart()
    } else {
      const end = rest.search(/[,}]/)
      if (end < 0) throw new JsonConversionError('unbalanced array')
      const item = rest.slice(0, end).trimEnd()
      // as the proxy: `{}` reads as one empty item (an error for numbers, "" for text)
      items.push(item === 'NULL' ? 'null' : valueJson(item, element, false, elements))
      rest = rest.slice(end)
    }
    if (rest.startsWith(',')) rest = rest.slice(1)
    else break
  }
  if (!rest.startsWith('}')) throw new JsonConversionError('unbalanced array')
  return [`[${items.join(',')}]`, rest.slice(1).trimStart()]
}
