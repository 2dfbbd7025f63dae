/**
 * Plans an ORM select: which columns of each queried class it reads (loadOnly/defer), the joins
 * and columns of joined and contains-eager loads, the JSON columns of jsonload, and the subquery
 * that keeps `limit()` counting parents. The result is the Core statement to run and where each
 * object sits in its rows. Each relationship's strategy (loaders/) takes part through its
 * planning stages: from the statement's own FROM items, joins, then columns of the row.
 * @module
 */
import type { Dialect } from '../dialects/dialect.js'
import { ArgumentError } from '../errors.js'
import type { Table } from '../schema/table.js'
import { type ColumnElement, OrderByElement } from '../sql/elements.js'
import { type Alias, ColumnsSource } from '../sql/from-clauses.js'
import {
  dedupeNames,
  resolveClauseElement,
  type Select,
  Select as SelectClass,
  select,
} from '../sql/select.js'
import { withInheritanceCriteria } from './inheritance.js'
import {
  addJoinedLoads,
  type JoinedChild,
  type JoinTarget,
  joinsCollection,
  repeatsRows,
} from './joined-loading.js'
import type { JsonChild } from './json-loading.js'
import { columnKeysFor, EMPTY_TREE, type LoadTree, localKeys } from './load-tree.js'
import type { LoadStrategy, Placement } from './loaders/load-strategy.js'
import { strategiesOf } from './loaders/registry.js'
import { type EntitySpan, entitySpan } from './loading.js'
import { isEntity, type Mapper, mapperOf } from './mapper.js'
import { buildTrees } from './option-trees.js'
import type { Relationship } from './relationship.js'

/** One class loaded in the rows of a statement (queried, joined, or inside a JSON array). */
export interface EntityNode {
  readonly mapper: Mapper
  readonly tree: LoadTree
  /** The relationships that led here from the statement's classes. */
  readonly path: readonly Relationship<any>[]
  /** The column keys read, in table order. */
  readonly keys: readonly string[]
  /** How each relationship that loads (or is marked) loads. */
  readonly strategies: ReadonlyMap<Relationship<any>, LoadStrategy>
  /** Where the object's columns are: in the row, or in its JSON element. */
  span: EntitySpan
  /** The FROM item its columns come from (a table or an alias), while planning. */
  source: ColumnsSource | undefined
  /** Its column `key` as the statement reads it (through aliases and the limited subquery). */
  column: (key: string) => ColumnElement
  /** Relationships filled from the same rows (joinedload, containsEager). */
  readonly joined: JoinedChild[]
  /** Relationships filled from a JSON column of the row (jsonload). */
  readonly json: JsonChild[]
}

/** A planned ORM select. */
export interface OrmPlan {
  /** The Core statement to run (the given one when no option changes its SQL). */
  readonly statement: Select
  /** For each output position: an entity node, or the index of a plain column in the row. */
  readonly outputs: readonly (EntityNode | number)[]
  readonly names: readonly string[]
  /** Every entity node, parents before children. */
  readonly nodes: readonly EntityNode[]
  /** Joined collections repeat parent rows: the rows are made unique. */
  readonly unique: boolean
}

/** What building the SQL of a plan shares. */
export interface PlanContext {
  readonly dialect: Dialect
  /** A fresh alias of `table` (`posts_1`, `posts_2`...: the names stay the same per statement shape). */
  alias(table: Table): Alias
  /** A node for `mapper` loaded along `path` with `tree`'s options (none when undefined). */
  node(
    mapper: Mapper,
    tree: LoadTree | undefined,
    path: readonly Relationship<any>[],
    where: Placement['where'],
  ): EntityNode
  /** Every node made, in order. */
  readonly nodes: EntityNode[]
}

