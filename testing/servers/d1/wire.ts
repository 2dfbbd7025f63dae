/**
 * The Node side of the local D1 Worker's JSON codec (see `worker.ts` for the protocol): values
 * JSON cannot carry travel as tagged objects `{ "$": tag, ... }`.
 * @module
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

function encodeEntries(v: object): { [key: string]: Json } {
  const out: { [key: string]: Json } = {}
  for (const [k, x] of Object.entries(v)) out[k] = encodeValue(x)
  return out
}

/** A value as the Worker decodes it back (bytes, bigint, undefined and odd numbers tagged). */
export function encodeValue(v: unknown): Json {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v
    case 'number':
      if (Number.isFinite(v) && !Object.is(v, -0)) return v
      return { $: 'number', v: Object.is(v, -0) ? '-0' : String(v) }
    case 'bigint':
      return { $: 'bigint', v: v.toString() }
    case 'undefined':
      return { $: 'undefined' }
    case 'symbol':
      return { $: 'symbol', v: v.description ?? null }
    case 'function':
      return { $: 'opaque', type: 'function', v: String(v) }
  }
  if (v === null) return null
  const o = v as object
  if (o instanceof ArrayBuffer)
    return { $: 'bytes', kind: 'ArrayBuffer', v: Buffer.from(o).toString('base64') }
  if (ArrayBuffer.isView(o))
    return {
      $: 'bytes',
      kind: 'view',
      v: Buffer.from(o.buffer, o.byteOffset, o.byteLength).toString('base64'),
    }
  if (Array.isArray(o)) return o.map(encodeValue)
  if (!isPlain(o)) return { $: 'opaque', type: 'object', v: String(o) }
  const out = encodeEntries(o)
  return Object.hasOwn(o, '$') ? { $: 'object', v: out } : out
}

function decodeEntries(v: object): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(v)) out[k] = decodeValue(x)
  return out
}

/** A value the Worker encoded (D1's results as D1 returned them). */
export function decodeValue(v: unknown): any {
  if (typeof v !== 'object' || v === null) return v
  if (Array.isArray(v)) return v.map(decodeValue)
  if (!Object.hasOwn(v, '$')) return decodeEntries(v)
  const t = v as { $: string; v?: any; kind?: string; type?: string }
  switch (t.$) {
    case 'bytes': {
      const bytes = Uint8Array.from(Buffer.from(t.v as string, 'base64'))
      return t.kind === 'ArrayBuffer' ? bytes.buffer : bytes
    }
    case 'bigint':
      return BigInt(t.v as string)
    case 'undefined':
      return undefined
    case 'number':
      return t.v === '-0' ? -0 : Number(t.v)
    case 'symbol':
      return t.v === null ? Symbol() : Symbol(t.v as string)
    case 'opaque': {
      const text = String(t.v)
      const o: object = t.type === 'function' ? () => undefined : {}
      Object.defineProperty(o, 'toString', { value: () => text })
      return o
    }
    case 'object':
      return decodeEntries(t.v as object)
  }
  throw new Error(`local D1: unknown tag in a reply: ${String(t.$)}`)
}

/** An error as the Worker reports it. */
export interface WireError {
  readonly name: string
  readonly message: string
  readonly cause?: { readonly name: string; readonly message: string } | undefined
}

const errorTypes: Record<string, new (message: string, options?: ErrorOptions) => Error> = {
  TypeError,
  RangeError,
  SyntaxError,
}

function revive(e: { name: string; message: string }, options?: ErrorOptions): Error {
  const Type = errorTypes[e.name] ?? Error
  const err = new Type(e.message, options)
  if (err.name !== e.name) err.name = e.name
  return err
}

/** The Worker's error as an Error with the same name and message (and cause), thrown on this side. */
export function reviveError(e: WireError): Error {
  return e.cause === undefined ? revive(e) : revive(e, { cause: revive(e.cause) })
}
