/**
 * The SQL of joined eager loading (`joinedload`, loaders/joined.ts): the related table joins the
 * statement as a LEFT OUTER JOIN of a fresh alias (so a self-referential or repeated table
 * works), its columns follow the parent's, and a collection's order is added to the ORDER BY so
 * each collection fills in order. `containsEager` reuses joins the statement already makes.
 * @module
 */
import type { Column } from '../schema/column.js'
import type { Table } from '../schema/table.js'
import { and } from '../sql/constructors.js'
import {
  type ClauseElement,
  ColumnElement,
  ColumnRef,
  type FromClause,
  OrderByElement,
} from '../sql/elements.js'
import { type Alias, joinOf } from '../sql/from-clauses.js'
import type { OrderByArg } from '../sql/select.js'
import { entitySpan } from './loading.js'
import type { Relationship } from './relationship.js'
import type { EntityNode, PlanContext } from './select-plan.js'

/** A relationship filled from the same rows as its parent. */
export interface JoinedChild {
  readonly rel: Relationship<any>
  /** The planner joins it (joinedload); false: a FROM item of the statement's own (containsEager). */
  readonly joins: boolean
  readonly node: EntityNode
  /** The child is also a class the statement queries (`select(User, Address)`): filled, not walked. */
  readonly reused: boolean
}

/** True when a joinedload of a collection hangs below `node` (what LIMIT must not count). */
export function joinsCollection(node: EntityNode): boolean {
  return node.joined.some((j) => j.joins && (j.rel.uselist || joinsCollection(j.node)))
}

/** True when the rows repeat `node`'s object once per related row (joined or contains-eager collections). */
export function repeatsRows(node: EntityNode): boolean {
  return node.joined.some((j) => j.rel.uselist || (!j.reused && repeatsRows(j.node)))
}

/** The SQL being built: FROM items, selected columns, ORDER BY. */
export interface JoinTarget {
  readonly froms: FromClause[]
  readonly cols: ColumnElement[]
  readonly orderBy: OrderByArg[]
}

/**
 * Rewrites column references of an expression (`orderBy` of a relationship) to another FROM
 * item's columns: `posts.created_at` to `posts_1.created_at`. Nodes are copied, never changed.
 */
export function adaptColumns<E extends ClauseElement>(
  expr: E,
  map: (col: ColumnRef) => ColumnRef | undefined,
): E {
  if (expr instanceof ColumnRef) return (map(expr) ?? expr) as unknown as E
  if (!(expr instanceof ColumnElement) && !(expr instanceof OrderByElement)) return expr
  let changed = false
  const copy = Object.create(Object.getPrototypeOf(expr)) as Record<string, unknown>
  for (const [k, v] of Object.entries(expr)) {
    let next = v
    if (v instanceof ColumnElement || v instanceof OrderByElement) next = adaptColumns(v, map)
    else if (Array.isArray(v)) {
      const list = v.map((x) =>
        x instanceof ColumnElement || x instanceof OrderByElement ? adaptColumns(x, map) : x,
      )
      if (list.some((x, i) => x !== v[i])) next = list
    }
    if (next !== v) changed = true
    copy[k] = next
  }
  return changed ? (Object.freeze(copy) as unknown as E) : expr
}

/** Maps the columns of `table` to those of `alias` (by key), for {@link adaptColumns}. */
export function toAlias(
  pairs: readonly (readonly [Table, Alias])[],
): (col: ColumnRef) => ColumnRef | undefined {
  return (col) => {
    for (const [table, alias] of pairs)
      if (col.table === table) return (alias.c as Record<string, ColumnRef>)[col.key]
    return undefined
  }
}

/** The ORDER BY of a relationship's rows on aliases: its `orderBy`, then the related key. */
export function relationshipOrder(
  rel: Relationship<any>,
  target: Alias,
  secondary: Alias | undefined,
): OrderByArg[] {
  const pairs: (readonly [Table, Alias])[] = [[rel.target.table, target]]
  if (secondary !== undefined) pairs.push([rel.secondary!, secondary])
  const map = toAlias(pairs)
  const out: OrderByArg[] = rel.orderBy.map((o) => adaptColumns(o, map))
  for (const pk of rel.target.pkColumns) out.push((target.c as Record<string, ColumnRef>)[pk.key]!)
  return out
}

function eqAll(pairs: readonly (readonly [ColumnElement, ColumnElement])[]): ColumnElement<boolean> {
  return and(...pairs.map(([a, b]) => a.eq(b as never)))!
}

/** Joins `build(item)` onto the FROM item that holds `source`, or adds it as a new FROM item. */
function attach(froms: FromClause[], source: FromClause, build: (left: FromClause) => FromClause): void {
  const i = froms.findIndex((f) => f.fromTables().includes(source))
  if (i >= 0) froms[i] = build(froms[i]!)
  else froms.push(build(source))
}

function col(source: Alias, key: string): ColumnRef {
  return (source.c as Record<string, ColumnRef>)[key]!
}

/**
 * Adds the SQL of the joined loads below `node`: a LEFT OUTER JOIN per relationship (through an
 * alias of the secondary table for many-to-many), the child's columns, its collection order.
 * `from` is the FROM item the parent's columns belong to.
 */
export function addJoinedLoads(
  ctx: PlanContext,
  target: JoinTarget,
  node: EntityNode,
  from: FromClause,
): void {
  for (const j of node.joined) {
    if (!j.joins) continue
    const { rel, node: child } = j
    const alias = ctx.alias(rel.target.table)
    let secondary: Alias | undefined
    if (rel.direction === 'many-to-many') {
      const sec = ctx.alias(rel.secondary!)
      secondary = sec
      const toSecondary = eqAll(rel.pairs.map(([local, s]) => [col(sec, s.key), node.column(local.key)]))
      const toTarget = eqAll(rel.secondaryPairs.map(([t, s]) => [col(alias, t.key), col(sec, s.key)]))
      attach(target.froms, from, (left) =>
        joinOf(joinOf(left, sec, toSecondary, 'left'), alias, toTarget, 'left'),
      )
    } else {
      // many-to-one: [local foreign key, target key]; one-to-many: [local key, target foreign key]
      const on = eqAll(
        rel.pairs.map(([local, remote]: readonly [Column<any, any>, Column<any, any>]) => [
          col(alias, remote.key),
          node.column(local.key),
        ]),
      )
      attach(target.froms, from, (left) => joinOf(left, alias, on, 'left'))
    }
    child.span = entitySpan(child.mapper, target.cols.length, child.keys)
    child.column = (key) => col(alias, key)
    for (const k of child.keys) target.cols.push(col(alias, k))
    if (rel.uselist) target.orderBy.push(...relationshipOrder(rel, alias, secondary))
    addJoinedLoads(ctx, target, child, alias)
  }
}
