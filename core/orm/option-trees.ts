/**
 * Builds the load trees (load-tree.ts) of a statement's loader options, one per queried class,
 * checking that each option's path goes through relationships of the classes it reaches.
 * @module
 */
import { ArgumentError } from '../errors.js'
import { LoadTree } from './load-tree.js'
import { isLoaderOption } from './loader-option-brand.js'
import type { LoaderOption } from './loader-options.js'
import type { Mapper } from './mapper.js'
import type { Relationship } from './relationship.js'

/** A statement's option that is a loader option (the others are not this module's). */
const isOption = (o: unknown): o is LoaderOption => isLoaderOption(o)

function belongsTo(rel: Relationship<any>, mapper: Mapper): boolean {
  return mapper.relationships.get(rel.key) === rel
}

function label(o: LoaderOption): string {
  const first = o.steps[0]
  return first !== undefined
    ? `${first.strategy?.optionName ?? 'defaultload'}(${first.rel})`
    : `loadOnly/defer/undefer(${o.columns!.columns.map((c) => `${c.table?.name}.${c.key}`).join(', ')})`
}

/**
 * Builds the trees of a statement's loader options, one per queried class. An option whose path
 * starts at no queried class is an ArgumentError (as in SQLAlchemy).
 */
export function buildTrees(options: readonly unknown[], mappers: readonly Mapper[]): Map<Mapper, LoadTree> {
  const trees = new Map<Mapper, LoadTree>()
  for (const o of options) {
    if (!isOption(o)) continue
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
      tree.rels.set(s.rel, (rl = { strategy: undefined, alias: undefined, tree: new LoadTree() }))
    if (s.strategy !== undefined) {
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
