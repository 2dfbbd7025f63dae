/**
 * Loader options as a tree per queried class: for each relationship, how it loads and the
 * options of the related class; for each class, which columns load. Also the strategy a
 * relationship falls back to (its `lazy`) and the columns a load must always read.
 * @module
 */
import { ArgumentError } from '../errors.js'
import type { Alias } from '../sql/from-clauses.js'
import {
  type LoaderOption,
  LoaderOption as LoaderOptionClass,
  type LoaderStrategy,
} from './loader-options.js'
import type { Mapper } from './mapper.js'
import type { Relationship } from './relationship.js'

/** How one relationship of a tree loads. */
export interface RelLoad {
  strategy: LoaderStrategy
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

/** The strategies that read a relationship's local columns (which must then be loaded). */
const LOADING = new Set<LoaderStrategy>(['selectin', 'joined', 'json', 'containsEager'])

/** True when `strategy` loads rows of the related class. */
export function loads(strategy: LoaderStrategy | undefined): boolean {
  return strategy !== undefined && LOADING.has(strategy)
}

function belongsTo(rel: Relationship<any>, mapper: Mapper): boolean {
  return mapper.relationships.get(rel.key) === rel
}

function label(o: LoaderOption): string {
  const first = o.steps[0]
  return first !== undefined
    ? `${first.strategy === 'json' ? 'jsonload' : first.strategy === 'containsEager' ? 'containsEager' : `${first.strategy}load`}(${first.rel})`
    : `loadOnly/defer/undefer(${o.columns!.columns.map((c) => `${c.table?.name}.${c.key}`).join(', ')})`
}

/**
 * Builds the trees of a statement's loader options, one per queried class. An option whose path
 * starts at no queried class is an ArgumentError (as in SQLAlchemy).
 */
export function buildTrees(options: readonly unknown[], mappers: readonly Mapper[]): Map<Mapper, LoadTree> {
  const trees = new Map<Mapper, LoadTree>()
  for (const o of options) {
    if (!(o instanceof LoaderOptionClass)) continue
    const first = o.steps[0]
    const root = mappers.find((m) =>
      first !== undefined ? belongsTo(first.rel, m) : o.columns!.columns[0]!.table === m.table,
    )
    if (root === undefined)
      throw new ArgumentError(
        `${label(o)} does not apply to this select, which queries ${mappers.map((m) => m.name).join(', ') || 'no mapped class'}; start the option at one of them`,
      )
    let tree = trees.get(root)
    if (tree === undefined) trees.set(root, (tree = new LoadTree()))
    applyOption(o, tree, root)
  }
  return trees
}

function applyOption(o: LoaderOption, tree: LoadTree, mapper: Mapper): void {
  for (const s of o.steps) {
    if (!belongsTo(s.rel, mapper))
      throw new ArgumentError(`${label(o)}: ${s.rel} is not a relationship of ${mapper.name}`)
    let rl = tree.rels.get(s.rel)
    if (rl === undefined)
      tree.rels.set(s.rel, (rl = { strategy: 'default', alias: undefined, tree: new LoadTree() }))
    if (s.strategy !== 'default') {
      rl.strategy = s.strategy
      rl.alias = s.alias
    }
    tree = rl.tree
    mapper = s.rel.target
  }
  if (o.columns !== undefined) {
    const { kind, columns } = o.columns
    for (const c of columns) {
      if (c.table !== mapper.table || !mapper.columnSet.has(c.key))
        throw new ArgumentError(
          `${label(o)}: ${c.table?.name}.${c.key} is not a column of ${mapper.name} (${mapper.table.name})`,
        )
      if (kind === 'only') (tree.only ??= new Set()).add(c.key)
      else if (kind === 'defer') tree.deferred.add(c.key)
      else tree.undeferred.add(c.key)
    }
  }
  for (const n of o.nested) applyOption(n, tree, mapper)
}

/**
 * The strategy of `rel` in a load: the option's, else the relationship's `lazy`. A default
 * `selectin` or `joined` does not go round a cycle: not along a path that already holds the
 * relationship (nor, for `joined`, its other side).
 */
export function strategyFor(
  rel: Relationship<any>,
  rl: RelLoad | undefined,
  path: readonly Relationship<any>[],
): LoaderStrategy | undefined {
  if (rl !== undefined && rl.strategy !== 'default') return rl.strategy
  const lazy = rel.options.lazy ?? 'raise'
  if (lazy === 'raise') return undefined
  if (lazy === 'noload') return 'noload'
  if (path.includes(rel)) return undefined
  if (lazy === 'joined') {
    const back = rel.backRelationship
    if (back !== undefined && path.includes(back)) return undefined
  }
  return lazy
}

/** The strategies of `mapper`'s relationships that load or mark something in a load with `tree`. */
export function strategiesOf(
  mapper: Mapper,
  tree: LoadTree,
  path: readonly Relationship<any>[],
): Map<Relationship<any>, LoaderStrategy> {
  const out = new Map<Relationship<any>, LoaderStrategy>()
  for (const rel of mapper.relationshipList) {
    const s = strategyFor(rel, tree.rels.get(rel), path)
    if (s !== undefined) out.set(rel, s)
  }
  return out
}

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
