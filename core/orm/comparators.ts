/**
 * Relationship comparators for WHERE clauses, as in SQLAlchemy: `User.addresses.any(...)`,
 * `Address.user.has(...)`, `User.addresses.contains(address)`, `Address.user.eq(user)`. They
 * compile to correlated EXISTS subqueries or to comparisons of foreign key columns.
 * @module
 */
import { ArgumentError } from '../errors.js'
import type { Column } from '../schema/column.js'
import type { Table } from '../schema/table.js'
import { and, exists } from '../sql/constructors.js'
import type { ColumnElement } from '../sql/elements.js'
import type { ColumnsSource } from '../sql/from-clauses.js'
import { select } from '../sql/select.js'
import type { Relationship } from './relationship.js'
import { stateOf } from './state.js'

/** The related rows inside a comparator's subquery: their columns by attribute key. */
export interface RelatedRows {
  readonly c: Readonly<Record<string, ColumnElement<any>>>
}

/** A condition on the related rows: an expression, or a function of them (needed when a table refers to itself). */
export type RelatedCriterion = ColumnElement<boolean> | ((related: RelatedRows) => ColumnElement<boolean>)

/** The related table as the subquery reads it: an alias when the relationship refers to its own table. */
function relatedSource(rel: Relationship<any>): {
  source: ColumnsSource
  col(c: Column<any, any>): ColumnElement<any>
} {
  const table = rel.target.table
  if (table !== rel.parent.table) return { source: table, col: (c) => c }
  const alias = table.alias(`${table.name}_related`)
  const cols = alias.c as Record<string, ColumnElement<any>>
  return { source: alias, col: (c) => cols[c.key]! }
}

function criterionOf(
  criterion: RelatedCriterion | undefined,
  rows: RelatedRows,
): ColumnElement<boolean> | undefined {
  if (criterion === undefined) return undefined
  return typeof criterion === 'function' ? criterion(rows) : criterion
}

function rowsOf(source: ColumnsSource): RelatedRows {
  return { c: source.c as Record<string, ColumnElement<any>> }
}

/** `EXISTS (a related row [matching criterion])` for a one-to-many or many-to-many relationship. */
export function anyRelated(rel: Relationship<any>, criterion?: RelatedCriterion): ColumnElement<boolean> {
  if (!rel.uselist && rel.direction !== 'one-to-many')
    throw new ArgumentError(`${rel}.any() is for collections; use ${rel}.has() for a many-to-one`)
  const { source, col } = relatedSource(rel)
  const extra = criterionOf(criterion, rowsOf(source))
  const pk = rel.target.pkColumns.map(col)
  if (rel.direction === 'one-to-many') {
    const join = rel.pairs.map(([local, fk]) => col(fk).eq(local as never))
    return exists(
      select(...pk)
        .selectFrom(source)
        .where(and(...join, extra)),
    )
  }
  const secondary = rel.secondary as Table
  const link = [
    ...rel.pairs.map(([local, sec]) => sec.eq(local as never)),
    ...rel.secondaryPairs.map(([remote, sec]) => col(remote).eq(sec as never)),
  ]
  return exists(
    select(...pk)
      .selectFrom(source, secondary)
      .where(and(...link, extra)),
  )
}

/** `EXISTS (the related row [matching criterion])` for a many-to-one relationship. */
export function hasRelated(rel: Relationship<any>, criterion?: RelatedCriterion): ColumnElement<boolean> {
  if (rel.direction !== 'many-to-one')
    throw new ArgumentError(`${rel}.has() is for a many-to-one; use ${rel}.any() for a collection`)
  const { source, col } = relatedSource(rel)
  const join = rel.pairs.map(([fk, remote]) => col(remote).eq(fk as never))
  const extra = criterionOf(criterion, rowsOf(source))
  return exists(
    select(...rel.target.pkColumns.map(col))
      .selectFrom(source)
      .where(and(...join, extra)),
  )
}

function keyOf(rel: Relationship<any>, obj: object, column: Column<any, any>): unknown {
  const state = stateOf(obj)
  if (state === undefined || !state.mapper.isA(rel.target))
    throw new ArgumentError(`${rel}: expected a ${rel.target.name}`)
  const i = state.mapper.pkKeys.indexOf(column.key)
  const v = i >= 0 && state.identity !== undefined ? state.identity[i] : state.dict[column.key]
  if (v === undefined || v === null)
    throw new ArgumentError(
      `${rel}: the ${rel.target.name} has no ${column.key} yet (flush or commit it first)`,
    )
  return v
}

/** Rows whose collection holds `obj`. */
export function containsRelated(rel: Relationship<any>, obj: object): ColumnElement<boolean> {
  if (rel.direction === 'many-to-one')
    throw new ArgumentError(`${rel}.contains() is for collections; use ${rel}.eq()`)
  if (rel.direction === 'one-to-many')
    return and(...rel.pairs.map(([local, fk]) => local.eq(keyOf(rel, obj, fk) as never)))!
  const secondary = rel.secondary as Table
  const link = [
    ...rel.pairs.map(([local, sec]) => sec.eq(local as never)),
    ...rel.secondaryPairs.map(([remote, sec]) => sec.eq(keyOf(rel, obj, remote) as never)),
  ]
  return exists(
    select(...rel.secondaryPairs.map(([, sec]) => sec))
      .selectFrom(secondary)
      .where(and(...link)),
  )
}

/** Rows whose many-to-one refers to `obj` (or to nothing, for null). */
export function refersTo(rel: Relationship<any>, obj: object | null): ColumnElement<boolean> {
  if (rel.direction !== 'many-to-one')
    throw new ArgumentError(`${rel}.eq() is for a many-to-one; use ${rel}.contains()`)
  if (obj === null) return and(...rel.pairs.map(([fk]) => fk.isNull()))!
  return and(...rel.pairs.map(([fk, remote]) => fk.eq(keyOf(rel, obj, remote) as never)))!
}
