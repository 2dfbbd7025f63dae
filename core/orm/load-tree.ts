/**
 * Loader options as a tree per queried class: for each relationship, how it loads and the
 * options of the related class; for each class, which columns load. Also the columns a load
 * must always read. option-trees.ts builds the trees from a statement's options;
 * loaders/registry.ts says what a relationship's `lazy` falls back to.
 * @module
 */
import type { Alias } from '../sql/from-clauses.js'
import type { LoadStrategy } from './loaders/load-strategy.js'
import type { Mapper } from './mapper.js'
import type { Relationship } from './relationship.js'

/** How one relationship of a tree loads. */
export interface RelLoad {
  /** The option's strategy; undefined: the relationship's own `lazy` (defaultload). */
  strategy: LoadStrategy | undefined
  alias: Alias | undefined
  readonly tree: LoadTree
}

/** The options of one class along a path: its columns and its relationships. */
export class LoadTree {
  only: Set<string> | undefined = undefined
  readonly deferred = new Set<string>()
  readonly undeferred = new Set<string>()
  readonly rels = new Map<Relationship<any>, RelLoad>()
  get hasColumnOptions(): boolean {
    return this.only !== undefined || this.deferred.size > 0
  }
}

/** An empty tree, for loads without options. */
export const EMPTY_TREE: LoadTree = new LoadTree()

/** Column keys every load of `mapper` reads: the key, the discriminator, the version counter. */
function requiredKeys(mapper: Mapper): string[] {
  const out = [...mapper.pkKeys]
  if (mapper.polymorphicOn !== undefined) out.push(mapper.polymorphicOn)
  if (mapper.versionColumn !== undefined) out.push(mapper.versionColumn.key)
  return out
}

/**
 * The column keys to select for `mapper` (in table order): all of them without column options,
 * else what `loadOnly`/`defer`/`undefer` leave plus the required keys and `needed` (local
 * columns of relationships being loaded).
 */
export function columnKeysFor(mapper: Mapper, tree: LoadTree, needed: Iterable<string>): readonly string[] {
  if (!tree.hasColumnOptions) return mapper.columnKeys
  const keep = new Set(tree.only ?? mapper.columnKeys)
  for (const k of tree.deferred) keep.delete(k)
  for (const k of tree.undeferred) keep.add(k)
  for (const k of requiredKeys(mapper)) keep.add(k)
  for (const k of needed) keep.add(k)
  return mapper.columnKeys.filter((k) => keep.has(k))
}

/** The local columns a load of `rel` reads on the parent side. */
export function localKeys(rel: Relationship<any>): string[] {
  return rel.pairs.map(([local]) => local.key)
}
