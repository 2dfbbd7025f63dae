/**
 * What an injected fault does to one request, whatever the transport (an HTTP request, a
 * WebSocket message, a binding's call). Each server names its fault kinds (`network`,
 * `http-500`, ...) and maps each to one of these effects; the transport applies the effect.
 * @module
 */

/**
 * The effect of a fault on the request it hits:
 * - `cut`: the connection is lost before anything runs (nothing is answered);
 * - `stall`: nothing runs and the request is never answered;
 * - `drop-reply`: the request runs (a COMMIT commits), then its reply is lost with the connection;
 * - `{ refuse }`: nothing runs; the request is answered with `refuse()` instead (an HTTP 500, an
 *   error a binding throws).
 */
export type FaultEffect<Answer> = 'cut' | 'stall' | 'drop-reply' | { readonly refuse: () => Answer }

/**
 * Runs one call of a promise transport (a binding: no connection to cut) under `effect`: `cut`
 * and `drop-reply` reject with `lost()`, `drop-reply` after the call ran; `refuse` rejects with its
 * error; `stall` never settles.
 */
export async function callWithFault<T>(
  effect: FaultEffect<Error> | undefined,
  call: () => Promise<T>,
  lost: () => Error,
): Promise<T> {
  if (effect === undefined) return call()
  if (effect === 'stall') return new Promise<T>(() => undefined)
  if (effect === 'cut') throw lost()
  if (effect === 'drop-reply') {
    await call().catch(() => undefined)
    throw lost()
  }
  throw effect.refuse()
}
