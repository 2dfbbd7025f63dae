/**
 * Runs ORM selects for the session: `session.execute` (every row, then the loads that need more
 * statements) and `session.stream` (chunk by chunk), and loads a relationship for the session's
 * reads: the row run (query.ts) with the strategies' after-rows stage (loaders/), which run
 * their selects through query.ts.
 * @module
 */
import type { ExecuteArgs } from '../engine/execution.js'
import { InvalidRequestError } from '../errors.js'
import type { Result } from '../result/result.js'
import type { Select } from '../sql/select.js'
import { EMPTY_TREE, type LoadTree } from './load-tree.js'
import { loadRelated } from './loaders/selectin.js'
import { afterRows, type QueryHost, RowRun, runOrmSelect } from './query.js'
import type { Relationship } from './relationship.js'
import { planOrmSelect } from './select-plan.js'
import type { InstanceState } from './state.js'

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
  return runOrmSelect(host, stmt, params, { populateExisting, after: options.loaders !== false })
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
      await run.after({ populateExisting })
      return rows
    },
  }
}

/**
 * Loads `rel` for `parents` with a select-in load (those that have it unloaded, or all with
 * `populateExisting`) and returns the related objects' states. `tree` holds the options of the
 * related class; `path` is the way this load came (for the related class's own defaults).
 */
export function loadRelationship(
  host: QueryHost,
  parents: readonly InstanceState[],
  rel: Relationship<any>,
  populateExisting: boolean,
  tree: LoadTree = EMPTY_TREE,
  path: readonly Relationship<any>[] = [rel],
): Promise<InstanceState[]> {
  return loadRelated(afterRows(host, populateExisting), parents, rel, populateExisting, tree, path)
}
