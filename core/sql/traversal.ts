import { ClauseElement, ColumnRef, type FromClause } from './elements.js'
import type { CTE } from './from-clauses.js'
import { FunctionCall } from './functions.js'

/** Node kinds whose inner selects are separate scopes (their tables are not the outer select's). */
const nestedScopes = new Set([
  'select',
  'compound',
  'exists',
  'scalar_subquery',
  'subquery',
  'cte',
  'recursive_union',
])
/** FROM kinds referenced through a column whose inner parts are not walked for tables. */
const leafFroms = new Set(['table', 'alias', 'subquery', 'cte'])

/** Calls `visit` for each direct child node of `node`, in property order. */
export function forEachChild(node: ClauseElement, visit: (child: ClauseElement) => void): void {
  for (const value of Object.values(node)) {
    if (value instanceof ClauseElement) visit(value)
    else if (Array.isArray(value)) visitArray(value, visit)
  }
}

function visitArray(values: readonly unknown[], visit: (child: ClauseElement) => void): void {
  for (const v of values) {
    if (v instanceof ClauseElement) visit(v)
    else if (Array.isArray(v)) visitArray(v, visit)
  }
}

/** The FROM items (tables, aliases, subqueries, CTEs) that columns in `exprs` belong to, in first-use order. */
export function tablesReferenced(exprs: readonly ClauseElement[]): FromClause[] {
  const found: FromClause[] = []
  const seen = new Set<FromClause>()
  const walk = (node: ClauseElement) => {
    if (node instanceof ColumnRef) {
      const t = node.table
      if (t !== undefined && !seen.has(t)) {
        seen.add(t)
        found.push(t)
      }
      return
    }
    if (nestedScopes.has(node.kind) || node.kind === 'join' || leafFroms.has(node.kind)) return
    forEachChild(node, walk)
  }
  for (const e of exprs) walk(e)
  return found
}

/** Whether `exprs` aggregate rows: an aggregate call outside subqueries and windows (`OVER`). */
export function containsAggregate(exprs: readonly ClauseElement[]): boolean {
  const walk = (node: ClauseElement): boolean => {
    if (node instanceof FunctionCall && node.isAggregate) return true
    if (
      nestedScopes.has(node.kind) ||
      node.kind === 'over' ||
      leafFroms.has(node.kind) ||
      node instanceof ColumnRef
    )
      return false
    let found = false
    forEachChild(node, (child) => {
      found ||= walk(child)
    })
    return found
  }
  return exprs.some(walk)
}

/**
 * Every CTE a statement uses, anywhere, innermost dependencies first; a recursive CTE and the copy
 * `unionAll()` made of it count once (the most complete one).
 */
export function collectCtes(stmt: ClauseElement): CTE[] {
  const byIdentity = new Map<object, CTE>()
  const order: object[] = []
  const visited = new Set<ClauseElement>()
  const walk = (node: ClauseElement) => {
    if (visited.has(node)) return
    visited.add(node)
    if (node instanceof ColumnRef) {
      if (node.table !== undefined) walk(node.table)
      return
    }
    if (node.kind === 'table') return
    if (node.kind === 'cte') {
      const cte = node as CTE
      forEachChild(cte.select as unknown as ClauseElement, walk)
      walk(cte.select as unknown as ClauseElement)
      const prev = byIdentity.get(cte.identity)
      if (prev === undefined) order.push(cte.identity)
      if (prev === undefined || prev.generation < cte.generation) byIdentity.set(cte.identity, cte)
      return
    }
    forEachChild(node, walk)
  }
  walk(stmt)
  return order.map((id) => byIdentity.get(id)!)
}
