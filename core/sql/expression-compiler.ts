import { CompileError } from '../errors.js'
import type { Slot } from './compiled.js'
import type { CompilerDialect } from './compiler-dialect.js'
import {
  type Between,
  type BinaryExpression,
  BindParam,
  type BooleanList,
  type Case,
  type Cast,
  type ClauseElement,
  type ColumnElement,
  type ColumnRef,
  type Concat,
  type ExcludedColumn,
  type Exists,
  type Grouping,
  type InList,
  type Keyword,
  type Like,
  type OrderByElement,
  type ScalarSubquery,
  type SelectLike,
  type TextClause,
  type UnaryExpression,
} from './elements.js'
import type { FunctionCall, Over } from './functions.js'
import { asNode } from './nodes.js'

const comparison = 5
const precedenceOf: Record<string, number> = {
  OR: 1,
  AND: 2,
  NOT: 3,
  '=': comparison,
  '<>': comparison,
  '<': comparison,
  '<=': comparison,
  '>': comparison,
  '>=': comparison,
  'IS NULL': comparison,
  'IS NOT NULL': comparison,
  '||': 7,
  '+': 8,
  '-': 8,
  '*': 9,
  '/': 9,
  '%': 9,
}

/** Options of a compiler run. */
export interface CompilerOptions {
  /** Render values inline as escaped literals (DDL defaults and CHECK conditions). */
  literalBinds?: boolean
  /** Traversal index of each bind node, for templates shared between statements of one shape. */
  bindIndex?: ReadonlyMap<BindParam, number>
}

/**
 * Renders expressions: the part of the compiler dialects change through small hooks.
 * Output goes to a buffer split at parameter slots, so a template can be bound many times.
 */
export abstract class ExpressionCompiler {
  protected buf = ''
  protected readonly parts: string[] = []
  protected readonly slots: Slot[] = []
  /** When true, a bind whose type the database can infer from context renders without a cast. */
  protected inferredContext = false
  /** Whether column names are qualified with their table (off inside INSERT/UPDATE targets). */
  protected qualifyColumns = true

  constructor(
    readonly dialect: CompilerDialect,
    protected readonly options: CompilerOptions = {},
  ) {}

  protected append(sql: string): void {
    this.buf += sql
  }

  /**
   * Renders a node: dispatches on its kind through the statement compiler's table, which has one
   * entry per kind (core/sql/compiler.ts `SqlCompiler.visitors`).
   */
  abstract process(node: ClauseElement): void

  /** A SELECT nested in an expression (correlated against the enclosing one). */
  protected abstract processNested(select: SelectLike): void
  /** The name a FROM item is referred to by (table name or alias). */
  protected abstract fromName(from: ClauseElement): string | undefined

  protected quote(name: string): string {
    return this.dialect.quote(name)
  }

  protected visitColumn(col: ColumnRef): void {
    const table = col.table
    const qualifier = this.qualifyColumns && table !== undefined ? this.fromName(table) : undefined
    this.append(qualifier === undefined ? this.quote(col.name) : `${qualifier}.${this.quote(col.name)}`)
  }

  protected visitBind(bind: BindParam): void {
    if (this.options.literalBinds) {
      if (bind.key !== null && bind.value === undefined)
        throw new CompileError(`Parameter :${bind.key} has no value and cannot be rendered inline`)
      return this.append(this.dialect.renderLiteral(bind.value, bind.type))
    }
    this.parts.push(this.buf)
    this.buf = ''
    const known = this.options.bindIndex
    const index = known === undefined ? this.slots.length : known.get(bind)
    // A bind the shape walk did not see would be bound with another bind's value.
    if (index === undefined)
      throw new CompileError('A bind parameter is missing from the statement shape (built during compile?)')
    const cast = this.inferredContext ? '' : this.bindCast(bind)
    this.slots.push({ bind, index, cast })
  }

  /** The cast appended after a placeholder whose type the database cannot infer; PostgreSQL only. */
  protected bindCast(bind: BindParam): string {
    void bind
    return ''
  }

  /** Renders `node` with binds directly in it treated as context-typed (no cast). */
  protected inferred(node: ClauseElement, inferred = true): void {
    const saved = this.inferredContext
    this.inferredContext = inferred && node instanceof BindParam
    this.process(node)
    this.inferredContext = saved
  }

