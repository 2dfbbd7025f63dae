/**
 * The Worker that serves D1 over HTTP inside the local workerd, so the Node side reaches D1 only
 * through `dispatchFetch` (asynchronous), never through miniflare's synchronous binding proxy.
 *
 * Protocol (one POST per call, JSON both ways):
 * - request `{ op, sql?, params?, columnNames?, column?, statements? }` where `op` is `raw`, `run`,
 *   `all`, `first`, `batch`, `exec` or `check` (prepare and bind only, nothing runs);
 *   a statement is `{ sql, params? }` (`params` absent: `bind()` was never called);
 * - reply `{ ok: true, result }` or `{ ok: false, error: { name, message, cause? } }`, always 200.
 *
 * Values that JSON cannot carry are tagged objects `{ "$": tag, ... }` (the same codec as
 * `wire.ts`): `bytes` (base64; `kind: 'ArrayBuffer'` or a view), `bigint`, `undefined`, `number`
 * (NaN, ±Infinity, -0), `symbol`, `opaque` (a function or a non-plain object, rebuilt with the same
 * `typeof` and string form so D1's type errors read the same), `object` (a plain object that has a
 * `$` key). Results are what D1 returned, encoded the same way (blobs stay D1's number arrays).
 * @module
 */

/** The Worker's source (an ES module). */
export const d1WorkerSource = `
function toBase64(bytes) {
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000))
  return btoa(s)
}
function fromBase64(text) {
  const s = atob(text)
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  return out
}
function isPlain(v) {
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}
function encode(v) {
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
  if (v instanceof ArrayBuffer) return { $: 'bytes', kind: 'ArrayBuffer', v: toBase64(new Uint8Array(v)) }
  if (ArrayBuffer.isView(v))
    return { $: 'bytes', kind: 'view', v: toBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) }
  if (Array.isArray(v)) return v.map(encode)
  if (!isPlain(v)) return { $: 'opaque', type: 'object', v: String(v) }
  const out = {}
  for (const [k, x] of Object.entries(v)) out[k] = encode(x)
  return Object.hasOwn(v, '$') ? { $: 'object', v: out } : out
}
function decode(v) {
  if (typeof v !== 'object' || v === null) return v
  if (Array.isArray(v)) return v.map(decode)
  if (!Object.hasOwn(v, '$')) {
    const out = {}
    for (const [k, x] of Object.entries(v)) out[k] = decode(x)
    return out
  }
  switch (v.$) {
    case 'bytes': {
      const bytes = fromBase64(v.v)
      return v.kind === 'ArrayBuffer' ? bytes.buffer : bytes
    }
    case 'bigint':
      return BigInt(v.v)
    case 'undefined':
      return undefined
    case 'number':
      return v.v === '-0' ? -0 : Number(v.v)
    case 'symbol':
      return v.v === null ? Symbol() : Symbol(v.v)
    case 'opaque': {
      const text = v.v
      const o = v.type === 'function' ? function () {} : {}
      Object.defineProperty(o, 'toString', { value: () => text })
      return o
    }
    case 'object': {
      const out = {}
      for (const [k, x] of Object.entries(v.v)) out[k] = decode(x)
      return out
    }
  }
  throw new Error('local D1 worker: unknown tag ' + String(v.$))
}
function errorJson(err) {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) }
  const out = { name: err.name, message: err.message }
  if (err.cause instanceof Error) out.cause = { name: err.cause.name, message: err.cause.message }
  return out
}
function statement(db, s) {
  const p = db.prepare(s.sql)
  return s.params === undefined ? p : p.bind(...s.params.map(decode))
}
async function run(db, req) {
  switch (req.op) {
    case 'check':
      for (const s of req.statements) statement(db, s)
      return null
    case 'raw':
      return statement(db, req).raw(req.columnNames === undefined ? undefined : { columnNames: req.columnNames })
    case 'run':
      return statement(db, req).run()
    case 'all':
      return statement(db, req).all()
    case 'first':
      return req.column === undefined ? statement(db, req).first() : statement(db, req).first(req.column)
    case 'batch':
      return db.batch(req.statements.map((s) => statement(db, s)))
    case 'exec':
      return db.exec(req.sql)
  }
  throw new Error('local D1 worker: unknown op ' + String(req.op))
}
export default {
  async fetch(request, env) {
    let body
    try {
      body = { ok: true, result: encode(await run(env.DB, await request.json())) }
    } catch (err) {
      body = { ok: false, error: errorJson(err) }
    }
    return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } })
  },
}
`
