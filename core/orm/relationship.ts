/**
 * Relationships between mapped classes: how they resolve to foreign keys (many-to-one,
 * one-to-many, many-to-many through a secondary table) and their cascades. The declaration only:
 * attribute access lives in relationship-accessor.ts, collection and backref events in
 * collections.ts (docs/ARCHITECTURE.md, "Layers").
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
import { describeValue } from '../util/describe-value.js'
import { anyRelated, containsRelated, hasRelated, type RelatedCriterion, refersTo } from './comparators.js'
import type { Mapper } from './mapper.js'

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
  #mapperOf: ((cls: EntityType<any>) => Mapper) | undefined
  readonly cascade: ReadonlySet<string>

  constructor(
    readonly targetThunk: () => EntityType<T>,
    readonly options: RelationshipOptions = {},
  ) {
    if (typeof targetThunk !== 'function')
      throw new ArgumentError('relationship() takes a function returning the related class: () => Address')
    this.cascade = parseCascade('relationship()', options.cascade)
  }

  /**
   * @internal Called by the mapper that finds this relationship on its class; `mapperOf` resolves
   * the related class later (handed in, so declarations do not import the mapper registry).
   */
  attach(parent: Mapper, key: string, mapperOf: (cls: EntityType<any>) => Mapper): void {
    if (this.#parent !== undefined && this.#parent !== parent)
      throw new ArgumentError(
        `The same relationship() object is used by ${this.#parent.name} and ${parent.name}`,
      )
    this.#parent = parent
    this.#key = key
    this.#mapperOf = mapperOf
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
          `${this}: orderBy takes columns or orderings (col.desc()), got ${describeValue(o)}`,
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
    const target = this.#mapperOf!(targetCls)
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
