/**
 * JSON-aggregation loading (`jsonload`): each parent row carries its related rows as one JSON
 * array built in SQL by a correlated scalar subquery, so a parent and its children come back in
 * one row and one round trip:
 *
 * - PostgreSQL: `(SELECT json_agg(json_build_array(p.id, ...) ORDER BY p.id) FROM posts AS p WHERE p.user_id = users.id)`
 * - SQLite: `json_group_array(json_array(...) ORDER BY ...)` (SQLite 3.44+)
 * - MySQL/MariaDB: `JSON_ARRAYAGG(JSON_ARRAY(...))`; MySQL 8 has no ORDER BY there, so the
 *   ordering values travel in each element and the children are sorted after decoding.
 *
 * Elements are arrays (no key names on the wire). Values are shaped in SQL so the codec of each
 * column's declared type reads them as it reads a plain column: 64-bit integers, decimals and
 * JSON documents travel as text (JSON numbers would lose digits), dates as text on MySQL.
 * Binary columns cannot travel in JSON and are refused.
 * @module
 */
import { type Decoder, decoderFor } from '../dialects/codecs.js'
import type { JsonAggregation } from '../dialects/dialect.js'
import { ArgumentError, UnsupportedCapabilityError } from '../errors.js'
import { and } from '../sql/constructors.js'
import { Cast, type ColumnElement, type ColumnRef, type FromClause, OrderByElement } from '../sql/elements.js'
import type { Alias } from '../sql/from-clauses.js'
import { FunctionCall } from '../sql/functions.js'
import { select } from '../sql/select.js'
import { CustomType, type SqlType, t } from '../sql/types.js'
import { relationshipOrder } from './joined-loading.js'
import { entitySpan } from './loading.js'
import type { Relationship } from './relationship.js'
import type { EntityNode, PlanContext } from './select-plan.js'

/** A relationship filled from a JSON column of its parent's row (or element). */
export interface JsonChild {
  readonly rel: Relationship<any>
  /** Where the JSON array is in the parent's row (or JSON element). */
  readonly index: number
  /** The related class; its span indexes the decoded element. */
  readonly node: EntityNode
  /** A decoder per element position (null: as it is; nested arrays decode themselves). */
  readonly decoders: readonly (Decoder | null)[]
  /** MySQL: sort the elements after decoding by these positions. */
  readonly sort: readonly SortKey[]
  /** The related rows a parent's row (or element) carries: the decoded elements of its JSON array. */
  elements(values: readonly unknown[]): unknown[][]
}

/** One ordering of elements sorted after decoding. */
interface SortKey {
  readonly index: number
  readonly desc: boolean
  readonly nullsFirst: boolean
}

function baseKind(type: SqlType): string {
  return type instanceof CustomType ? baseKind(type.base) : type.kind
}

/** The column as a JSON value its type's codec reads as it reads the plain column. */
function jsonValue(expr: ColumnElement, fns: JsonAggregation): ColumnElement {
  return fns.textKinds.has(baseKind(expr.type)) ? new Cast(expr, t.Text) : expr
}

function refuse(rel: Relationship<any>, what: string): never {
  throw new ArgumentError(`jsonload(${rel}) cannot carry ${what}; use selectinload(${rel}) for it`)
}

function col(source: Alias, key: string): ColumnRef {
  return (source.c as Record<string, ColumnRef>)[key]!
}

/**
 * Adds the JSON column of `rel` to `cols` and the node of the related class (whose own JSON
 * loads nest in its elements).
 */
export function addJsonColumn(
  ctx: PlanContext,
  node: EntityNode,
  rel: Relationship<any>,
  cols: ColumnElement[],
): void {
  const { column, child } = jsonColumn(ctx, node, rel, cols.length)
  cols.push(column)
  node.json.push(child)
}

