/**
 * Idempotent close for every local server: tests close in `afterAll` and in the test that
 * closes early, so a second `close()` must neither throw nor close twice.
 * @module
 */

/** `close` run once: every later call returns the first call's promise. */
export function closeOnce(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined
  return () => {
    closing ??= close()
    return closing
  }
}