function makeContext(dialect: Dialect, nested: boolean, streaming: boolean): PlanContext {
  let n = 0
  const nodes: EntityNode[] = []
  return {
    dialect,
    nodes,
    alias: (table) => table.alias(`${table.name.slice(0, 40)}_${++n}`),
    node(mapper, given, path, where) {
      const tree = given ?? EMPTY_TREE
      const strategies = strategiesOf(mapper, tree, path)
      const needed: string[] = []
      for (const [rel, s] of strategies) {
        const explicit = tree.rels.get(rel)?.strategy === s
        const placed = s.place?.(rel, { where, nested, streaming, explicit, path }) ?? s
        strategies.set(rel, placed)
        if (placed.loads) needed.push(...localKeys(rel))
      }
      const node: EntityNode = {
        mapper,
        tree,
        path,
        keys: columnKeysFor(mapper, tree, needed),
        strategies,
        span: undefined as unknown as EntitySpan,
        source: undefined,
        column: () => {
          throw new ArgumentError(`${mapper.name} is not in this statement's FROM clause`)
        },
        joined: [],
        json: [],
      }
      nodes.push(node)
      return node
    },
  }
}

/** The columns of `source` for `keys`. */
function columnsOf(source: ColumnsSource, keys: readonly string[]): ColumnElement[] {
  const c = source.c as Record<string, ColumnElement>
  return keys.map((k) => c[k]!)
}

/** `stmt` with other select-list items, FROM items or ORDER BY (loader options dropped). */
function rebuild(
  stmt: Select,
  changes: Partial<Pick<Select, 'args' | 'explicitFroms' | 'orderByClauses'>>,
): Select {
  return new SelectClass({ ...stmt, loaderOptions: [], ...changes } as ConstructorParameters<
    typeof SelectClass
  >[0])
}

/** Calls `stage` of the strategy of each relationship of `node`. */
function eachStrategy(
  node: EntityNode,
  stage: (strategy: LoadStrategy, rel: Relationship<any>) => void,
): void {
  for (const [rel, strategy] of node.strategies) stage(strategy, rel)
}

/**
 * The parent select as a subquery, so LIMIT/OFFSET count parents, not joined rows: its columns
 * are selected from the subquery, and its ORDER BY is kept outside (expressions that are not
 * selected columns ride along as extra columns of the subquery).
 */
function wrapForLimit(
  stmt: Select,
  cols: readonly ColumnElement[],
  nodes: readonly EntityNode[],
): JoinTarget {
  const extras: ColumnElement[] = []
  const at: number[] = []
  stmt.orderByClauses.forEach((o, i) => {
    const e = o instanceof OrderByElement ? o.element : o
    const found = cols.indexOf(e)
    if (found >= 0) at.push(found)
    else {
      at.push(cols.length + extras.length)
      extras.push(e.label(`ea_order_${i + 1}`))
    }
  })
  const inner = rebuild(stmt, { args: [...cols, ...extras] })
  const anon = inner.subquery('anon_1')
  for (const n of nodes) {
    const { start } = n.span
    const keys = n.keys
    n.column = (key) => anon.columns[start + keys.indexOf(key)]!
  }
  const orderBy = stmt.orderByClauses.map((o, i) => {
    const c = anon.columns[at[i]!]!
    return o instanceof OrderByElement ? new OrderByElement(c, o.direction, o.nulls) : c
  })
  return { froms: [anon], cols: anon.columns.slice(0, cols.length) as ColumnElement[], orderBy }
}

/** Options of {@link planOrmSelect}. */
export interface PlanOptions {
  /** Options per queried class (a nested load); the statement's own options otherwise. */
  readonly trees?: ReadonlyMap<Mapper, LoadTree> | undefined
  /** The relationships a nested load came through. */
  readonly path?: readonly Relationship<any>[] | undefined
  /** The rows are streamed: collections joined by default load with selectinload instead. */
  readonly streaming?: boolean
}

