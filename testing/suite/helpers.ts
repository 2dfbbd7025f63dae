import { type AsyncEngine, insert, type Table } from '../../core/index.js'

/** The error a promise rejects with; fails when it resolves. */
export async function caught(promise: Promise<unknown> | (() => Promise<unknown>)): Promise<Error> {
  try {
    await (typeof promise === 'function' ? promise() : promise)
  } catch (err) {
    if (err instanceof Error) return err
    throw new Error(`A non-Error was thrown: ${String(err)}`)
  }
  throw new Error('Expected an error, but the call succeeded')
}

/**
 * Inserts rows with multi-row INSERTs, as few as the adapter's parameter limit allows, sent as
 * one atomic batch.
 */
export async function insertRows(
  engine: AsyncEngine,
  table: Table,
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return
  const width = Object.keys(rows[0]!).length
  const perStatement = Math.max(1, Math.min(200, Math.floor(engine.adapter.capabilities.maxParams / width)))
  const statements = []
  for (let i = 0; i < rows.length; i += perStatement)
    statements.push(insert(table).values(rows.slice(i, i + perStatement) as never))
  await engine.batch(statements)
}

/** Every string a kept error exposes: message, `String()`, stack, and the same for its causes. */
export function errorTexts(err: unknown, depth = 0): string[] {
  if (!(err instanceof Error) || depth > 4) return [String(err)]
  const own: string[] = [String(err), err.message, err.stack ?? '']
  for (const key of Object.keys(err)) {
    const v = (err as unknown as Record<string, unknown>)[key]
    try {
      own.push(typeof v === 'string' ? v : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}` : x)))
    } catch {
      own.push(String(v))
    }
  }
  return err.cause === undefined ? own : [...own, ...errorTexts(err.cause, depth + 1)]
}

/** A deterministic byte pattern of `n` bytes (every value 0-255 appears, zeros included). */
export function bytePattern(n: number): Uint8Array {
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = (i * 7 + (i >> 8)) & 0xff
  return out
}