  protected precedence(node: ClauseElement): number {
    const n = asNode(node)
    switch (n.kind) {
      case 'binary':
        return precedenceOf[n.operator] ?? comparison
      case 'boolean_list':
        return precedenceOf[n.operator]!
      case 'unary':
        return n.position === 'prefix' ? (n.operator === 'NOT' ? 3 : 10) : comparison
      case 'concat':
        return this.dialect.features.concat === 'pipes' ? 7 : 100
      case 'in':
      case 'between':
      case 'like':
        return comparison
      case 'exists':
        return n.negated ? 3 : 100
      default:
        // every other kind is atomic or parenthesizes itself
        return 100
    }
  }

  /**
   * Renders an operand, in parentheses when it binds looser than its parent, or as tight on the
   * right. Comparisons do not associate (PostgreSQL rejects `a > b = c`), so a comparison inside
   * a comparison is wrapped on either side.
   */
  protected operand(node: ClauseElement, parent: number, right = false, inferred = false): void {
    const p = this.precedence(node)
    const wrap = p < parent || (p === parent && parent !== 100 && (right || parent === comparison))
    if (wrap) this.append('(')
    this.inferred(node, inferred)
    if (wrap) this.append(')')
  }

  protected visitBinary(node: BinaryExpression): void {
    const p = this.precedence(node)
    const leftBind = node.left instanceof BindParam
    const rightBind = node.right instanceof BindParam
    this.operand(node.left, p, false, leftBind && !rightBind)
    this.append(` ${node.operator} `)
    this.operand(node.right, p, true, rightBind && !leftBind)
  }

  protected visitUnary(node: UnaryExpression): void {
    const p = this.precedence(node)
    if (node.position === 'prefix') {
      this.append(node.operator === 'NOT' ? 'NOT ' : node.operator)
      this.operand(node.operand, p, true)
    } else {
      this.operand(node.operand, p)
      this.append(` ${node.operator}`)
    }
  }

  protected visitBooleanList(node: BooleanList): void {
    const p = this.precedence(node)
    node.clauses.forEach((c, i) => {
      if (i > 0) this.append(` ${node.operator} `)
      const wrap = c.kind === 'boolean_list' || this.precedence(c) < p
      if (wrap) this.append('(')
      this.process(c)
      if (wrap) this.append(')')
    })
  }

  protected visitConcat(node: Concat): void {
    const p = this.precedence(node)
    node.parts.forEach((part, i) => {
      if (i > 0) this.append(' || ')
      this.operand(part, p, i > 0)
    })
  }

  protected visitIn(node: InList): void {
    const values = node.values
    if (values instanceof BindParam && (values.value as readonly unknown[]).length === 0) {
      // An empty list: no row matches IN, every row matches NOT IN (the list length is not in the cache key,
      // but emptiness is).
      return this.append(node.negated ? '1 = 1' : '1 = 0')
    }
    this.operand(node.operand, comparison)
    this.append(node.negated ? ' NOT IN (' : ' IN (')
    if (values instanceof BindParam) this.inferred(values)
    else if (Array.isArray(values))
      values.forEach((v: ColumnElement, i: number) => {
        if (i > 0) this.append(', ')
        this.inferred(v)
      })
    else this.processNested(values as SelectLike)
    this.append(')')
  }

  protected visitBetween(node: Between): void {
    this.operand(node.operand, comparison)
    this.append(node.negated ? ' NOT BETWEEN ' : ' BETWEEN ')
    this.operand(node.low, comparison, true, true)
    this.append(' AND ')
    this.operand(node.high, comparison, true, true)
  }

  protected visitLike(node: Like): void {
    if (node.caseInsensitive && !this.dialect.features.ilike) {
      this.append('lower(')
      this.process(node.operand)
      this.append(node.negated ? ') NOT LIKE lower(' : ') LIKE lower(')
      this.inferred(node.pattern)
      this.append(')')
    } else {
      this.operand(node.operand, comparison)
      const op = node.caseInsensitive ? 'ILIKE' : 'LIKE'
      this.append(node.negated ? ` NOT ${op} ` : ` ${op} `)
      this.operand(node.pattern, comparison, true, true)
    }
    if (node.escape !== undefined)
      this.append(` ESCAPE ${this.dialect.renderLiteral(node.escape, undefined)}`)
  }

  protected visitCast(node: Cast): void {
    this.append('CAST(')
    this.inferred(node.element)
    this.append(` AS ${this.dialect.castTypeName(node.type)})`)
  }

  protected visitKeyword(node: Keyword): void {
    const f = this.dialect.features
    this.append(node.word === 'TRUE' ? f.trueLiteral : node.word === 'FALSE' ? f.falseLiteral : 'NULL')
  }

  protected visitGrouping(node: Grouping): void {
    this.append('(')
    this.process(node.element)
    this.append(')')
  }