/** Plans `stmt` (undefined when it selects no mapped class). */
export function planOrmSelect(
  query: Select,
  dialect: Dialect,
  options: PlanOptions = {},
): OrmPlan | undefined {
  if (!query.args.some(isEntity)) return undefined
  // a subclass of single-table inheritance reads only its rows, whichever path the select takes
  const stmt = withInheritanceCriteria(query)
  const { trees, path = [] } = options
  const mappers = stmt.args.filter(isEntity).map((a) => mapperOf(a))
  const optionTrees = trees ?? buildTrees(stmt.loaderOptions, mappers)
  const ctx = makeContext(dialect, trees !== undefined, options.streaming === true)
  const cols: ColumnElement[] = []
  const outputs: (EntityNode | number)[] = []
  const names: (string | undefined)[] = []
  const top: EntityNode[] = []
  let given = 0
  for (const arg of stmt.args) {
    if (isEntity(arg)) {
      const mapper = mapperOf(arg)
      const node = ctx.node(mapper, optionTrees.get(mapper) ?? EMPTY_TREE, path, 'row')
      node.span = entitySpan(mapper, cols.length, node.keys)
      node.source = mapper.table
      cols.push(...columnsOf(mapper.table, node.keys))
      outputs.push(node)
      names.push(mapper.name)
      top.push(node)
      given += mapper.columns.length
      continue
    }
    const source = resolveClauseElement(arg)
    const width = source instanceof ColumnsSource ? source.columns.length : 1
    for (let i = 0; i < width; i++) {
      outputs.push(cols.length)
      names.push(stmt.selectedNames[given + i])
      cols.push(source instanceof ColumnsSource ? source.columns[i]! : (arg as ColumnElement))
    }
    given += width
  }
  const plan = (statement: Select, unique = false): OrmPlan => ({
    statement,
    outputs,
    names: dedupeNames(names),
    nodes: ctx.nodes,
    unique,
  })
  for (const node of top) eachStrategy(node, (s, rel) => s.planFromStatement?.(ctx, node, rel, top, cols))
  // nodes whose columns the statement reads from a FROM item of its own (queried or contains-eager)
  const sourced = [...ctx.nodes]
  for (const node of sourced) eachStrategy(node, (s, rel) => s.planJoin?.(ctx, node, rel))
  const unique = top.some(repeatsRows)
  const rowLoads = ctx.nodes.some((n) => n.joined.some((j) => j.joins) || hasColumns(n))
  if (!rowLoads) {
    const same =
      sourced.every((n) => n.keys === n.mapper.columnKeys) &&
      !sourced.some((n) => n.joined.some((j) => !j.reused))
    return plan(same ? stmt : rebuild(stmt, { args: cols }), unique)
  }

  // joined and JSON loads; the parent's columns come from its FROM item, or from the limited subquery
  for (const n of sourced) {
    const c = n.source!.c as Record<string, ColumnElement>
    n.column = (key) => c[key]!
  }
  let target: JoinTarget = { froms: [...stmt.explicitFroms], cols, orderBy: [...stmt.orderByClauses] }
  // the parents go in a subquery where joined rows would change what the statement counts or groups
  const grouped = stmt.groupByClauses.length > 0 || stmt.distinctOn !== false
  const limited = stmt.limitClause !== undefined || stmt.offsetClause !== undefined
  const joins = ctx.nodes.some((n) => n.joined.some((j) => j.joins))
  const wrap = (limited && top.some(joinsCollection)) || (grouped && joins)
  if (wrap) target = wrapForLimit(stmt, cols, sourced)
  for (const node of sourced) addJoinedLoads(ctx, target, node, wrap ? target.froms[0]! : node.source!)
  for (const node of [...ctx.nodes])
    eachStrategy(node, (s, rel) => s.planColumn?.(ctx, node, rel, target.cols))
  const statement = wrap
    ? select(...(target.cols as never[]))
        .selectFrom(...(target.froms as never[]))
        .orderBy(...target.orderBy)
    : rebuild(stmt, { args: target.cols, explicitFroms: target.froms, orderByClauses: target.orderBy })
  return plan(statement, unique)
}

/** True when a strategy of `node` adds columns to its row (jsonload). */
function hasColumns(node: EntityNode): boolean {
  for (const s of node.strategies.values()) if (s.planColumn !== undefined) return true
  return false
}