function jsonColumn(
  ctx: PlanContext,
  parent: EntityNode,
  rel: Relationship<any>,
  index: number,
): { column: ColumnElement; child: JsonChild } {
  const fns = ctx.dialect.jsonAggregation
  if (fns === undefined)
    throw new UnsupportedCapabilityError(
      `${ctx.dialect.name} has no JSON aggregation for jsonload(${rel}); use selectinload(${rel})`,
    )
  const target = rel.target
  const node = ctx.node(target, parent.tree.rels.get(rel)?.tree, [...parent.path, rel], 'json')
  const alias = ctx.alias(target.table)
  node.span = entitySpan(target, 0, node.keys)
  node.column = (key) => col(alias, key)
  const elements: ColumnElement[] = []
  const decoders: (Decoder | null)[] = []
  for (const k of node.keys) {
    const c = col(alias, k)
    if (baseKind(c.type) === 'binary')
      refuse(
        rel,
        `${target.name}.${k}, a binary column (JSON has no bytes): defer it, jsonload(${rel}).defer(${target.name}.c.${k}), or`,
      )
    elements.push(jsonValue(c, fns))
    decoders.push(decoderFor(c.type))
  }
  for (const [inner, s] of node.strategies) s.planColumn?.(ctx, node, inner, elements)
  while (decoders.length < elements.length) decoders.push(null)
  let secondary: Alias | undefined
  let from: FromClause = alias
  let where: ColumnElement<boolean>[]
  if (rel.direction === 'many-to-many') {
    const sec = ctx.alias(rel.secondary!)
    secondary = sec
    from = alias.join(
      sec,
      and(...rel.secondaryPairs.map(([tk, s]) => col(sec, s.key).eq(col(alias, tk.key) as never))),
    )
    where = rel.pairs.map(([local, s]) => col(sec, s.key).eq(parent.column(local.key) as never))
  } else {
    where = rel.pairs.map(([local, remote]) => col(alias, remote.key).eq(parent.column(local.key) as never))
  }
  const order = relationshipOrder(rel, alias, secondary)
  const sort: SortKey[] = []
  if (!fns.ordered)
    for (const o of order) {
      const e = o instanceof OrderByElement ? o.element : o
      const desc = o instanceof OrderByElement && o.direction === 'desc'
      const nulls = o instanceof OrderByElement ? o.nulls : undefined
      sort.push({ index: elements.length, desc, nullsFirst: nulls === undefined ? !desc : nulls === 'first' })
      elements.push(jsonValue(e, fns))
      decoders.push(decoderFor(e.type))
    }
  if (elements.length > fns.maxArgs)
    refuse(
      rel,
      `${elements.length} values per element (${ctx.dialect.name} takes ${fns.maxArgs}): loadOnly some columns, or`,
    )
  const element = new FunctionCall(fns.element, elements, t.JSON())
  const agg = new FunctionCall(fns.agg, [element], t.JSON(), undefined, false, fns.ordered ? order : [])
  const column = select(agg)
    .selectFrom(from)
    .where(...where)
    .scalarSubquery()
  const child: JsonChild = {
    rel,
    index,
    node,
    decoders,
    sort,
    elements: (values) => decodeJsonArray(child, values[index]),
  }
  return { column, child }
}

/** Compares decoded values as MySQL orders them (NULL placement given by the caller). */
function compareValues(a: unknown, b: unknown): number {
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime()
  if (typeof a === 'string' && typeof b === 'string') {
    // code point order, as a binary collation compares UTF-8
    const n = Math.min(a.length, b.length)
    for (let i = 0; i < n; i++) {
      const x = a.codePointAt(i)!
      const y = b.codePointAt(i)!
      if (x !== y) return x - y
      if (x > 0xffff) i++
    }
    return a.length - b.length
  }
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint'))
    return a < b ? -1 : a > b ? 1 : 0
  const x = String(a)
  const y = String(b)
  return x < y ? -1 : x > y ? 1 : 0
}

/**
 * The decoded elements of a JSON column value: each element's values by its decoders, nested
 * arrays left for their own child, sorted where the database could not order them.
 */
export function decodeJsonArray(child: JsonChild, value: unknown): unknown[][] {
  if (value === null || value === undefined) return []
  const list = (typeof value === 'string' ? JSON.parse(value) : value) as unknown[][]
  const decoders = child.decoders
  const out = new Array<unknown[]>(list.length)
  for (let r = 0; r < list.length; r++) {
    const raw = list[r]!
    const values = new Array<unknown>(raw.length)
    for (let i = 0; i < raw.length; i++) {
      const v = raw[i]
      const d = decoders[i]
      values[i] = v === null || v === undefined ? null : d ? d(v) : v
    }
    out[r] = values
  }
  if (child.sort.length > 0)
    out.sort((x, y) => {
      for (const k of child.sort) {
        const a = x[k.index]
        const b = y[k.index]
        if (a === b) continue
        if (a === null) return k.nullsFirst ? -1 : 1
        if (b === null) return k.nullsFirst ? 1 : -1
        const c = compareValues(a, b)
        if (c !== 0) return k.desc ? -c : c
      }
      return 0
    })
  return out
}
