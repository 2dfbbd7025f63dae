/**
 * The closed union of node classes, one per {@link NodeKind}, and the dispatch-table type the
 * compiler and the statement cache fill: `{ [K in NodeKind]: ... }`, so a kind without its entry
 * does not compile (docs/ARCHITECTURE.md, "Add a dialect feature").
 * @module
 */
import type { Delete, Insert, Update } from './dml.js'
import type { DmlTable } from './dml-target.js'
import type {
  Between,
  BinaryExpression,
  BindParam,
  BooleanList,
  Case,
  Cast,
  ClauseElement,
  ColumnRef,
  Concat,
  ExcludedColumn,
  Exists,
  Grouping,
  InList,
  Keyword,
  Label,
  Like,
  OrderByElement,
  ScalarSubquery,
  TextClause,
  UnaryExpression,
} from './elements.js'
import type { Alias, CTE, Join, RecursiveUnion, Subquery } from './from-clauses.js'
import type { FunctionCall, Over } from './functions.js'
import type { ExpressionKind, FromKind, NodeKind, StatementKind } from './node-kind.js'
import type { CompoundSelect, Select } from './select.js'

export type { ExpressionKind, FromKind, NodeKind, StatementKind }

/** A DML statement of any table and any RETURNING row, as the compiler sees it. */
export type AnyInsert = Insert<DmlTable, readonly unknown[]>
export type AnyUpdate = Update<DmlTable, readonly unknown[]>
export type AnyDelete = Delete<DmlTable, readonly unknown[]>

/** Every node the compiler renders, discriminated by `kind`. */
export type SqlNode =
  | ColumnRef
  | BindParam
  | BinaryExpression
  | UnaryExpression
  | BooleanList
  | Concat
  | InList
  | Between
  | Like
  | Label
  | Cast
  | Keyword
  | Grouping
  | Case
  | OrderByElement
  | Exists
  | ScalarSubquery
  | TextClause
  | ExcludedColumn
  | FunctionCall
  | Over
  | Select
  | CompoundSelect
  | AnyInsert
  | AnyUpdate
  | AnyDelete
  | DmlTable
  | Alias
  | Subquery
  | CTE
  | Join
  | RecursiveUnion

/** The node class of kind `K`. */
export type NodeOfKind<K extends NodeKind> = Extract<SqlNode, { readonly kind: K }>

/** A FROM item: the nodes of a {@link FromKind}. */
export type FromNode = NodeOfKind<FromKind>

/**
 * A dispatch table: one entry per node kind, each receiving its own kind's node (and `context`,
 * the compiler that dispatches). A table missing a kind is a compile error.
 */
export type NodeVisitors<Context, R = void> = {
  readonly [K in NodeKind]: (context: Context, node: NodeOfKind<K>) => R
}

/** The same over the FROM kinds only. */
export type FromVisitors<Context, R = void> = {
  readonly [K in FromKind]: (context: Context, node: NodeOfKind<K>) => R
}

/**
 * A node as the closed union, to narrow by `kind`. Sound because every `ClauseElement` declares
 * a {@link NodeKind} and is (or extends, as core/schema's `Column` and `Table` do) the member of
 * {@link SqlNode} of that kind: checked below and by test/types/node-kinds.test-d.ts.
 */
export function asNode(node: ClauseElement): SqlNode {
  return node as SqlNode
}

// Each kind has exactly one node class in the union, and each class's kind is in NodeKind.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const kindsMatch: Same<SqlNode['kind'], NodeKind> = true
void kindsMatch
