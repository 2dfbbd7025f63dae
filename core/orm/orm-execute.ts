/**
 * Runs ORM selects for the session: `session.execute` (every row, then the loads that need more
 * statements) and `session.stream` (chunk by chunk). It composes the row run (query.ts) with
 * the loaders (selectin-loading.ts), which themselves run selects through query.ts.
 * @module
 */
import type { ExecuteArgs } from '../engine/execution.js'
import { InvalidRequestError } from '../errors.js'
import type { Result } from '../result/result.js'
import type { Select } from '../sql/select.js'
import { type QueryHost, RowRun, runOrmSelect } from './query.js'
import { planOrmSelect } from './select-plan.js'
import { applyStrategies } from './selectin-loading.js'

/** One row's values. */
type Values = unknown[]

/** Runs an ORM select; undefined when `stmt` selects no mapped class (a plain select). */
export async function executeOrmSelect(
  host: QueryHost,
  stmt: Select,
  params?: ExecuteArgs,
  options: { readonly loaders?: boolean } = {},
): Promise<Result<any> | undefined> {
  const populateExisting = stmt.executionOptionsMap.populateExisting === true
  const after = options.loaders === false ? undefined : applyStrategies
  return runOrmSelect(host, stmt, params, { populateExisting, after })
}

/**
 * For a streamed ORM select: the statement to stream and a function mapping each chunk of rows
 * to rows of objects (loaders run per chunk); undefined when `stmt` selects no mapped class.
 * A joined collection cannot stream (a parent's rows could straddle two chunks).
 */
export function ormChunkMapper(
  host: QueryHost,
  stmt: Select,
):
  | { readonly statement: Select; readonly names: readonly string[]; map(chunk: Values[]): Promise<Values[]> }
  | undefined {
  const plan = planOrmSelect(stmt, host.bind.dialect, { streaming: true })
  if (plan === undefined) return undefined
  if (plan.unique)
    throw new InvalidRequestError(
      'A joined or contains-eager collection cannot be streamed: the rows of one parent could fall in two chunks. ' +
        'Use selectinload or jsonload for it when streaming',
    )
  const populateExisting = stmt.executionOptionsMap.populateExisting === true
  return {
    statement: plan.statement,
    names: plan.names,
    async map(chunk) {
      const run = new RowRun(host, plan, { populateExisting })
      const rows = chunk.map((v) => run.row(v))
      run.finish()
      await run.after(applyStrategies, { populateExisting })
      return rows
    },
  }
}
