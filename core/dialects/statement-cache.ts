import { CompileError } from '../errors.js'
import { cacheKeyFields, type KeyField } from '../sql/cache-key.js'
import type { CompiledTemplate } from '../sql/compiled.js'
import type { SqlCompiler } from '../sql/compiler.js'
import { BindParam, ClauseElement, ColumnRef } from '../sql/elements.js'
import type { NodeKind } from '../sql/nodes.js'
import { SqlType } from '../sql/types.js'
import { describeValue } from '../util/describe-value.js'

const typeKeys = new WeakMap<SqlType, string>()

/**
 * Everything about a type that can change the SQL (a cast, a label): its kind and settings such
 * as length, precision, time zone or enum values. Functions (custom type codecs) are left out.
 */
function typeKey(type: SqlType): string {
  let key = typeKeys.get(type)
  if (key !== undefined) return key
  key = type.kind
  for (const [name, v] of Object.entries(type)) {
    if (name === 'kind' || typeof v === 'function' || v === undefined) continue
    key += `,${name}=${v instanceof SqlType ? typeKey(v) : JSON.stringify(v, (_k, x) => (typeof x === 'function' ? undefined : x instanceof SqlType ? typeKey(x) : x))}`
  }
  typeKeys.set(type, key)
  return key
}

/** Length-prefixed, so no string can be mistaken for structure around it. */
const str = (s: string): string => `${s.length}:${s}`

/** Each kind's keyed fields with their keyers, in declaration order (`none` left out). */
const keyedFields = Object.fromEntries(
  Object.entries(cacheKeyFields).map(([kind, fields]) => [
    kind,
    Object.entries(fields as Record<string, KeyField>).filter(([, keyer]) => keyer !== 'none'),
  ]),
) as Readonly<Record<string, readonly (readonly [string, KeyField])[]>> as Record<
  NodeKind,
  readonly (readonly [string, KeyField])[]
>

const leafKeys = new WeakMap<ClauseElement, string>()

/**
 * The key of a column of a plain table, or of the table itself: shared by every statement that
 * uses it, so computed once (such nodes hold no values). The fields are the ones `cacheKeyFields`
 * declares for `table` and `column`.
 */
function leafKey(node: ColumnRef | ClauseElement): string | undefined {
  let key = leafKeys.get(node)
  if (key !== undefined) return key
  if (node.kind === 'table') key = `T(${str((node as unknown as { name: string }).name)})`
  else if (node instanceof ColumnRef && node.table?.kind === 'table')
    key = `${columnHead(node)}${leafKey(node.table)})`
  else return undefined
  leafKeys.set(node, key)
  return key
}

/** A column's key up to its FROM item: name, attribute key (when it differs) and type. */
function columnHead(node: ColumnRef): string {
  const key = node.key === node.name ? '' : `=${str(node.key)}`
  return `C(${str(node.name)}${key}:${typeKey(node.type)}@`
}

/** A statement's shape: everything that decides its SQL text, values left out. */
export interface Shape {
  readonly key: string
  /** The statement's binds in traversal order (a repeated bind node counts once). */
  readonly binds: readonly BindParam[]
}

/**
 * Computes the cache key of a statement: its structure with values replaced by their slot,
 * except that an empty IN list differs from a non-empty one. Walks only the fields each node
 * kind declares (`cacheKeyFields`, core/sql/cache-key.ts), and throws a `CompileError` on a
 * value its declared keyer cannot key, rather than letting two statements share a template.
 */