  protected visitScalarSubquery(node: ScalarSubquery): void {
    this.append('(')
    this.processNested(node.select)
    this.append(')')
  }

  protected visitCase(node: Case): void {
    this.append('CASE')
    if (node.value !== undefined) {
      this.append(' ')
      this.process(node.value)
    }
    for (const [cond, result] of node.whens) {
      this.append(' WHEN ')
      this.inferred(cond, node.value !== undefined)
      this.append(' THEN ')
      this.process(result)
    }
    if (node.else_ !== undefined) {
      this.append(' ELSE ')
      this.process(node.else_)
    }
    this.append(' END')
  }

  protected visitOrderBy(node: OrderByElement): void {
    const dir = node.direction === undefined ? '' : node.direction === 'asc' ? ' ASC' : ' DESC'
    if (node.nulls !== undefined && !this.dialect.features.nullsOrdering) {
      // Emulated: sort on "is null" first, so NULLs go where asked on any database.
      this.operand(node.element, comparison)
      this.append(node.nulls === 'first' ? ' IS NULL DESC, ' : ' IS NULL, ')
      this.process(node.element)
      return this.append(dir)
    }
    this.process(node.element)
    this.append(dir)
    if (node.nulls !== undefined) this.append(node.nulls === 'first' ? ' NULLS FIRST' : ' NULLS LAST')
  }

  protected visitExists(node: Exists): void {
    this.append(node.negated ? 'NOT (EXISTS (' : 'EXISTS (')
    this.processNested(node.select)
    this.append(node.negated ? '))' : ')')
  }

  protected visitText(node: TextClause): void {
    for (const part of node.parts) {
      if (typeof part === 'string') this.append(part)
      else this.process(part)
    }
  }

  protected visitExcluded(node: ExcludedColumn): void {
    this.append(`excluded.${this.quote(node.column.name)}`)
  }

  protected visitFunction(node: FunctionCall): void {
    this.append(this.functionName(node.name))
    if (node.name === 'current_timestamp') return
    // Without FILTER the aggregate runs over CASE WHEN cond THEN arg END, as SQLAlchemy emulates it.
    const emulated = node.filterClause !== undefined && !this.dialect.features.filterClause
    this.append('(')
    if (node.distinct) this.append('DISTINCT ')
    if (emulated) {
      this.append('CASE WHEN ')
      this.process(node.filterClause!)
      this.append(' THEN ')
      if (node.args.length === 0) this.append('1')
      else this.process(node.args[0]!)
      this.append(' END')
      for (const a of node.args.slice(1)) {
        this.append(', ')
        this.process(a)
      }
    } else {
      if (node.args.length === 0 && node.name === 'count') this.append('*')
      this.list(node.args)
    }
    this.aggregateSuffix(node)
    this.append(')')
    if (node.filterClause !== undefined && !emulated) {
      this.append(' FILTER (WHERE ')
      this.process(node.filterClause)
      this.append(')')
    }
  }

  /**
   * What follows an aggregate's arguments inside its parentheses: the separator of
   * `aggregateStrings` as a second argument, then ` ORDER BY ...` (MySQL: `ORDER BY ... SEPARATOR`).
   */
  protected aggregateSuffix(node: FunctionCall): void {
    if (node.separator !== undefined) this.append(`, ${this.dialect.quoteString(node.separator)}`)
    this.aggregateOrder(node)
  }

  /** ` ORDER BY ...` inside an aggregate's parentheses. */
  protected aggregateOrder(node: FunctionCall): void {
    if (node.aggregateOrder.length === 0) return
    this.append(' ORDER BY ')
    this.list(node.aggregateOrder)
  }

  /**
   * Maps portable function names to the dialect's: `aggregate_strings` and `json_array_agg` must
   * be mapped by each dialect compiler.
   */
  protected functionName(name: string): string {
    if (name === 'aggregate_strings' || name === 'json_array_agg')
      throw new CompileError(`${this.dialect.name} has no rendering of the portable function ${name}`)
    return name
  }

  protected visitOver(node: Over): void {
    this.process(node.fn)
    this.append(' OVER (')
    if (node.partitionBy.length > 0) {
      this.append('PARTITION BY ')
      this.list(node.partitionBy)
    }
    if (node.orderBy.length > 0) {
      if (node.partitionBy.length > 0) this.append(' ')
      this.append('ORDER BY ')
      this.list(node.orderBy)
    }
    this.append(')')
  }

  /** Renders nodes separated by commas. */
  protected list(nodes: readonly ClauseElement[]): void {
    nodes.forEach((n, i) => {
      if (i > 0) this.append(', ')
      this.process(n)
    })
  }
}
