/**
 * `joinedload`: the related table joins the parent's statement (a LEFT OUTER JOIN of a fresh
 * alias) and the related objects are filled from the same rows. The SQL of the joins is
 * joined-loading.ts; this is where the strategy takes part in planning and after the rows.
 * @module
 */
import { ArgumentError } from '../../errors.js'
import type { Relationship } from '../relationship.js'
import type { EntityNode, PlanContext } from '../select-plan.js'
import type { LoadStrategy } from './load-strategy.js'
import { loadUnfilled, selectin } from './selectin.js'

/** Adds the node of `rel` below `node` (joined by the planner), then the joined loads below it. */
function planJoin(ctx: PlanContext, node: EntityNode, rel: Relationship<any>): void {
  const child = ctx.node(rel.target, node.tree.rels.get(rel)?.tree, [...node.path, rel], 'join')
  node.joined.push({ rel, joins: true, node: child, reused: false })
  for (const [inner, s] of child.strategies) s.planJoin?.(ctx, child, inner)
}

/** A LEFT OUTER JOIN in the parent's statement; rows repeat the parent once per related row. */
export const joined: LoadStrategy = Object.freeze({
  name: 'joined',
  optionName: 'joinedload',
  loads: true,
  // a default joined load does not go round a cycle, nor back along the relationship it came by
  asLazy(rel, path) {
    const back = rel.backRelationship
    return path.includes(rel) || (back !== undefined && path.includes(back)) ? undefined : joined
  },
  place(rel, { where, streaming, explicit }) {
    if (where === 'json') {
      if (explicit)
        throw new ArgumentError(
          `joinedload(${rel}) cannot follow a jsonload: its rows are inside a JSON array; use jsonload or selectinload for it`,
        )
      return selectin
    }
    // a collection joined by default would repeat parents across chunks of a stream
    return streaming && rel.uselist && !explicit ? selectin : joined
  },
  planJoin,
  afterRows: loadUnfilled,
} satisfies LoadStrategy)
