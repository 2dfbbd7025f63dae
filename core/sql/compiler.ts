import { CompileError } from '../errors.js'
import { CompiledTemplate } from './compiled.js'
import {
  type ClauseElement,
  type ColumnElement,
  ColumnRef,
  FromClause,
  Label,
  OrderByElement,
  type SelectLike,
} from './elements.js'
import { ExpressionCompiler } from './expression-compiler.js'
import type { Join, RecursiveUnion, Subquery } from './from-clauses.js'
import {
  type AnyDelete,
  type AnyInsert,
  type AnyUpdate,
  asNode,
  type FromVisitors,
  type NodeKind,
  type NodeVisitors,
} from './nodes.js'
import type { CompoundSelect, Select } from './select.js'
import { collectCtes, tablesReferenced } from './traversal.js'

interface Scope {
  /** FROM items visible to nested selects, for auto-correlation. */
  readonly froms: ReadonlySet<FromClause>
  /** The select's own FROM items (siblings of a subquery in its FROM, which cannot see them). */
  readonly own: ReadonlySet<FromClause>
}

/** What a nested select may correlate to: FROM items of enclosing queries. */
interface Correlation {
  readonly froms: ReadonlySet<FromClause>
  /** The select is a subquery in FROM (a derived table), not an expression. */
  readonly derived: boolean
  /** The derived table's name, for error messages. */
  readonly name?: string | undefined
}

const statementKinds: ReadonlySet<NodeKind> = new Set([
  'select',
  'compound',
  'insert',
  'update',
  'delete',
  'text',
])

/**
 * Compiles statements into {@link CompiledTemplate}s. One instance per compilation; dialects
 * subclass it to change small hooks.
 */
export class SqlCompiler extends ExpressionCompiler {
  private readonly scopes: Scope[] = []
  /** CTEs already rendered in the top-level WITH clause. */
  private ctesRendered = false

  /** Compiles a whole statement. */
  compileStatement(stmt: ClauseElement): CompiledTemplate {
    if (!statementKinds.has(stmt.kind) && !('selectedColumns' in stmt))
      throw new CompileError(`A ${stmt.kind} node is not a statement; wrap it in select()`)
    this.renderWith(stmt)
    this.process(stmt)
    this.parts.push(this.buf)
    const resultColumns = 'selectedColumns' in stmt ? (stmt as unknown as SelectLike).selectedColumns : []
    const resultNames = 'selectedNames' in stmt ? (stmt as unknown as SelectLike).selectedNames : []
    return new CompiledTemplate(
      this.dialect.valueEncoding,
      this.parts,
      this.slots,
      (n) => this.dialect.placeholder(n),
      resultColumns,
      resultNames,
    )
  }

  /** Compiles an expression alone, e.g. a CHECK condition with `literalBinds`. */
  compileExpression(expr: ClauseElement): string {
    this.process(expr)
    if (this.slots.length > 0)
      throw new CompileError('This expression needs inline values; compile it with literalBinds')
    return this.buf
  }

  /** Hoists every CTE of the statement into one leading WITH clause. */
  private renderWith(stmt: ClauseElement): void {
    const ctes = collectCtes(stmt)
    if (ctes.length === 0) return
    this.append(ctes.some((c) => c.recursive) ? 'WITH RECURSIVE ' : 'WITH ')
    this.ctesRendered = true
    ctes.forEach((cte, i) => {
      if (i > 0) this.append(', ')
      this.append(`${this.quote(cte.name)}(${cte.columns.map((c) => this.quote(c.name)).join(', ')}) AS (`)
      this.labelled(() => this.processNested(cte.select, false))
      this.append(')')
    })
    this.append(' ')
  }

  /** Whether select lists label every expression with its result name (subqueries in FROM, CTEs). */
  private labelAll = false

  private labelled(render: () => void, on = true): void {
    const saved = this.labelAll
    this.labelAll = on
    render()
    this.labelAll = saved
  }

