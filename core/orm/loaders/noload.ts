/**
 * `noload`: the relationship is not loaded; after the rows it reads as an empty collection (or
 * null) on the loaded objects, without a query.
 * @module
 */
import { instrumentedList } from '../collections.js'
import type { LoadStrategy } from './load-strategy.js'

/** Marks the relationship empty on the loaded objects that have it unloaded. */
export const noload: LoadStrategy = Object.freeze({
  name: 'noload',
  optionName: 'noload',
  loads: false,
  // as a `lazy`, also along a path that holds the relationship: it runs no statement
  asLazy() {
    return noload
  },
  afterRows(_run, states, rel) {
    for (const s of states)
      if (!(rel.key in s.dict)) {
        s.dict[rel.key] = rel.uselist ? instrumentedList(s, rel, []) : null
        s.snapshotCollection(rel)
      }
  },
} satisfies LoadStrategy)
