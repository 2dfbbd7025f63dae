/**
 * The JSON codec between the Node side and the local D1 Worker (`worker.ts`), both directions:
 * values JSON cannot carry travel as tagged objects `{ "$": tag, ... }`. The same module runs on
 * both sides (the Worker's script is built from it, `worker-script.ts`), so it uses only what
 * Node and workerd both have (`btoa`/`atob`, no `Buffer`) and imports nothing.
 *
 * Tags: `bytes` (base64; `kind: 'ArrayBuffer'` or a view), `bigint`, `undefined`, `number`
 * (NaN, ±Infinity, -0), `symbol`, `opaque` (a function or a non-plain object, rebuilt with the
 * same `typeof` and string form so D1's type errors read the same), `object` (a plain object that
 * has a `$` key). Results are what D1 returned, encoded the same way (blobs stay D1's number arrays).
 * @module
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

function toBase64(bytes: Uint8Array): string {
  let s = ''
  // in slices: String.fromCharCode takes its arguments on the stack
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[])
  return btoa(s)
}

function fromBase64(text: string): Uint8Array {
  const s = atob(text)
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  return out
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

function encodeEntries(v: object): { [key: string]: Json } {
  const out: { [key: string]: Json } = {}
  for (const [k, x] of Object.entries(v)) out[k] = encodeValue(x)
  return out
}

/** A value as the other side decodes it back (bytes, bigint, undefined and odd numbers tagged). */
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
  if (o instanceof ArrayBuffer) return { $: 'bytes', kind: 'ArrayBuffer', v: toBase64(new Uint8Array(o)) }
  if (ArrayBuffer.isView(o))
    return { $: 'bytes', kind: 'view', v: toBase64(new Uint8Array(o.buffer, o.byteOffset, o.byteLength)) }
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

/** A value the other side encoded. */
export function decodeValue(v: unknown): any {
  if (typeof v !== 'object' || v === null) return v
  if (Array.isArray(v)) return v.map(decodeValue)
  if (!Object.hasOwn(v, '$')) return decodeEntries(v)
  const t = v as { $: string; v?: any; kind?: string; type?: string }
  switch (t.$) {
    case 'bytes': {
      const bytes = fromBase64(t.v as string)
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
  throw new Error(`local D1: unknown tag in a message: ${String(t.$)}`)
}

/** An error as the Worker reports it. */
export interface WireError {
  readonly name: string
  readonly message: string
  readonly cause?: { readonly name: string; readonly message: string } | undefined
}

/** The Worker's error (D1's) as JSON: its name and message, and its cause's. */
export function encodeError(err: unknown): WireError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) }
  if (!(err.cause instanceof Error)) return { name: err.name, message: err.message }
  return { name: err.name, message: err.message, cause: { name: err.cause.name, message: err.cause.message } }
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