  /**
   * The dispatch table: one entry per node kind, each receiving its own kind's node; a kind
   * missing here does not compile. Dialects change the rendering by overriding the visit methods
   * the entries call.
   */
  protected static readonly visitors: NodeVisitors<SqlCompiler> = {
    column: (c, n) => c.visitColumn(n),
    bind: (c, n) => c.visitBind(n),
    binary: (c, n) => c.visitBinary(n),
    unary: (c, n) => c.visitUnary(n),
    boolean_list: (c, n) => c.visitBooleanList(n),
    concat: (c, n) => c.visitConcat(n),
    in: (c, n) => c.visitIn(n),
    between: (c, n) => c.visitBetween(n),
    like: (c, n) => c.visitLike(n),
    label: (c, n) => c.process(n.element),
    cast: (c, n) => c.visitCast(n),
    keyword: (c, n) => c.visitKeyword(n),
    grouping: (c, n) => c.visitGrouping(n),
    case: (c, n) => c.visitCase(n),
    order_by: (c, n) => c.visitOrderBy(n),
    exists: (c, n) => c.visitExists(n),
    scalar_subquery: (c, n) => c.visitScalarSubquery(n),
    text: (c, n) => c.visitText(n),
    excluded: (c, n) => c.visitExcluded(n),
    function: (c, n) => c.visitFunction(n),
    over: (c, n) => c.visitOver(n),
    select: (c, n) => c.visitSelect(n, false),
    compound: (c, n) => c.visitCompound(n),
    insert: (c, n) => c.visitInsert(n),
    update: (c, n) => c.visitUpdate(n),
    delete: (c, n) => c.visitDelete(n),
    recursive_union: (c, n) => c.visitRecursiveUnion(n),
    table: (c, n) => c.visitFrom(n),
    alias: (c, n) => c.visitFrom(n),
    subquery: (c, n) => c.visitFrom(n),
    cte: (c, n) => c.visitFrom(n),
    join: (c, n) => c.visitFrom(n),
  }

  /** A FROM item by kind; the body of a recursive CTE is no FROM item of its own. */
  protected static readonly fromVisitors: FromVisitors<SqlCompiler> = {
    table: (c, n) => c.append(c.quote(n.name)),
    alias: (c, n) => c.append(`${c.quote(n.element.name!)} AS ${c.quote(n.name)}`),
    subquery: (c, n) => c.visitSubquery(n),
    cte: (c, n) => {
      if (!c.ctesRendered) throw new CompileError('A CTE was used where no WITH clause can be rendered')
      c.append(c.quote(n.name))
    },
    join: (c, n) => c.visitJoin(n),
    recursive_union: (_c, n) => {
      throw new CompileError(`Cannot use a ${n.kind} as a FROM item`)
    },
  }

  process(node: ClauseElement): void {
    // The table's entry for a kind takes that kind's node: the kind is the node's own.
    ;(SqlCompiler.visitors[node.kind] as (c: SqlCompiler, n: ClauseElement) => void)(this, node)
  }

  protected visitRecursiveUnion(node: RecursiveUnion): void {
    this.processNested(node.anchor, false)
    this.append(` ${node.operator} `)
    this.processNested(node.recursivePart, false)
  }

  protected override fromName(from: ClauseElement): string | undefined {
    const name = (from as FromClause).name
    return name === undefined ? undefined : this.quote(name)
  }

  /**
   * A select inside another statement. `correlate`: drop FROM items the enclosing select already
   * has (scalar subqueries, EXISTS, IN); subqueries in FROM and CTEs are not correlated.
   */
  protected override processNested(select: SelectLike, correlate = true): void {
    const froms = correlate ? this.scopes.at(-1)?.froms : undefined
    this.nestedSelect(select, froms === undefined ? undefined : { froms, derived: false })
  }

  private nestedSelect(select: SelectLike, correlation: Correlation | undefined): void {
    const node = asNode(select)
    if (node.kind === 'select') this.visitSelect(node, true, correlation)
    else this.process(node)
  }

  /**
   * What a subquery in FROM correlates to: the FROM items of the queries enclosing the select it
   * is in, but not that select's own (its siblings, visible only to a LATERAL subquery).
   */
  private derivedCorrelation(name: string): Correlation | undefined {
    const scope = this.scopes.at(-1)
    if (scope === undefined) return undefined
    const froms = new Set([...scope.froms].filter((f) => !scope.own.has(f)))
    return froms.size === 0 ? undefined : { froms, derived: true, name }
  }

