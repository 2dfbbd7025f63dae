/**
 * Relationships between mapped classes: how they resolve to foreign keys (many-to-one,
 * one-to-many, many-to-many through a secondary table), their cascades, and the attribute
 * accessors that keep `backPopulates` sides in step in memory.
 * @module
 */
import { ArgumentError } from '../errors.js'
import type { Column } from '../schema/column.js'
import type { Table } from '../schema/table.js'
import { and } from '../sql/constructors.js'
import { ColumnElement, type FromClause, OrderByElement } from '../sql/elements.js'
import { type JoinKind, joinOf } from '../sql/from-clauses.js'
import type { EntityType } from '../sql/row-types.js'
import type { OrderByArg } from '../sql/select.js'
import { instrumentedList, rawList } from './collections.js'
import { anyRelated, containsRelated, hasRelated, type RelatedCriterion, refersTo } from './comparators.js'
import { type Mapper, mapperOf } from './mapper.js'
import { type InstanceState, NOT_LOADED, STATE, stateOf } from './state.js'
import { unloadedRelationship } from './unloaded.js'

/** Which side holds the foreign key. */
export type RelationshipDirection = 'many-to-one' | 'one-to-many' | 'many-to-many'

/** How a relationship loads when its parent is queried, unless a loader option says otherwise. */
export type LazyStrategy = 'raise' | 'selectin' | 'joined' | 'noload'

/** Options of {@link relationship}. */
export interface RelationshipOptions {
  /** The attribute on the other class that mirrors this one; both are kept in step in memory. */
  backPopulates?: string
  /** The association table of a many-to-many relationship. */
  secondary?: Table | (() => Table)
  /** A collection (array) or a single object; inferred from the direction. */
  uselist?: boolean
  /**
   * SQLAlchemy's cascade string: `'save-update, merge'` (the default), `'all'`,
   * `'all, delete-orphan'`, `'save-update, merge, delete'`...
   */
  cascade?: string
  /** Leave unloaded children to the database's ON DELETE (no SELECT or UPDATE for them). */
  passiveDeletes?: boolean
  /** The foreign key columns to use when several connect the two tables. */
  foreignKeys?: readonly Column<any, any>[] | (() => readonly Column<any, any>[])
  /** For a self-referential relationship: the columns on the "one" side (makes it many-to-one). */
  remoteSide?: readonly Column<any, any>[] | (() => readonly Column<any, any>[])
  /**
   * `'raise'` (default: nothing loads; reading it unloaded raises), `'selectin'` (one more SELECT
   * with every query of the parent), `'joined'` (a LEFT OUTER JOIN in every query of the parent),
   * `'noload'` (never loaded: reads as an empty collection or null).
   */
  lazy?: LazyStrategy
  /**
   * The order of a collection (columns or orderings of the related table, or of the secondary
   * table), used by every loader: `orderBy: () => [Post.c.createdAt.desc()]`. The related key
   * breaks ties.
   */
  orderBy?: OrderByArg | readonly OrderByArg[] | (() => OrderByArg | readonly OrderByArg[])
}

const CASCADE_ALL = ['save-update', 'merge', 'refresh-expire', 'expunge', 'delete']
const CASCADE_NAMES = new Set([...CASCADE_ALL, 'delete-orphan', 'all', 'none'])

function parseCascade(owner: string, text: string | undefined): Set<string> {
  const out = new Set<string>()
  const parts = (text ?? 'save-update, merge')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
  for (const p of parts) {
    if (!CASCADE_NAMES.has(p))
      throw new ArgumentError(`${owner}: unknown cascade "${p}" (known: ${[...CASCADE_NAMES].join(', ')})`)
    if (p === 'all') for (const c of CASCADE_ALL) out.add(c)
    else if (p !== 'none') out.add(p)
  }
  if (out.has('delete-orphan') && !out.has('delete'))
    throw new ArgumentError(`${owner}: cascade "delete-orphan" needs "delete" too ('all, delete-orphan')`)
  return out
}

function columnsOf(
  given: readonly Column<any, any>[] | (() => readonly Column<any, any>[]) | undefined,
): readonly Column<any, any>[] | undefined {
  return typeof given === 'function' ? given() : given
}

/**
 * A relationship attribute. Declared as a static field of the mapped class, so it is also the
 * class-level handle for loader options (`selectinload(User.addresses)`).
 */
