/**
 * The mapper: which class maps which table, its column attributes, primary key and
 * relationships, and how identity keys are made.
 * @module
 */
import { ArgumentError, InvalidRequestError } from '../errors.js'
import type { Column } from '../schema/column.js'
import type { Table } from '../schema/table.js'
import { Relationship } from './relationship.js'
import { defineRelationshipAccessor } from './relationship-accessor.js'

/** On a class made by `Base.mapped(...)`: the table it maps (found by walking the prototype chain). */
export const GENERATED: unique symbol = Symbol('edgealchemy.orm.generated')
const MAPPER: unique symbol = Symbol('edgealchemy.orm.mapper')

/** What `Base.mapped()` records on the class it makes. */
export interface GeneratedInfo {
  readonly table: Table
  /** The user's subclass mapped to the table, once seen. */
  mapped: Function | undefined
}

/**
 * Mapper configuration of a class, given in a static block so it is known when the class is
 * defined: `static { mapperArgs(this, { versionIdCol: 'version' }) }`.
 */
export interface MapperArgs {
  /** A column counting the row's versions: UPDATE and DELETE check it (optimistic concurrency). */
  readonly versionIdCol?: string
  /** Single-table inheritance: the discriminator column (on the base class). */
  readonly polymorphicOn?: string
  /** Single-table inheritance: this class's discriminator value. */
  readonly polymorphicIdentity?: unknown
}

const argsByClass = new WeakMap<Function, MapperArgs>()
/** Subclasses that declared a polymorphic identity, by the class they extend. */
const polymorphicSubclasses = new WeakMap<Function, Function[]>()

/**
 * Configures the mapper of `cls`; call it in a static block of the class.
 *
 * ```ts
 * class Doc extends Base.mapped('docs', { ..., version: mappedColumn(t.Integer, { nullable: false }) }) {
 *   static { mapperArgs(this, { versionIdCol: 'version' }) }
 * }
 * ```
 */
export function mapperArgs(cls: Function, args: MapperArgs): void {
  if (typeof cls !== 'function')
    throw new ArgumentError('mapperArgs(this, {...}) is called in a static block of the class')
  if (Object.hasOwn(cls, MAPPER))
    throw new ArgumentError(`${cls.name}: mapperArgs() must run when the class is defined, before it is used`)
  argsByClass.set(cls, Object.freeze({ ...args }))
  if (args.polymorphicIdentity !== undefined) {
    const parent = Object.getPrototypeOf(cls) as Function
    const list = polymorphicSubclasses.get(parent)
    if (list) list.push(cls)
    else polymorphicSubclasses.set(parent, [cls])
  }
}

/** @internal The mapper arguments given for `cls` itself. */
export function ownMapperArgs(cls: Function): MapperArgs {
  return argsByClass.get(cls) ?? {}
}

/** @internal The classes extending `cls` that declared a polymorphic identity. */
export function declaredSubclasses(cls: Function): readonly Function[] {
  return polymorphicSubclasses.get(cls) ?? []
}

/** Attribute names the ORM keeps for itself. */
const RESERVED = new Set(['then', 'awaitableAttrs', 'constructor', '__proto__'])

/** Refuses attribute names that would break entities (`then` makes them thenable). */
export function checkAttributeName(owner: string, key: string): void {
  if (RESERVED.has(key))
    throw new ArgumentError(
      key === 'then'
        ? `${owner}: a mapped attribute may not be named "then" (every object would look like a Promise to await); map the column under another key, e.g. { then_: mappedColumn(..., { name: 'then' }) }`
        : `${owner}: "${key}" is reserved by the ORM; map the column under another key`,
    )
}

/** True for a `select()` argument that is a mapped class (it has the `__clauseElement__` hook). */
export function isEntity(arg: unknown): arg is Function {
  return (
    typeof arg === 'function' &&
    typeof (arg as { __clauseElement__?: unknown }).__clauseElement__ === 'function'
  )
}

/** The mapping of one class onto one table. */
export class Mapper {
  /** Column attributes, in table order. */
  readonly columns: readonly Column<any, any>[]
  readonly columnKeys: readonly string[]
  readonly columnSet: ReadonlySet<string>
  /** Primary key attribute keys. */
  readonly pkKeys: readonly string[]
  readonly pkColumns: readonly Column<any, any>[]
  /** Relationships by attribute key. */
  readonly relationships = new Map<string, Relationship<any>>()
  readonly relationshipList: Relationship<any>[] = []
  /** The version counter (`mapperArgs(this, { versionIdCol })`): UPDATE and DELETE check it. */
  readonly versionColumn: Column<any, any> | undefined
  /** Single-table inheritance: the discriminator column key (same on every mapper of the hierarchy). */
  readonly polymorphicOn: string | undefined
  /** Single-table inheritance: this class's discriminator value. */
  readonly polymorphicIdentity: unknown
  #polymorphicMap: Map<unknown, Mapper> | undefined