  /** The FROM items of a select: explicit ones, then tables its expressions use. */
  private fromsOf(select: Select, correlation: Correlation | undefined): FromClause[] {
    const explicit = select.explicitFroms
    const covered = new Set<FromClause>(explicit.flatMap((f) => f.fromTables()))
    const enclosing = correlation?.froms
    const derived: FromClause[] = []
    const exprs: ClauseElement[] = [
      ...select.selectedColumns,
      ...select.groupByClauses,
      ...select.orderByClauses,
    ]
    if (select.whereClause) exprs.push(select.whereClause)
    if (select.havingClause) exprs.push(select.havingClause)
    for (const table of tablesReferenced(exprs)) {
      if (covered.has(table)) continue
      covered.add(table)
      derived.push(table)
    }
    // Auto-correlation as in SQLAlchemy: only when the select has more than one FROM item, so
    // `(SELECT max(users.age))` inside a query of users keeps its own `FROM users`.
    if (enclosing === undefined || explicit.length + derived.length < 2) return [...explicit, ...derived]
    const own = derived.filter((table) => !enclosing.has(table))
    if (explicit.length + own.length === 0)
      throw new CompileError(
        'A subquery has no FROM item left after correlating with the enclosing query; name its FROM with selectFrom()',
      )
    if (
      correlation?.derived &&
      own.length < derived.length &&
      !this.dialect.features.derivedTableOuterReferences
    ) {
      const outer = derived.find((table) => enclosing.has(table))
      throw new CompileError(
        `The subquery ${correlation.name ?? ''} in FROM refers to ${outer?.name ?? 'a FROM item'} of an enclosing query, ` +
          `which ${this.dialect.name} (MariaDB, MySQL before 8.0.14) cannot resolve in a derived table; ` +
          'put the condition in a scalar subquery or join the derived table in the enclosing query',
      )
    }
    return [...explicit, ...own]
  }

  /**
   * `correlation`: for a nested select, the enclosing FROM items it correlates to (undefined: it
   * is not correlated, as a CTE or a compound part).
   */
  protected visitSelect(select: Select, nested: boolean, correlation?: Correlation): void {
    const froms = this.fromsOf(select, nested ? correlation : undefined)
    const f = this.dialect.features
    const own = new Set<FromClause>(froms.flatMap((fr) => fr.fromTables()))
    const visible = new Set<FromClause>(own)
    for (const outer of (correlation?.derived ? correlation.froms : this.scopes.at(-1)?.froms) ?? [])
      visible.add(outer)
    this.scopes.push({ froms: visible, own })
    this.append('SELECT ')
    if (select.distinctOn === true) this.append('DISTINCT ')
    else if (Array.isArray(select.distinctOn)) {
      if (!f.distinctOn)
        throw new CompileError(
          `DISTINCT ON is PostgreSQL only; on ${this.dialect.name} use GROUP BY or a window function`,
        )
      this.append('DISTINCT ON (')
      this.list(select.distinctOn)
      this.append(') ')
    }
    this.labelled(() => this.selectList(select.selectedColumns, select.selectedNames, nested), this.labelAll)
    const savedLabel = this.labelAll
    this.labelAll = false
    if (froms.length > 0) {
      this.append(' FROM ')
      froms.forEach((fr, i) => {
        if (i > 0) this.append(', ')
        this.visitFrom(fr)
      })
    } else if (f.fromDual && (select.whereClause || select.havingClause)) this.append(' FROM DUAL')
    if (select.whereClause) {
      this.append(' WHERE ')
      this.process(select.whereClause)
    }
    if (select.groupByClauses.length > 0) {
      this.append(' GROUP BY ')
      this.list(select.groupByClauses)
    }
    if (select.havingClause) {
      this.append(' HAVING ')
      this.process(select.havingClause)
    }
    this.orderLimit(select.orderByClauses, select.limitClause, select.offsetClause)
    if (select.forUpdateOptions) this.forUpdate(select)
    this.labelAll = savedLabel
    this.scopes.pop()
  }

