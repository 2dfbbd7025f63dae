/**
 * `raiseload`: reading the relationship unloaded raises, even where memory could answer
 * (many-to-one). As a relationship's `lazy` (the default) nothing is marked: an unloaded
 * relationship raises anyway where memory cannot answer.
 * @module
 */
import type { LoadStrategy } from './load-strategy.js'

/** Marks the relationship to raise when read unloaded on the loaded objects. */
export const raise: LoadStrategy = Object.freeze({
  name: 'raise',
  optionName: 'raiseload',
  loads: false,
  asLazy() {
    return undefined
  },
  afterRows(_run, states, rel) {
    for (const s of states) (s.raiseOnLoad ??= new Set()).add(rel.key)
  },
} satisfies LoadStrategy)
