/**
 * Which fields of each node kind make up its statement-cache key, and how each is keyed: the
 * declaration the shape walk (core/dialects/statement-cache.ts `shapeOf`) reads, as SQLAlchemy's
 * `_traverse_internals`. One entry per {@link NodeKind}, so a new kind does not compile without
 * its declaration (docs/ARCHITECTURE.md, "Add a dialect feature").
 * @module
 */
import type { NodeKind, NodeOfKind } from './nodes.js'

/**
 * How a field enters the key. The walk throws on a value its keyer does not accept (a Set, a Map,
 * a function, a class instance that is not a node) instead of collapsing it.
 *
 * - `node`: a child node, or undefined
 * - `list`: an array of nodes, literals and nested arrays (CASE pairs, SET pairs, text parts)
 * - `literal`: a string, number or boolean, or undefined
 * - `type`: a `SqlType`, by everything about it that can change the SQL
 * - `options`: a plain object of keyable values (`forUpdate` options, an upsert's conflict clause)
 * - `value`: any of the above (a field typed as a union of them)
 * - `ref`: an object that only matters by identity within the statement (a CTE's identity)
 * - `slot`: a bind's value: a parameter slot, except that an empty IN list differs from a non-empty one
 * - `none`: not part of the key, on purpose (each says why)
 */
export type KeyField = 'node' | 'list' | 'literal' | 'type' | 'options' | 'value' | 'ref' | 'slot' | 'none'

/** The key declaration of a node class: its fields by name. */
export type CacheKeyFields<N> = { readonly [F in keyof N & string]?: KeyField }

/** One declaration per node kind. */
export type CacheKeyDeclarations = { readonly [K in NodeKind]: CacheKeyFields<NodeOfKind<K>> }

// The expression's type is keyed on every expression: it decides casts (and labels of CAST).
const typed = { type: 'type' } as const

/**
 * The fields that decide each node's SQL. A field left out of a declaration is not keyed; a
 * field whose value cannot change the SQL is written `none` with the reason, so a reader (and
 * test/unit/cache-key.test.ts, which fails on a node field no declaration names) sees it was
 * left out on purpose.
 */
export const cacheKeyFields: CacheKeyDeclarations = {
  // Keyed by the walk's leaf rule (name, type and FROM item, cached per column), as declared here.
  column: { table: 'node', name: 'literal', type: 'type', key: 'literal' },
  // `target` only checks the value written (never the SQL).
  bind: { key: 'literal', value: 'slot', type: 'type', expanding: 'literal', target: 'none' },
  binary: { left: 'node', operator: 'literal', right: 'node', ...typed },
  unary: { operand: 'node', operator: 'literal', position: 'literal', ...typed },
  boolean_list: { operator: 'literal', clauses: 'list', ...typed },
  concat: { parts: 'list', ...typed },
  in: { operand: 'node', values: 'value', negated: 'literal', ...typed },
  between: { operand: 'node', low: 'node', high: 'node', negated: 'literal', ...typed },
  like: {
    operand: 'node',
    pattern: 'node',
    escape: 'literal',
    caseInsensitive: 'literal',
    negated: 'literal',
    ...typed,
  },
  label: { name: 'literal', element: 'node', ...typed },
  cast: { element: 'node', ...typed },
  keyword: { word: 'literal', ...typed },
  grouping: { element: 'node', ...typed },
  case: { whens: 'list', else_: 'node', value: 'node', ...typed },
  order_by: { element: 'node', direction: 'literal', nulls: 'literal' },
  exists: { select: 'node', negated: 'literal', ...typed },
  scalar_subquery: { select: 'node', ...typed },
  text: { parts: 'list', ...typed },
  excluded: { column: 'node', ...typed },
  function: {
    name: 'literal',
    args: 'list',
    filterClause: 'node',
    distinct: 'literal',
    aggregateOrder: 'list',
    separator: 'literal',
    ...typed,
  },
  over: { fn: 'node', partitionBy: 'list', orderBy: 'list', ...typed },
  select: {
    // What was given to select(); the compiler reads the columns it resolves to (selectedColumns),
    // and a mapped class in it is a class, which the ORM plans (core/orm/select-plan.ts).
    args: 'none',
    explicitFroms: 'list',
    whereClause: 'node',
    groupByClauses: 'list',
    havingClause: 'node',
    orderByClauses: 'list',
    limitClause: 'node',
    offsetClause: 'node',
    distinctOn: 'value',
    forUpdateOptions: 'options',
    // ORM loader options never change this statement's SQL: the ORM plans them into a statement
    // of its own (core/orm/select-plan.ts, which drops them) and the compiler never reads them.
    loaderOptions: 'none',
    // Read by the session and the engine (populateExisting, yieldPer); the compiler reads no
    // execution option. One that changed the SQL would have to be keyed here.
    executionOptionsMap: 'none',
    selectedColumns: 'list',
    selectedNames: 'list',
  },
  compound: {
    operator: 'literal',
    selects: 'list',
    orderByClauses: 'list',
    limitClause: 'node',
    offsetClause: 'node',
    // The first select's, keyed with it.
    selectedColumns: 'none',
    selectedNames: 'none',
  },
  insert: {
    table: 'node',
    rows: 'list',
    columns: 'list',
    fromSelect: 'node',
    returningColumns: 'list',
    onConflict: 'options',
    // Read by the ORM (entityValues, synchronizeSession); the compiler reads no execution option.
    executionOptionsMap: 'none',
  },
  update: {
    table: 'node',
    // The SQL renders effectiveSet (set plus the onupdate columns), keyed below.
    set: 'none',
    whereClause: 'node',
    extraFroms: 'list',
    returningColumns: 'list',
    executionOptionsMap: 'none',
    effectiveSet: 'list',
  },
  delete: { table: 'node', whereClause: 'node', returningColumns: 'list', executionOptionsMap: 'none' },
  // Keyed by the walk's leaf rule: a table is its name (its columns are keyed where used).
  table: { name: 'literal' },
  // The columns and `.c` of FROM items follow from the element or select, keyed instead.
  alias: { element: 'node', name: 'literal', columns: 'none', c: 'none' },
  subquery: { select: 'node', name: 'literal', lateral: 'literal', columns: 'none', c: 'none' },
  cte: {
    select: 'node',
    name: 'literal',
    recursive: 'literal',
    // Which CTE nodes are one CTE in the WITH clause (a recursive CTE and its unionAll copy).
    identity: 'ref',
    generation: 'literal',
    columns: 'none',
    c: 'none',
  },
  join: { left: 'node', right: 'node', onclause: 'node', joinKind: 'literal', name: 'literal' },
  recursive_union: {
    operator: 'literal',
    anchor: 'node',
    recursivePart: 'node',
    name: 'literal',
    // The anchor's, keyed with it.
    selectedColumns: 'none',
    selectedNames: 'none',
  },
}