  private selectList(cols: readonly ColumnElement[], names: readonly string[], nested: boolean): void {
    const bigintAsText = !nested && this.dialect.features.bigIntegerAsText
    cols.forEach((col, i) => {
      if (i > 0) this.append(', ')
      const name = names[i]!
      if (bigintAsText && col.type.kind === 'bigint') {
        // The transport reads integers as doubles: send 64-bit values as text, decoded back to bigint.
        this.append('CAST(')
        this.process(col)
        this.append(` AS TEXT) AS ${this.quote(name)}`)
        return
      }
      this.process(col)
      const natural =
        col instanceof ColumnRef ? col.name : col.kind === 'label' || this.labelAll ? undefined : name
      if (natural !== name) this.append(` AS ${this.quote(name)}`)
    })
  }

  protected orderLimit(
    orderBy: readonly ClauseElement[],
    limit: ColumnElement | undefined,
    offset: ColumnElement | undefined,
  ): void {
    if (orderBy.length > 0) {
      this.append(' ORDER BY ')
      this.list(orderBy)
    }
    if (limit !== undefined) {
      this.append(' LIMIT ')
      this.inferred(limit)
    } else if (offset !== undefined && this.dialect.features.offsetWithoutLimit !== '') {
      this.append(` LIMIT ${this.dialect.features.offsetWithoutLimit}`)
    }
    if (offset !== undefined) {
      this.append(' OFFSET ')
      this.inferred(offset)
    }
  }

  protected forUpdate(select: Select): void {
    const o = select.forUpdateOptions!
    if (!this.dialect.features.forUpdate) return
    this.append(o.read ? ` ${this.dialect.features.forShare}` : ' FOR UPDATE')
    if (o.of && o.of.length > 0) {
      if (!this.dialect.features.forUpdateOf) throw new CompileError('FOR UPDATE OF is PostgreSQL only')
      this.append(` OF ${o.of.map((t) => this.fromName(t)).join(', ')}`)
    }
    if (o.nowait) this.append(' NOWAIT')
    if (o.skipLocked) this.append(' SKIP LOCKED')
  }

  protected visitCompound(node: CompoundSelect): void {
    const f = this.dialect.features
    if ((node.operator === 'INTERSECT' || node.operator === 'EXCEPT') && !f.intersectExcept)
      throw new CompileError(`${node.operator} is not supported on ${this.dialect.name}`)
    node.selects.forEach((s, i) => {
      if (i > 0) this.append(` ${node.operator} `)
      const needsParens = f.parenthesizedCompoundParts && (s.kind === 'compound' || this.hasOrderOrLimit(s))
      if (needsParens) this.append('(')
      else if (s.kind === 'compound' || this.hasOrderOrLimit(s)) {
        this.append('SELECT * FROM (')
      }
      this.processNested(s, false)
      if (needsParens) this.append(')')
      else if (s.kind === 'compound' || this.hasOrderOrLimit(s))
        this.append(`) AS ${this.quote(`anon_${i + 1}`)}`)
    })
    this.scopes.push({ froms: new Set(), own: new Set() })
    const orderBy = node.orderByClauses.map((o) => this.compoundOrder(o, node))
    this.orderLimit(orderBy, node.limitClause, node.offsetClause)
    this.scopes.pop()
  }

  private hasOrderOrLimit(s: ClauseElement): boolean {
    const sel = s as Partial<Select>
    return (
      (sel.orderByClauses?.length ?? 0) > 0 || sel.limitClause !== undefined || sel.offsetClause !== undefined
    )
  }

  /** ORDER BY of a compound select refers to result columns by name, unqualified. */
  private compoundOrder(o: ClauseElement, node: CompoundSelect): ClauseElement {
    const unqualify = (e: ClauseElement): ClauseElement => {
      // A column of any part names the result column at its position; a label names itself.
      for (const part of node.selects) {
        const i = part.selectedColumns.indexOf(e as ColumnElement)
        if (i >= 0) return new ColumnRef(undefined, node.selectedNames[i]!, (e as ColumnElement).type)
      }
      if (e instanceof Label) return new ColumnRef(undefined, e.name, e.type)
      if (e instanceof ColumnRef) return new ColumnRef(undefined, e.name, e.type)
      return e
    }
    if (o instanceof OrderByElement)
      return new OrderByElement(unqualify(o.element) as ColumnElement, o.direction, o.nulls)
    return unqualify(o)
  }

