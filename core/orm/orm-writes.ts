/**
 * Insert, update and delete statements given to `session.execute()`: they run in the session's
 * transaction (never on their own on batch-only adapters, which cannot hold one open).
 * @module
 */

import type { AdapterCapabilities } from '../engine/adapter.js'
import type { AsyncConnection } from '../engine/connection.js'
import type { ExecuteArgs } from '../engine/execution.js'
import { UnsupportedCapabilityError } from '../errors.js'
import type { Result } from '../result/result.js'
import type { ClauseElement } from '../sql/elements.js'

/** What a write needs of the session. */
export interface WriteHost {
  readonly capabilities: AdapterCapabilities
  readonly adapterName: string
  /** The session's connection (its transaction begins with the first statement). */
  connection(): Promise<AsyncConnection>
  /** Notes that rows changed behind the identity map (rollback then expires every object). */
  noteBulkWrite(): void
}

/** Runs an insert/update/delete given to `session.execute()`. */
export async function executeOrmWrite(
  host: WriteHost,
  stmt: ClauseElement,
  params?: ExecuteArgs,
): Promise<Result<any>> {
  if (!host.capabilities.interactiveTransactions)
    throw new UnsupportedCapabilityError(
      `${host.adapterName} cannot hold a transaction open, so a write given to session.execute() could not ` +
        'wait for commit(). Run it with engine.execute() (commits at once) or engine.batch([...]) (atomic)',
    )
  const conn = await host.connection()
  host.noteBulkWrite()
  return conn.execute(stmt, params)
}