export class Relationship<T = unknown> {
  /** Phantom: the related class's instances. */
  declare readonly __target: T
  #parent: Mapper | undefined
  #key: string | undefined
  #resolved = false
  #target: Mapper | undefined
  #direction: RelationshipDirection = 'many-to-one'
  #uselist = false
  #pairs: (readonly [Column<any, any>, Column<any, any>])[] = []
  #secondaryPairs: (readonly [Column<any, any>, Column<any, any>])[] = []
  #secondary: Table | undefined
  #orderBy: readonly OrderByArg[] | undefined
  readonly cascade: ReadonlySet<string>

  constructor(
    readonly targetThunk: () => EntityType<T>,
    readonly options: RelationshipOptions = {},
  ) {
    if (typeof targetThunk !== 'function')
      throw new ArgumentError('relationship() takes a function returning the related class: () => Address')
    this.cascade = parseCascade('relationship()', options.cascade)
  }

  /** @internal Called by the mapper that finds this relationship on its class. */
  attach(parent: Mapper, key: string): void {
    if (this.#parent !== undefined && this.#parent !== parent)
      throw new ArgumentError(
        `The same relationship() object is used by ${this.#parent.name} and ${parent.name}`,
      )
    this.#parent = parent
    this.#key = key
  }

  /** The attribute key. */
  get key(): string {
    if (this.#key === undefined)
      throw new ArgumentError('This relationship() is not declared on a mapped class')
    return this.#key
  }
  /** The mapper of the class declaring it. */
  get parent(): Mapper {
    if (this.#parent === undefined)
      throw new ArgumentError('This relationship() is not declared on a mapped class (a static field of it)')
    return this.#parent
  }
  /** The related class's mapper. */
  get target(): Mapper {
    this.resolve()
    return this.#target!
  }
  get direction(): RelationshipDirection {
    this.resolve()
    return this.#direction
  }
  /** True for a collection. */
  get uselist(): boolean {
    this.resolve()
    return this.#uselist
  }
  /**
   * Column pairs: for many-to-one `[local foreign key, target key]`; for one-to-many
   * `[local key, target foreign key]`; for many-to-many `[local key, secondary column]`.
   */
  get pairs(): readonly (readonly [Column<any, any>, Column<any, any>])[] {
    this.resolve()
    return this.#pairs
  }
  /** Many-to-many: `[target key, secondary column]`. */
  get secondaryPairs(): readonly (readonly [Column<any, any>, Column<any, any>])[] {
    this.resolve()
    return this.#secondaryPairs
  }
  get secondary(): Table | undefined {
    this.resolve()
    return this.#secondary
  }
  /** The relationship on the other side named by `backPopulates`. */
  get backRelationship(): Relationship<any> | undefined {
    const name = this.options.backPopulates
    if (name === undefined) return undefined
    const back = this.target.relationships.get(name)
    if (back === undefined)
      throw new ArgumentError(
        `${this.parent.name}.${this.key}: backPopulates "${name}" is not a relationship of ${this.target.name}`,
      )
    return back
  }
  /** The `orderBy` option as a list (empty when none is given). */
  get orderBy(): readonly OrderByArg[] {
    if (this.#orderBy !== undefined) return this.#orderBy
    const given = this.options.orderBy
    const value = typeof given === 'function' ? given() : given
    const list = value === undefined ? [] : Array.isArray(value) ? [...value] : [value as OrderByArg]
    for (const o of list)
      if (!(o instanceof ColumnElement) && !(o instanceof OrderByElement))
        throw new ArgumentError(
          `${this}: orderBy takes columns or orderings (col.desc()), got ${describe(o)}`,
        )
    this.#orderBy = list
    return list
  }

  /**
   * `select(User).join(User.addresses)`: joins the related table (and the secondary table of a
   * many-to-many) onto `left` along the relationship's columns. A self-referential relationship
   * needs an alias and an explicit condition instead.
   */
  __joinOnto__(left: FromClause, kind: JoinKind): FromClause {
    const target = this.target.table
    if (target === this.parent.table)
      throw new ArgumentError(
        `${this} refers to its own table: join an alias with an explicit condition, ` +
          `e.g. const child = ${this.parent.name}.__table__.alias('child'); select(...).join(child, <condition>)`,
      )
    const eq = (pairs: readonly (readonly [Column<any, any>, Column<any, any>])[]) =>
      and(...pairs.map(([a, b]) => a.eq(b as never)))!
    if (this.direction !== 'many-to-many') return joinOf(left, target, eq(this.pairs), kind)
    const viaSecondary = joinOf(left, this.secondary!, eq(this.pairs), kind)
    return joinOf(viaSecondary, target, eq(this.secondaryPairs), kind)
  }

  /**
   * `EXISTS` a related row (one-to-many, many-to-many), optionally matching a condition:
   * `select(User).where(User.addresses.any(Address.c.email.like('%@x.org')))`. For a table that
   * refers to itself, give a function of the related rows: `Node.children.any((c) => c.c.name.eq('x'))`.
   */
  any(criterion?: RelatedCriterion): ColumnElement<boolean> {
    return anyRelated(this, criterion)
  }
  /** `EXISTS` the related row of a many-to-one, optionally matching a condition: `Address.user.has(User.c.name.eq('Ann'))`. */
  has(criterion?: RelatedCriterion): ColumnElement<boolean> {
    return hasRelated(this, criterion)
  }
  /** Rows whose collection holds `obj`: `select(User).where(User.addresses.contains(address))`. */
  contains(obj: T): ColumnElement<boolean> {
    return containsRelated(this, obj as object)
  }
  /** Rows whose many-to-one is `obj` (compares the foreign key), or is empty for null. */
  eq(obj: T | null): ColumnElement<boolean> {
    return refersTo(this, obj as object | null)
  }

  /** `Class.key`, for messages. */
  toString(): string {
    return `${this.#parent?.name ?? '?'}.${this.#key ?? '?'}`
  }

  /** Works out direction and columns from the foreign keys (on first use: classes may be declared later). */
  resolve(): void {
    if (this.#resolved) return
    const owner = `${this.parent.name}.${this.key}`
    let targetCls: EntityType<T>
    try {
      targetCls = this.targetThunk()
    } catch (err) {
      throw new ArgumentError(`${owner}: the related class is not defined yet (${String(err)})`)
    }
    const target = mapperOf(targetCls)
    const local = this.parent.table
    const remote = target.table
    const secondary =
      typeof this.options.secondary === 'function' ? this.options.secondary() : this.options.secondary
    const only = columnsOf(this.options.foreignKeys)
    /** The foreign key pairs `[column of t, referred column]` of the constraints of `t` that refer to `refers`. */
    const pick = (t: Table, refers: Table) => {
      const fks = t.foreignKeys.filter(
        (fk) =>
          fk.referred.every((c) => c.table === refers) &&
          (only === undefined || fk.columns.every((k) => only.includes(t.columnByKey(k)))),
      )
      if (fks.length > 1)
        throw new ArgumentError(
          `${owner}: several foreign keys of ${t.name} refer to ${refers.name}; say which with foreignKeys: () => [...]`,
        )
      const fk = fks[0]
      return fk === undefined ? [] : fk.columns.map((k, i) => [t.columnByKey(k), fk.referred[i]!] as const)
    }
    if (secondary !== undefined) {
      const toLocal = local === remote ? [] : pick(secondary, local)
      const toRemote = local === remote ? [] : pick(secondary, remote)
      let localPairs = toLocal
      let remotePairs = toRemote
      if (local === remote) {
        // self-referential: the first foreign key is this side, the second the related side
        const fks = secondary.foreignKeys.filter((fk) => fk.referred.every((c) => c.table === local))
        if (fks.length !== 2)
          throw new ArgumentError(
            `${owner}: a self-referential secondary table needs exactly two foreign keys`,
          )
        const pairsOf = (i: number) =>
          fks[i]!.columns.map((k, j) => [secondary.columnByKey(k), fks[i]!.referred[j]!] as const)
        localPairs = pairsOf(0)
        remotePairs = pairsOf(1)
      }
      if (localPairs.length === 0 || remotePairs.length === 0)
        throw new ArgumentError(
          `${owner}: the secondary table ${secondary.name} needs foreign keys to both ${local.name} and ${remote.name}`,
        )
      this.#direction = 'many-to-many'
      this.#pairs = localPairs.map(([sec, key]) => [key, sec] as const)
      this.#secondaryPairs = remotePairs.map(([sec, key]) => [key, sec] as const)
      this.#secondary = secondary
      this.#uselist = this.options.uselist ?? true
    } else {
      const toRemote = pick(local, remote)
      const fromRemote = local === remote ? [] : pick(remote, local)
      if (local === remote) {
        const remoteSide = columnsOf(this.options.remoteSide)
        if (toRemote.length === 0)
          throw new ArgumentError(`${owner}: ${local.name} has no foreign key to itself`)
        if (remoteSide !== undefined && toRemote.every(([, ref]) => remoteSide.includes(ref))) {
          this.#direction = 'many-to-one'
          this.#pairs = toRemote
        } else {
          this.#direction = 'one-to-many'
          this.#pairs = toRemote.map(([fk, ref]) => [ref, fk] as const)
        }
      } else if (toRemote.length > 0 && fromRemote.length > 0) {
        throw new ArgumentError(
          `${owner}: ${local.name} and ${remote.name} have foreign keys both ways; say which with foreignKeys: () => [...]`,
        )
      } else if (toRemote.length > 0) {
        this.#direction = 'many-to-one'
        this.#pairs = toRemote
      } else if (fromRemote.length > 0) {
        this.#direction = 'one-to-many'
        this.#pairs = fromRemote.map(([fk, ref]) => [ref, fk] as const)
      } else {
        throw new ArgumentError(
          `${owner}: no foreign key connects ${local.name} and ${remote.name} (give one a foreignKey, or use secondary for many-to-many)`,
        )
      }
      const distinct = new Set(this.#pairs.map(([a]) => a))
      if (distinct.size !== this.#pairs.length)
        throw new ArgumentError(
          `${owner}: several foreign keys qualify; say which with foreignKeys: () => [...]`,
        )
      this.#uselist = this.options.uselist ?? this.#direction === 'one-to-many'
    }
    this.#target = target
    this.#resolved = true
    if (
      this.cascade.has('delete-orphan') &&
      this.#direction === 'many-to-one' &&
      this.options.uselist !== true
    )
      throw new ArgumentError(`${owner}: delete-orphan belongs on the one-to-many side`)
  }
}

/**
 * Declares a relationship as a static field of a mapped class; TypeScript's rule against a class
 * referring to itself in its base expression (TS2506) does not apply to static fields.
 *
 * ```ts
 * class User extends Base.mapped('users', { id: mappedColumn(t.Integer, { primaryKey: true }) }) {
 *   declare addresses: Address[]
 *   static addresses: Relationship<Address> = relationship(() => Address, { backPopulates: 'user' })
 * }
 * ```
 */
export function relationship<C extends EntityType<any>>(
  target: () => C,
  options: RelationshipOptions = {},
): Relationship<InstanceType<C>> {
  return new Relationship(target as () => EntityType<InstanceType<C>>, options)
}

/** Defines the accessor of a relationship attribute on the mapped class's prototype. */
export function defineRelationshipAccessor(mapper: Mapper, rel: Relationship<any>): void {
  const key = rel.key
  const own = Object.getOwnPropertyDescriptor(mapper.cls.prototype, key)
  if (own !== undefined)
    throw new ArgumentError(
      `${mapper.name}.${key}: the class defines "${key}" itself, which hides the relationship`,
    )
  Object.defineProperty(mapper.cls.prototype, key, {
    configurable: true,
    enumerable: false,
    get(this: { [STATE]: InstanceState }) {
      const state = this[STATE]
      if (key in state.dict) return state.dict[key]
      return unloadedRelationship(state, rel)
    },
    set(this: { [STATE]: InstanceState }, value: unknown) {
      setRelationship(this[STATE], rel, value)
    },
  })
}

/** Records a change of `key` for history and rollback; call before writing `state.dict`. */
export function recordChange(state: InstanceState, key: string): void {
  const loaded = key in state.dict
  const before = loaded ? state.dict[key] : undefined
  const copy = Array.isArray(before) ? [...rawList(before)] : before
  if (state.key !== undefined && !state.committed.has(key))
    state.noteCommitted(key, loaded ? copy : NOT_LOADED)
  state.session?.recordForRollback(state, key, copy, loaded)
  state.modified = true
  state.session?.markDirty(state)
}

function checkRelated(rel: Relationship<any>, value: unknown): InstanceState {
  const st = stateOf(value)
  if (st === undefined || !(st.obj instanceof (rel.target.cls as new () => object)))
    throw new ArgumentError(`${rel}: expected a ${rel.target.name}, got ${describe(value)}`)
  return st
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value !== 'object') return typeof value
  return (value as object).constructor?.name ?? 'an object'
}

/** Assigns a relationship attribute (a whole collection, or one object), keeping the other side in step. */
export function setRelationship(state: InstanceState, rel: Relationship<any>, value: unknown): void {
  if (rel.uselist) {
    if (!Array.isArray(value)) throw new ArgumentError(`${rel} is a collection: assign an array`)
    const before = state.dict[rel.key] as object[] | undefined
    const items = [...value]
    for (const v of items) checkRelated(rel, v)
    recordChange(state, rel.key)
    state.dict[rel.key] = instrumentedList(state, rel, items)
    const old = before === undefined ? [] : rawList(before)
    for (const o of old) if (!items.includes(o)) onRemove(state, rel, o)
    for (const v of items) if (!old.includes(v)) onAppend(state, rel, v)
    return
  }
  if (value !== null && value !== undefined) checkRelated(rel, value)
  const next = value ?? null
  const before = state.dict[rel.key]
  if (before === next && rel.key in state.dict) return
  recordChange(state, rel.key)
  state.dict[rel.key] = next
  if (before !== undefined && before !== null && before !== next) backRemove(state, rel, before as object)
  if (next !== null) backAdd(state, rel, next as object)
}

/** A collection gained `child`: set the back side, cascade save-update. */
export function onAppend(parent: InstanceState, rel: Relationship<any>, child: object): void {
  checkRelated(rel, child)
  backAdd(parent, rel, child)
}

/** A collection lost `child`: clear the back side. */
export function onRemove(parent: InstanceState, rel: Relationship<any>, child: object): void {
  backRemove(parent, rel, child)
}

function backAdd(parent: InstanceState, rel: Relationship<any>, child: object): void {
  const childState = stateOf(child)!
  if (rel.cascade.has('save-update') && parent.session !== undefined) parent.session.cascadeAdd(childState)
  const back = rel.backRelationship
  if (back === undefined) return
  // the other side gains `parent`: its save-update cascade brings `parent` into its session
  if (back.cascade.has('save-update') && childState.session !== undefined && parent.session === undefined)
    childState.session.cascadeAdd(parent)
  if (back.uselist) {
    const list = childState.dict[back.key] as object[] | undefined
    if (list === undefined) {
      if (childState.key !== undefined) return // not loaded on a persistent object: it reloads with the change
      recordChange(childState, back.key)
      childState.dict[back.key] = instrumentedList(childState, back, [parent.obj])
      return
    }
    const raw = rawList(list)
    if (!raw.includes(parent.obj)) {
      recordChange(childState, back.key)
      raw.push(parent.obj)
    }
  } else {
    const old = childState.dict[back.key]
    if (old === parent.obj) return
    recordChange(childState, back.key)
    childState.dict[back.key] = parent.obj
    // the child leaves its previous parent's collection
    if (old !== undefined && old !== null) {
      const oldState = stateOf(old)!
      const list = oldState.dict[rel.key] as object[] | undefined
      if (list !== undefined && rel.uselist) {
        const raw = rawList(list)
        const i = raw.indexOf(child)
        if (i >= 0) {
          recordChange(oldState, rel.key)
          raw.splice(i, 1)
        }
      } else if (!rel.uselist && oldState.dict[rel.key] === child) {
        recordChange(oldState, rel.key)
        oldState.dict[rel.key] = null
      }
    }
  }
}

function backRemove(parent: InstanceState, rel: Relationship<any>, child: object): void {
  const back = rel.backRelationship
  if (back === undefined) return
  const childState = stateOf(child)!
  if (back.uselist) {
    const list = childState.dict[back.key] as object[] | undefined
    if (list === undefined) return
    const raw = rawList(list)
    const i = raw.indexOf(parent.obj)
    if (i >= 0) {
      recordChange(childState, back.key)
      raw.splice(i, 1)
    }
  } else if (childState.dict[back.key] === parent.obj) {
    recordChange(childState, back.key)
    childState.dict[back.key] = null
  }
}
