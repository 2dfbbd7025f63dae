/**
 * The closed set of node kinds: every `ClauseElement` declares one of these as its `kind`, and
 * the compiler's dispatch table and the statement cache's key declarations have one entry per
 * kind, so a new kind is a compile error until both handle it (docs/ARCHITECTURE.md,
 * "Add a dialect feature").
 * @module
 */

/** Kinds of the expression nodes (core/sql/elements.ts, core/sql/functions.ts). */
export type ExpressionKind =
  | 'column'
  | 'bind'
  | 'binary'
  | 'unary'
  | 'boolean_list'
  | 'concat'
  | 'in'
  | 'between'
  | 'like'
  | 'label'
  | 'cast'
  | 'keyword'
  | 'grouping'
  | 'case'
  | 'order_by'
  | 'exists'
  | 'scalar_subquery'
  | 'text'
  | 'excluded'
  | 'function'
  | 'over'

/** Kinds of the statements (core/sql/select.ts, core/sql/dml.ts). */
export type StatementKind = 'select' | 'compound' | 'insert' | 'update' | 'delete'

/** Kinds of the FROM items (core/sql/from-clauses.ts; `table` is core/schema's `Table`). */
export type FromKind = 'table' | 'alias' | 'subquery' | 'cte' | 'join' | 'recursive_union'

/** Every node kind. */
export type NodeKind = ExpressionKind | StatementKind | FromKind