  constructor(
    readonly cls: Function,
    readonly table: Table,
    /** The mapper of the class this one extends (single-table inheritance). */
    readonly inherits?: Mapper,
  ) {
    this.columns = table.columns
    this.columnKeys = table.columns.map((c) => c.key)
    this.columnSet = new Set(this.columnKeys)
    this.pkColumns = table.primaryKeyColumns
    this.pkKeys = this.pkColumns.map((c) => c.key)
    if (this.pkKeys.length === 0)
      throw new ArgumentError(`${cls.name} maps table ${table.name}, which has no primary key`)
    const args = ownMapperArgs(cls)
    this.polymorphicOn = inherits?.polymorphicOn ?? args.polymorphicOn
    this.polymorphicIdentity = args.polymorphicIdentity
    if (this.polymorphicOn !== undefined && !this.columnSet.has(this.polymorphicOn))
      throw new ArgumentError(
        `${cls.name}: polymorphicOn "${this.polymorphicOn}" is not a column of ${table.name}`,
      )
    if (inherits !== undefined) {
      if (args.polymorphicOn !== undefined)
        throw new ArgumentError(`${cls.name}: polymorphicOn belongs on the base class ${inherits.name}`)
      for (const rel of inherits.relationshipList) {
        this.relationships.set(rel.key, rel)
        this.relationshipList.push(rel)
      }
    }
    this.versionColumn = inherits?.versionColumn ?? versionColumnOf(cls, table)
    if (inherits === undefined) mappersByTable.set(table, this)
  }

  /** The root of the hierarchy (itself without inheritance). */
  get base(): Mapper {
    return this.inherits?.base ?? this
  }

  /** True when this mapper is `other` or inherits from it. */
  isA(other: Mapper): boolean {
    return this === other || (this.inherits?.isA(other) ?? false)
  }

  /** The mapper for a discriminator value (single-table inheritance), among this one and its subclasses. */
  mapperForIdentity(value: unknown): Mapper {
    if (this.polymorphicOn === undefined) return this
    if (this.#polymorphicMap === undefined) {
      const map = new Map<unknown, Mapper>()
      const visit = (m: Mapper) => {
        if (m.polymorphicIdentity !== undefined) map.set(m.polymorphicIdentity, m)
        for (const sub of declaredSubclasses(m.cls)) visit(mapperOf(sub))
      }
      visit(this)
      this.#polymorphicMap = map
    }
    const found = this.#polymorphicMap.get(value)
    if (found === undefined)
      throw new InvalidRequestError(
        `No class of ${this.name}'s hierarchy has polymorphicIdentity ${JSON.stringify(value)} (column ${this.table.name}.${this.polymorphicOn}); declare it with static { mapperArgs(this, { polymorphicIdentity: ... }) }`,
      )
    return found
  }

  /** Discriminator values this mapper's rows may have: its own and its subclasses'. */
  polymorphicIdentities(): unknown[] {
    const out: unknown[] = []
    const visit = (m: Mapper) => {
      if (m.polymorphicIdentity !== undefined) out.push(m.polymorphicIdentity)
      for (const sub of declaredSubclasses(m.cls)) visit(mapperOf(sub))
    }
    visit(this)
    return out
  }

  /** The class name, for messages. */
  get name(): string {
    return this.cls.name || this.table.name
  }

  /** True for a column or relationship attribute. */
  hasAttribute(key: string): boolean {
    return this.columnSet.has(key) || this.relationships.has(key)
  }

  /** Every mapped attribute key, for messages. */
  attributeKeys(): string[] {
    return [...this.columnKeys, ...this.relationships.keys()]
  }

  /** The identity key of a row of this mapper from its primary key values; undefined if any is null. */
  identityKey(pk: readonly unknown[]): IdentityKey | undefined {
    this.#keySlot ??= tableSlot(this.table)
    if (pk.length === 1) {
      // the common case, a small non-negative integer key: a number, no string built or hashed per row
      const v = pk[0]
      const n = typeof v === 'bigint' && v >= 0n && v < SMALL_KEY ? Number(v) : v
      if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n < SMALL_KEY_NUMBER)
        return this.#keySlot * SMALL_KEY_NUMBER + n
    }
    let key = `${this.#keySlot}:`
    for (let i = 0; i < pk.length; i++) {
      const v = pk[i]
      if (v === null || v === undefined) return undefined
      key += i === 0 ? identityPart(v) : `\u0000${identityPart(v)}`
    }
    return key
  }
  #keySlot: number | undefined
}

let tableCount = 0
const tableSlots = new WeakMap<Table, number>()
/** A number per table for identity keys (shared by a hierarchy's mappers, which share the table). */
function tableSlot(table: Table): number {
  let n = tableSlots.get(table)
  if (n === undefined) tableSlots.set(table, (n = ++tableCount))
  return n
}
/** Integer keys below this are folded with the table's slot into one number. */
const SMALL_KEY_NUMBER = 2 ** 31
const SMALL_KEY = 2n ** 31n

/**
 * The identity of a row in a session: a number for a small integer key (table slot and key
 * folded together), else a string; compare with `===`, use as a Map key.
 */
export type IdentityKey = string | number