export function shapeOf(stmt: ClauseElement): Shape {
  const binds: BindParam[] = []
  const bindIds = new Map<BindParam, number>()
  const seen = new Map<object, number>()
  let out = ''
  const unkeyable = (v: unknown, keyer: KeyField, owner: ClauseElement, field: string): never => {
    throw new CompileError(
      `Internal error: the statement cache cannot key ${owner.kind}.${field} (${keyer}) holding a ${describeValue(v)}; ` +
        'declare how it enters the key in core/sql/cache-key.ts',
    )
  }
  const walkValue = (v: unknown, keyer: KeyField, owner: ClauseElement, field: string): void => {
    if (v === null || v === undefined) out += '~'
    else if (v instanceof ClauseElement) walkNode(v)
    else if (typeof v === 'string') out += str(v)
    else if (typeof v === 'number' || typeof v === 'boolean') out += String(v)
    else if (Array.isArray(v)) {
      out += '['
      for (const x of v) {
        walkValue(x, keyer, owner, field)
        out += ','
      }
      out += ']'
    } else if (v instanceof SqlType) out += `:${typeKey(v)}`
    else if (typeof v === 'object' && isPlainObject(v)) {
      out += '{'
      for (const k in v) {
        out += `${k}=`
        walkValue((v as Record<string, unknown>)[k], keyer, owner, field)
        out += ';'
      }
      out += '}'
    } else unkeyable(v, keyer, owner, field)
  }
  const walkField = (v: unknown, keyer: KeyField, owner: ClauseElement, field: string): void => {
    switch (keyer) {
      case 'node':
        if (v === undefined || v === null) out += '~'
        else if (v instanceof ClauseElement) walkNode(v)
        else unkeyable(v, keyer, owner, field)
        return
      case 'literal':
        if (v === undefined || v === null) out += '~'
        else if (typeof v === 'string') out += str(v)
        else if (typeof v === 'number' || typeof v === 'boolean') out += String(v)
        else unkeyable(v, keyer, owner, field)
        return
      case 'type':
        if (v instanceof SqlType) out += typeKey(v)
        else unkeyable(v, keyer, owner, field)
        return
      case 'list':
        if (Array.isArray(v)) walkValue(v, keyer, owner, field)
        else unkeyable(v, keyer, owner, field)
        return
      case 'options':
        if (v === undefined || (typeof v === 'object' && v !== null && isPlainObject(v)))
          walkValue(v, keyer, owner, field)
        else unkeyable(v, keyer, owner, field)
        return
      case 'value':
        return walkValue(v, keyer, owner, field)
      case 'ref': {
        if (typeof v !== 'object' || v === null) return unkeyable(v, keyer, owner, field)
        let id = seen.get(v)
        if (id === undefined) seen.set(v, (id = seen.size))
        out += `&${id}`
        return
      }
      case 'slot':
      case 'none':
        // a bind's value is its slot (walkNode); `none` fields are filtered out beforehand
        return
    }
  }
  const walkNode = (node: ClauseElement): void => {
    if (node instanceof BindParam) {
      const prior = bindIds.get(node)
      if (prior !== undefined) {
        out += `B#${prior}`
        return
      }
      bindIds.set(node, binds.length)
      binds.push(node)
      const empty = node.expanding && (node.value as readonly unknown[]).length === 0
      out += `B(${node.key ?? ''}${node.expanding ? (empty ? '*0' : '*') : ''}:${typeKey(node.type)})`
      return
    }
    const leaf = leafKey(node)
    if (leaf !== undefined) {
      out += leaf
      return
    }
    const prior = seen.get(node)
    if (prior !== undefined) {
      out += `#${prior}`
      return
    }
    seen.set(node, seen.size)
    if (node instanceof ColumnRef) {
      out += columnHead(node)
      if (node.table !== undefined) walkNode(node.table)
      out += ')'
      return
    }
    out += `${node.kind}(`
    for (const [field, keyer] of keyedFields[node.kind]) {
      out += `${field}=`
      walkField((node as unknown as Record<string, unknown>)[field], keyer, node, field)
      out += ';'
    }
    out += ')'
  }
  walkNode(stmt)
  return { key: out, binds }
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

/** What the cache needs of a dialect: a compiler that numbers binds by their traversal order. */
export interface CompilerSource {
  createCompiler(options: { bindIndex: ReadonlyMap<unknown, number> }): SqlCompiler
}

/** A cached template with the binds of the statement it is used for. */
export interface CacheEntry {
  readonly template: CompiledTemplate
  readonly binds: readonly BindParam[]
}

/**
 * Compiled templates of one dialect: first by statement identity (a WeakMap, no traversal), then by
 * shape in a bounded LRU, so rebuilding the same query with other values reuses the compiled SQL.
 */
export class StatementCache {
  private readonly byIdentity = new WeakMap<ClauseElement, CacheEntry>()
  private readonly byShape = new Map<string, CompiledTemplate>()
  /** Hits and misses, for tests and benchmarks. */
  readonly stats = { identityHits: 0, shapeHits: 0, misses: 0 }

  constructor(readonly maxShapes: number) {}

  /** The template of `stmt`, and (on a shape hit) the binds to use in place of the template's own. */
  lookup(stmt: ClauseElement, dialect: CompilerSource): CacheEntry {
    const own = this.byIdentity.get(stmt)
    if (own !== undefined) {
      this.stats.identityHits++
      return own
    }
    const shape = shapeOf(stmt)
    let template = this.byShape.get(shape.key)
    if (template !== undefined) {
      this.stats.shapeHits++
      this.byShape.delete(shape.key)
      this.byShape.set(shape.key, template)
    } else {
      this.stats.misses++
      const bindIndex = new Map(shape.binds.map((b, i) => [b, i]))
      template = dialect.createCompiler({ bindIndex }).compileStatement(stmt)
      this.byShape.set(shape.key, template)
      if (this.byShape.size > this.maxShapes) this.byShape.delete(this.byShape.keys().next().value!)
    }
    // The template's slots index into the traversal order; bind it with this statement's binds.
    const entry = { template, binds: shape.binds }
    this.byIdentity.set(stmt, entry)
    return entry
  }

  /** The template only (values of the statement it was first compiled from). */
  get(stmt: ClauseElement, dialect: CompilerSource): CompiledTemplate {
    return this.lookup(stmt, dialect).template
  }
}
