/**
 * `jsonload`: the related rows travel as a JSON array in a column of the parent's row (the SQL
 * and the decoding are json-loading.ts); this is where the strategy takes part in planning and
 * after the rows.
 * @module
 */
import { addJsonColumn } from '../json-loading.js'
import type { LoadStrategy } from './load-strategy.js'
import { loadUnfilled } from './selectin.js'

/** A JSON array per parent row, built in SQL by a correlated subquery. */
export const json: LoadStrategy = Object.freeze({
  name: 'json',
  optionName: 'jsonload',
  loads: true,
  planColumn: addJsonColumn,
  afterRows: loadUnfilled,
} satisfies LoadStrategy)