const INTEGER_KINDS = new Set(['integer', 'smallint', 'bigint'])
const mappersByTable = new WeakMap<Table, Mapper>()

/** @internal The (base) mapper of a table, once its class has been used; for writes given a table. */
export function mapperForTable(table: Table): Mapper | undefined {
  return mappersByTable.get(table)
}

/** The column `versionIdCol` names (on the class or a class it extends), checked. */
function versionColumnOf(cls: Function, table: Table): Column<any, any> | undefined {
  let name: string | undefined
  for (let c: Function | null = cls; c !== null && name === undefined; c = Object.getPrototypeOf(c))
    name = argsByClass.get(c)?.versionIdCol
  if (name === undefined) return undefined
  const col = table.columns.find((c) => c.key === name) ?? table.columns.find((c) => c.name === name)
  if (col === undefined)
    throw new ArgumentError(
      `${cls.name}: versionIdCol '${name}' is not a column of ${table.name} (columns: ${table.columns.map((c) => c.key).join(', ')})`,
    )
  if (col.primaryKey)
    throw new ArgumentError(`${cls.name}: versionIdCol '${name}' is part of the primary key`)
  if (!INTEGER_KINDS.has(col.type.kind))
    throw new ArgumentError(
      `${cls.name}: versionIdCol '${name}' must be an integer column (the ORM counts versions 1, 2, 3...), not ${col.type.toString()}`,
    )
  return col
}

/** One primary key value as text: numbers and bigints alike (`1` and `1n` are the same row). */
function identityPart(v: unknown): string {
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return `n${v}`
    case 'string':
      return `s${v}`
    case 'boolean':
      return `b${v}`
    default:
      if (v instanceof Date) return `d${v.getTime()}`
      if (v instanceof Uint8Array) return `x${Array.from(v, (b) => b.toString(16).padStart(2, '0')).join('')}`
      return `j${JSON.stringify(v)}`
  }
}

/**
 * The mapper of a mapped class (or of an instance's class). The first class seen below a
 * `Base.mapped(...)` class becomes the mapped one; its static `relationship(...)` fields are
 * registered then.
 */
export function mapperOf(target: unknown): Mapper {
  const cls = typeof target === 'function' ? target : (target as object | null)?.constructor
  if (typeof cls !== 'function') throw new ArgumentError('Expected a mapped class or one of its objects')
  if (Object.hasOwn(cls, MAPPER)) return (cls as unknown as { [MAPPER]: Mapper })[MAPPER]
  let gen: Function | null = cls
  while (gen !== null && !Object.hasOwn(gen, GENERATED)) gen = Object.getPrototypeOf(gen) as Function | null
  if (gen === null) throw new ArgumentError(`${cls.name || 'This class'} is not a mapped class`)
  const info = (gen as unknown as { [GENERATED]: GeneratedInfo })[GENERATED]
  if (info.mapped === undefined && Object.getPrototypeOf(cls) !== gen) {
    // the class right below Base.mapped(...) is the mapped one; subclasses come after it
    let top: Function = cls
    while (Object.getPrototypeOf(top) !== gen) top = Object.getPrototypeOf(top) as Function
    mapperOf(top)
    return mapperOf(cls)
  }
  if (info.mapped !== undefined && info.mapped !== cls) {
    const mapper = (info.mapped as unknown as { [MAPPER]: Mapper })[MAPPER]
    if (cls.prototype instanceof info.mapped) {
      const parent = mapperOf(Object.getPrototypeOf(cls))
      if (parent.polymorphicOn === undefined || ownMapperArgs(cls).polymorphicIdentity === undefined)
        throw new ArgumentError(
          `${cls.name} extends the mapped class ${parent.name}: single-table inheritance needs ` +
            `static { mapperArgs(this, { polymorphicOn: 'type', polymorphicIdentity: ... }) } on ${parent.name} and ` +
            `static { mapperArgs(this, { polymorphicIdentity: ... }) } on ${cls.name}`,
        )
      const sub = new Mapper(cls, info.table, parent)
      Object.defineProperty(cls, MAPPER, { value: sub, enumerable: false })
      registerRelationships(sub)
      return sub
    }
    throw new ArgumentError(
      `Table ${info.table.name} is already mapped by ${mapper.name}; ${cls.name} needs its own Base.mapped(...)`,
    )
  }
  const mapper = new Mapper(cls, info.table)
  info.mapped = cls
  Object.defineProperty(cls, MAPPER, { value: mapper, enumerable: false })
  registerRelationships(mapper)
  return mapper
}

function registerRelationships(mapper: Mapper): void {
  for (const name of Object.getOwnPropertyNames(mapper.cls)) {
    const value = (mapper.cls as unknown as Record<string, unknown>)[name]
    if (!(value instanceof Relationship)) continue
    checkAttributeName(mapper.name, name)
    if (mapper.columnSet.has(name))
      throw new ArgumentError(`${mapper.name}.${name} is both a column and a relationship`)
    value.attach(mapper, name, mapperOf)
    mapper.relationships.set(name, value)
    mapper.relationshipList.push(value)
    defineRelationshipAccessor(mapper, value)
  }
}
