/**
 * Whether a driver error proves its request never left: the connection was never made.
 * @module
 */

/** System error codes that mean the connection was never made, so no request left. */
const neverConnected = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])

/** True when the error (or one of its causes) says the connection was never made. */
export function provablyNotSent(err: unknown): boolean {
  let e = err as { code?: unknown; cause?: unknown; errors?: unknown } | undefined
  for (let depth = 0; typeof e === 'object' && e !== null && depth < 6; depth++) {
    if (typeof e.code === 'string' && neverConnected.has(e.code)) return true
    // fetch refuses a blocked port (the Fetch standard's "bad port") before connecting
    if ((e as { message?: unknown }).message === 'bad port') return true
    // undici reports a refused dual-stack connect as an AggregateError of refusals
    if (Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every((x) => provablyNotSent(x)))
      return true
    // neon's NeonDbError keeps the fetch failure as `sourceError`
    e = (e.cause ?? (e as { sourceError?: unknown }).sourceError) as typeof e
  }
  return false
}