  /** Renders a FROM item. */
  protected visitFrom(from: FromClause): void {
    ;(SqlCompiler.fromVisitors[from.kind] as (c: SqlCompiler, n: FromClause) => void)(this, from)
  }

  protected visitSubquery(s: Subquery): void {
    if (s.lateral) {
      if (!this.dialect.features.lateral)
        throw new CompileError(`LATERAL subqueries are not supported on ${this.dialect.name}`)
      this.append('LATERAL ')
    }
    this.append('(')
    this.labelled(() =>
      s.lateral ? this.processNested(s.select) : this.nestedSelect(s.select, this.derivedCorrelation(s.name)),
    )
    this.append(`) AS ${this.quote(s.name)}`)
  }

  protected visitJoin(join: Join): void {
    const f = this.dialect.features
    this.visitFrom(join.left)
    if (join.joinKind === 'full' && !f.fullJoin)
      throw new CompileError(
        `FULL OUTER JOIN is not supported on ${this.dialect.name}; use a UNION of a LEFT and a RIGHT join`,
      )
    if (join.joinKind === 'right' && !f.rightJoin)
      throw new CompileError(
        `RIGHT OUTER JOIN is not supported on ${this.dialect.name}; swap the sides and use a LEFT join`,
      )
    const kw = { inner: 'JOIN', left: 'LEFT OUTER JOIN', right: 'RIGHT OUTER JOIN', full: 'FULL OUTER JOIN' }[
      join.joinKind
    ]
    this.append(` ${kw} `)
    const nestedJoin = join.right instanceof FromClause && join.right.kind === 'join'
    if (nestedJoin) this.append('(')
    this.visitFrom(join.right)
    if (nestedJoin) this.append(')')
    this.append(' ON ')
    this.process(join.onclause)
  }

  private returning(cols: readonly ColumnElement[], names: readonly string[]): void {
    if (cols.length === 0) return
    if (!this.dialect.features.returning)
      throw new CompileError(
        `RETURNING is not supported on ${this.dialect.name}; read the new key from the result's lastInsertId or run a SELECT`,
      )
    this.append(' RETURNING ')
    this.selectList(cols, names, false)
  }

  /**
   * INSERT, UPDATE and DELETE name one table (plus `from()` items): a column of any other table
   * outside a subquery would be invalid SQL, so it is a CompileError naming the way out.
   */
  private checkTargets(
    kind: string,
    stmt: AnyInsert | AnyUpdate | AnyDelete,
    exprs: readonly (ClauseElement | undefined)[],
  ): void {
    const allowed = new Set<FromClause>([
      stmt.table,
      ...(stmt.kind === 'update' ? stmt.extraFroms.flatMap((f) => f.fromTables()) : []),
    ])
    for (const table of tablesReferenced(exprs.filter((e): e is ClauseElement => e !== undefined))) {
      if (allowed.has(table)) continue
      const hint =
        kind === 'UPDATE'
          ? 'add it with from() or use a subquery'
          : 'use a subquery (select(...).scalarSubquery() or exists())'
      throw new CompileError(
        `${kind} ${stmt.table.name} refers to a column of ${table.name ?? 'another FROM item'}; ${hint}`,
      )
    }
  }

