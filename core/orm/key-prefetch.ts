/**
 * Keys a one-shot batch needs before it is sent: where the dialect can reserve generated keys
 * (`features.keyPrefetch`: PostgreSQL's sequences, on neon-http) the rows whose generated key
 * other rows of the commit refer to get their keys first (one request), then the whole commit
 * goes as one batch.
 * @module
 */
import type { AsyncEngine } from '../engine/engine.js'
import { InvalidRequestError } from '../errors.js'
import { rowValues } from '../result/row.js'
import type { RowOp } from './row-ops.js'

/** Key prefetch: fills the key of each op with a key the database reserves (`dialect.reserveKeys`). */
export async function prefetchKeys(engine: AsyncEngine, ops: readonly RowOp[]): Promise<void> {
  const byTable = new Map<string, RowOp[]>()
  for (const op of ops) {
    const list = byTable.get(op.mapper.table.name)
    if (list) list.push(op)
    else byTable.set(op.mapper.table.name, [op])
  }
  for (const [, list] of byTable) {
    const table = list[0]!.mapper.table
    const pk = table.primaryKeyColumns
    if (pk.length !== 1 || !pk[0]!.isAutoincrement)
      throw new InvalidRequestError(
        `${list[0]!.mapper.name}: its key is needed by other rows but is neither given nor generated`,
      )
    const stmt = engine.dialect.reserveKeys(table.name, pk[0]!.name, list.length)
    const keys = (await engine.execute(stmt)).all().map((r) => Number(rowValues(r)[0]))
    for (const [i, op] of list.entries()) op.values.set(pk[0]!.key, keys[i])
  }
}
