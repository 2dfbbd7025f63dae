/**
 * The loader strategies by name, and the strategy of a relationship in a load: its loader
 * option's, else the one its `lazy` names. `lazy: 'selectin'` resolves here; a name the
 * registry does not know is an ArgumentError, never a silent select-in. A strategy of one's own
 * joins with one call of {@link registerLoadStrategy} (docs/ARCHITECTURE.md, "Add a loader strategy").
 * @module
 */
import { ArgumentError } from '../../errors.js'
import type { LoadTree, RelLoad } from '../load-tree.js'
import type { Mapper } from '../mapper.js'
import type { Relationship } from '../relationship.js'
import { joined } from './joined.js'
import type { LoadStrategy } from './load-strategy.js'
import { noload } from './noload.js'
import { raise } from './raise.js'
import { selectin } from './selectin.js'

// Filled here, not by importing a strategy's module (the package has no import side effects).
// Only what `lazy` can name: jsonload() and containsEager() carry their strategies themselves, so
// a Worker that never calls them does not bundle the JSON or contains-eager loaders.
const strategies = new Map<string, LoadStrategy>([selectin, joined, raise, noload].map((s) => [s.name, s]))

/** Makes `strategy` known by its name (for `relationship(..., { lazy: name })`). */
export function registerLoadStrategy(strategy: LoadStrategy): void {
  const known = strategies.get(strategy.name)
  if (known !== undefined && known !== strategy)
    throw new ArgumentError(`A loader strategy named '${strategy.name}' is already registered`)
  strategies.set(strategy.name, strategy)
}

/** The strategy named `name`; an ArgumentError naming it (and `rel`) when none is. */
export function loadStrategyNamed(name: string, rel?: Relationship<any>): LoadStrategy {
  const found = strategies.get(name)
  if (found === undefined)
    throw new ArgumentError(
      `${rel === undefined ? '' : `${rel}: `}unknown loader strategy '${name}' (known: ${[...strategies.keys()].join(', ')})`,
    )
  return found
}

/**
 * The strategy of `rel` in a load: the option's, else the relationship's `lazy` (by default
 * `'raise'`: nothing to do), which does not go round a cycle along `path`.
 */
export function strategyFor(
  rel: Relationship<any>,
  rl: RelLoad | undefined,
  path: readonly Relationship<any>[],
): LoadStrategy | undefined {
  if (rl?.strategy !== undefined) return rl.strategy
  const lazy = loadStrategyNamed(rel.options.lazy ?? 'raise', rel)
  if (lazy.asLazy !== undefined) return lazy.asLazy(rel, path)
  return path.includes(rel) ? undefined : lazy
}

/** The strategies of `mapper`'s relationships that load or mark something in a load with `tree`. */
export function strategiesOf(
  mapper: Mapper,
  tree: LoadTree,
  path: readonly Relationship<any>[],
): Map<Relationship<any>, LoadStrategy> {
  const out = new Map<Relationship<any>, LoadStrategy>()
  for (const rel of mapper.relationshipList) {
    const s = strategyFor(rel, tree.rels.get(rel), path)
    if (s !== undefined) out.set(rel, s)
  }
  return out
}
