/**
 * The ORM side of a select: rows of mapped classes become objects through the identity map,
 * then loader options run. `session.execute`, `session.stream` and the relationship loaders
 * come through here.
 * @module
 */
import type { ExecuteArgs } from '../engine/execution.js'

import type { Result } from '../result/result.js'
import type { Select } from '../sql/select.js'
import { applyLoaders, type RelationshipLoaderHost } from './loader-options.js'
import { type Hydrator, hydrateResult, mapRow, rowLayout } from './loading.js'
import type { Mapper } from './mapper.js'
import type { InstanceState } from './state.js'

/** One row's values. */
type Values = unknown[]

/** What an ORM select needs of the session. */
export interface QueryHost extends Hydrator, RelationshipLoaderHost {
  /** Runs a statement in the session's transaction, or on its own where the session holds none. */
  runRead(stmt: Select, params?: ExecuteArgs): Promise<Result<any>>
}

/** Runs an ORM select; undefined when `stmt` selects no mapped class (a plain select). */
export async function executeOrmSelect(
  host: QueryHost,
  stmt: Select,
  params?: ExecuteArgs,
  options: { readonly loaders?: boolean } = {},
): Promise<Result<any> | undefined> {
  const layout = rowLayout(stmt)
  if (layout === undefined) return undefined
  const populateExisting = stmt.executionOptionsMap.populateExisting === true
  const loaded = new Map<Mapper, InstanceState[]>()
  const raw = await host.runRead(stmt, params)
  const result = hydrateResult(host, layout, raw, { populateExisting }, loaded)
  if (options.loaders !== false) await applyLoaders(host, stmt, loaded, populateExisting)
  return result
}

/**
 * For a streamed ORM select: a function mapping each chunk of rows to rows of objects (loader
 * options run per chunk); undefined when `stmt` selects no mapped class.
 */
export function ormChunkMapper(
  host: QueryHost,
  stmt: Select,
): { readonly names: readonly string[]; map(chunk: Values[]): Promise<Values[]> } | undefined {
  const layout = rowLayout(stmt)
  if (layout === undefined) return undefined
  const populateExisting = stmt.executionOptionsMap.populateExisting === true
  return {
    names: layout.names,
    async map(chunk) {
      const loaded = new Map<Mapper, InstanceState[]>()
      const rows = chunk.map((v) => mapRow(host, layout, v, { populateExisting }, loaded))
      await applyLoaders(host, stmt, loaded, populateExisting)
      return rows
    },
  }
}