  protected visitInsert(stmt: AnyInsert): void {
    this.checkTargets('INSERT INTO', stmt, [
      ...stmt.rows.flat(),
      ...(stmt.onConflict?.set.map(([, v]) => v) ?? []),
      stmt.onConflict?.where,
      ...stmt.returningColumns,
    ])
    const table = this.quote(stmt.table.name)
    this.append(`INSERT INTO ${table}`)
    const conflict = stmt.onConflict
    if (conflict) this.checkUpsertStyle(conflict.style)
    if (stmt.fromSelect) {
      this.append(` (${stmt.columns.map((c) => this.quote(c.name)).join(', ')}) `)
      this.scopes.push({ froms: new Set(), own: new Set() })
      this.processNested(stmt.fromSelect, false)
      this.scopes.pop()
    } else if (stmt.rows.length === 0) {
      this.append(this.dialect.features.defaultValues)
    } else {
      this.append(` (${stmt.columns.map((c) => this.quote(c.name)).join(', ')}) VALUES `)
      stmt.rows.forEach((row, i) => {
        if (i > 0) this.append(', ')
        this.append('(')
        row.forEach((v, j) => {
          if (j > 0) this.append(', ')
          this.inferred(v)
        })
        this.append(')')
      })
    }
    if (conflict) this.upsertClause(stmt)
    this.returning(stmt.returningColumns, stmt.selectedNames)
  }

  private checkUpsertStyle(style: 'on_conflict' | 'on_duplicate_key'): void {
    const own = this.dialect.features.upsert
    if (style === own) return
    throw new CompileError(
      style === 'on_conflict'
        ? `ON CONFLICT is not supported on ${this.dialect.name}; use onDuplicateKeyUpdate()`
        : `ON DUPLICATE KEY UPDATE is MySQL only; on ${this.dialect.name} use onConflictDoUpdate() or onConflictDoNothing()`,
    )
  }

  protected upsertClause(stmt: AnyInsert): void {
    const c = stmt.onConflict!
    const savedQualify = this.qualifyColumns
    if (c.style === 'on_duplicate_key') {
      this.append(' ON DUPLICATE KEY UPDATE ')
      this.setList(c.set)
      return
    }
    this.append(' ON CONFLICT')
    if (c.target.length > 0) {
      this.qualifyColumns = false
      this.append(' (')
      this.list(c.target)
      this.append(')')
      this.qualifyColumns = savedQualify
    }
    if (c.set.length === 0) return this.append(' DO NOTHING')
    this.append(' DO UPDATE SET ')
    this.setList(c.set)
    if (c.where) {
      this.append(' WHERE ')
      this.process(c.where)
    }
  }

  private setList(set: readonly (readonly [ColumnRef, ColumnElement])[]): void {
    set.forEach(([col, value], i) => {
      if (i > 0) this.append(', ')
      this.append(`${this.quote(col.name)} = `)
      this.inferred(value)
    })
  }

  protected visitUpdate(stmt: AnyUpdate): void {
    const set = stmt.effectiveSet
    if (set.length === 0) throw new CompileError(`UPDATE ${stmt.table.name} has no values to set`)
    this.checkTargets('UPDATE', stmt, [...set.map(([, v]) => v), stmt.whereClause, ...stmt.returningColumns])
    if (stmt.extraFroms.length > 0 && !this.dialect.features.updateFrom)
      throw new CompileError(
        `UPDATE ... FROM is not supported on ${this.dialect.name}; use a correlated subquery in where()`,
      )
    const targets = new Set([stmt.table, ...stmt.extraFroms.flatMap((f) => f.fromTables())])
    this.scopes.push({ froms: targets, own: targets })
    this.append(`UPDATE ${this.quote(stmt.table.name)} SET `)
    this.setList(set)
    if (stmt.extraFroms.length > 0) {
      this.append(' FROM ')
      stmt.extraFroms.forEach((fr, i) => {
        if (i > 0) this.append(', ')
        this.visitFrom(fr)
      })
    }
    if (stmt.whereClause) {
      this.append(' WHERE ')
      this.process(stmt.whereClause)
    }
    this.returning(stmt.returningColumns, stmt.selectedNames)
    this.scopes.pop()
  }

  protected visitDelete(stmt: AnyDelete): void {
    this.checkTargets('DELETE FROM', stmt, [stmt.whereClause, ...stmt.returningColumns])
    const target = new Set<FromClause>([stmt.table])
    this.scopes.push({ froms: target, own: target })
    this.append(`DELETE FROM ${this.quote(stmt.table.name)}`)
    if (stmt.whereClause) {
      this.append(' WHERE ')
      this.process(stmt.whereClause)
    }
    this.returning(stmt.returningColumns, stmt.selectedNames)
    this.scopes.pop()
  }
}
