/**
 * `containsEager`: the relationship is filled from joins the statement itself makes: the related
 * columns come from its FROM item (the related table, or the alias given) and are added to the
 * SELECT; a class the statement already queries is reused.
 * @module
 */
import { ArgumentError } from '../../errors.js'
import type { ColumnElement } from '../../sql/elements.js'
import type { ColumnsSource } from '../../sql/from-clauses.js'
import { entitySpan } from '../loading.js'
import type { Relationship } from '../relationship.js'
import type { EntityNode, PlanContext } from '../select-plan.js'
import type { LoadStrategy } from './load-strategy.js'

function planFromStatement(
  ctx: PlanContext,
  node: EntityNode,
  rel: Relationship<any>,
  top: readonly EntityNode[],
  cols: ColumnElement[],
): void {
  const rl = node.tree.rels.get(rel)
  const source: ColumnsSource = rl?.alias ?? rel.target.table
  const same = top.find((n) => n !== node && n.mapper === rel.target && n.source === source)
  if (same !== undefined) {
    node.joined.push({ rel, joins: false, node: same, reused: true })
    return
  }
  const child = ctx.node(rel.target, rl?.tree, [...node.path, rel], 'row')
  child.source = source
  child.span = entitySpan(child.mapper, cols.length, child.keys)
  const c = source.c as Record<string, ColumnElement>
  for (const k of child.keys) cols.push(c[k]!)
  node.joined.push({ rel, joins: false, node: child, reused: false })
  for (const [inner, s] of child.strategies) s.planFromStatement?.(ctx, child, inner, top, cols)
}

/** Fills a relationship from the statement's own joins. */
export const containsEager: LoadStrategy = Object.freeze({
  name: 'containsEager',
  optionName: 'containsEager',
  loads: true,
  place(rel, { where, nested, path }) {
    if (where === 'json')
      throw new ArgumentError(
        `containsEager(${rel}) cannot follow a jsonload: its rows are inside a JSON array; use jsonload or selectinload for it`,
      )
    if (nested)
      throw new ArgumentError(
        `containsEager(${rel}) fills a relationship from joins written in the statement; it can only follow containsEager or start an option`,
      )
    if (where === 'join')
      throw new ArgumentError(
        `containsEager(${rel}) cannot follow joinedload(${path.at(-1)}): the statement does not join that alias; use joinedload`,
      )
    return containsEager
  },
  planFromStatement,
} satisfies LoadStrategy)
