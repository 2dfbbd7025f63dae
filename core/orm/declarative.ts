/**
 * Declarative mapping: `class User extends Base.mapped('users', { ... }) { ... }`. The class made
 * by `mapped()` owns the Table, a constructor that takes a partial object, and one accessor per
 * column on its prototype (instances hold only their ORM state).
 * @module
 */
import { ArgumentError, DetachedInstanceError } from '../errors.js'
import {
  Column,
  type ColumnInputValue,
  type ColumnOptions,
  type ColumnValue,
  type InputOf,
} from '../schema/column.js'
import type { SchemaItem } from '../schema/constraints.js'
import { MetaData } from '../schema/metadata.js'
import { Table, type TableColumns } from '../schema/table.js'
import type { SqlType } from '../sql/types.js'
import { checkAttributeName, GENERATED, type GeneratedInfo, type Mapper, mapperOf } from './mapper.js'
import { InstanceState, NOT_LOADED, STATE } from './state.js'
import { unloadedColumn } from './unloaded.js'

type AnyColumn = Column<any, any, any, any>

/** The attribute values of an instance mapped from column map `Spec`. */
export type MappedValues<Spec> = {
  -readonly [K in keyof Spec]: Spec[K] extends Column<infer S, infer O, any, any> ? ColumnValue<S, O> : never
}

/** What the constructor of a mapped class takes: any columns (and relationships, checked at run time). */
export type MappedInit<Spec> = {
  [K in keyof Spec]?: Spec[K] extends Column<infer S, infer O, any, any> ? ColumnInputValue<S, O> : never
} & Record<string, unknown>

/** `obj.awaitableAttrs.name`: each attribute as a promise that loads it when it is not loaded. */
export type AwaitableAttrs<T> = {
  readonly [K in keyof T as K extends 'awaitableAttrs' ? never : K]: Promise<T[K]>
}

/** Members every mapped object has. */
export interface MappedObject {
  /** Explicit async loading: `await user.awaitableAttrs.addresses`. */
  readonly awaitableAttrs: AwaitableAttrs<this>
}

/** The class `Base.mapped(...)` returns, to extend. */
export interface MappedClass<TB extends string, Spec> {
  new (init?: MappedInit<Spec>): MappedValues<Spec> & MappedObject
  /** The table behind the class. */
  readonly __table__: Table<TB, Spec & Record<string, AnyColumn>>
  /** Column expressions for queries: `User.c.name.like('A%')`. Relationships are not here. */
  readonly c: TableColumns<Spec, TB>
  readonly __tableName: TB
  /** The metadata of the declarative base (`createAll` creates the tables). */
  readonly metadata: MetaData
  /** The table, for `select(User)`. */
  __clauseElement__(): Table<TB, Spec & Record<string, AnyColumn>>
}

/**
 * A mapped column: a `Column` declared in a class's column map.
 *
 * ```ts
 * name: mappedColumn(t.String(50), { nullable: false })
 * ```
 */
export function mappedColumn<S extends SqlType, const O extends ColumnOptions<InputOf<S> | null> = {}>(
  type: S,
  options?: O,
): Column<S, O> {
  return new Column(type, (options ?? {}) as O)
}

/** Where awaitableAttrs loads from: the object's session. */
export interface AttributeLoader {
  loadAttributes(state: InstanceState, keys: readonly string[]): Promise<void>
}

const awaitableClasses = new WeakMap<Mapper, new (state: InstanceState) => object>()

async function loadAttribute(state: InstanceState, key: string): Promise<unknown> {
  if (!(key in state.dict) && state.key !== undefined) {
    if (state.session === undefined)
      throw new DetachedInstanceError(
        `${state.mapper.name}.${key} cannot load: the object is detached from its session`,
      )
    await (state.session as unknown as AttributeLoader).loadAttributes(state, [key])
  }
  return (state.obj as Record<string, unknown>)[key]
}

function awaitableAttrsOf(state: InstanceState): object {
  let cls = awaitableClasses.get(state.mapper)
  if (cls === undefined) {
    cls = class AwaitableAttrs {
      constructor(readonly state: InstanceState) {}
    }
    for (const key of state.mapper.attributeKeys())
      Object.defineProperty(cls.prototype, key, {
        get(this: { state: InstanceState }) {
          return loadAttribute(this.state, key)
        },
      })
    awaitableClasses.set(state.mapper, cls)
  }
  return new cls(state)
}

/** Base of every class `mapped()` makes: the constructor and `awaitableAttrs`. */
class MappedBase {
  constructor(init?: Record<string, unknown>) {
    const mapper = mapperOf(new.target)
    const state = new InstanceState(mapper, this)
    ;(this as unknown as { [STATE]: InstanceState })[STATE] = state
    if (mapper.polymorphicOn !== undefined && mapper.polymorphicIdentity !== undefined)
      state.dict[mapper.polymorphicOn] = mapper.polymorphicIdentity
    if (init === undefined) return
    if (typeof init !== 'object' || init === null || Array.isArray(init))
      throw new ArgumentError(`new ${mapper.name}() takes an object of attribute values`)
    for (const key of Object.keys(init)) {
      if (!mapper.hasAttribute(key))
        throw new ArgumentError(
          `${mapper.name} has no attribute "${key}" (attributes: ${mapper.attributeKeys().join(', ')})`,
        )
      ;(this as Record<string, unknown>)[key] = init[key]
    }
  }
  get awaitableAttrs(): object {
    return awaitableAttrsOf((this as unknown as { [STATE]: InstanceState })[STATE])
  }
}

function defineColumnAccessor(proto: object, key: string): void {
  Object.defineProperty(proto, key, {
    configurable: true,
    enumerable: true,
    get(this: { [STATE]: InstanceState }) {
      const state = this[STATE]
      const v = state.dict[key]
      return v !== undefined || key in state.dict ? v : unloadedColumn(state, key)
    },
    set(this: { [STATE]: InstanceState }, value: unknown) {
      setColumn(this[STATE], key, value)
    },
  })
}

/** Assigns a column attribute, keeping its history. */
export function setColumn(state: InstanceState, key: string, value: unknown): void {
  const loaded = key in state.dict
  const before = state.dict[key]
  if (state.key !== undefined && !state.committed.has(key))
    state.noteCommitted(key, loaded ? before : NOT_LOADED)
  state.session?.recordForRollback(state, key, before, loaded)
  state.dict[key] = value
  state.modified = true
  state.session?.markDirty(state)
}

const metadatas = new WeakMap<Function, MetaData>()

/**
 * The base of a family of mapped classes; each subclass has its own `metadata`.
 *
 * ```ts
 * class Base extends DeclarativeBase {}
 * class User extends Base.mapped('users', {
 *   id: mappedColumn(t.Integer, { primaryKey: true }),
 *   name: mappedColumn(t.String(50)),
 * }) {
 *   declare addresses: Address[]
 *   static addresses: Relationship<Address> = relationship(() => Address, { backPopulates: 'user' })
 *   get label() { return this.name.toUpperCase() }
 * }
 * await Base.metadata.createAll(engine)
 * ```
 */
export class DeclarativeBase {
  /** The tables of this base's mapped classes. */
  static get metadata(): MetaData {
    let m = metadatas.get(this)
    if (m === undefined) {
      m = new MetaData()
      metadatas.set(this, m)
    }
    return m
  }

  /**
   * A class to extend, mapping a new table (`name` and columns) or an existing `Table`. Use only
   * `declare` for fields of the subclass: a class field would hide the mapped attribute.
   */
  static mapped<const TB extends string, const Spec extends Record<string, AnyColumn>>(
    name: TB,
    columns: Spec,
    ...items: SchemaItem[]
  ): MappedClass<TB, Spec>
  static mapped<TB extends string, Spec extends Record<string, AnyColumn>>(
    table: Table<TB, Spec>,
  ): MappedClass<TB, Spec>
  static mapped(
    nameOrTable: string | Table,
    columns?: Record<string, AnyColumn>,
    ...items: SchemaItem[]
  ): MappedClass<string, Record<string, AnyColumn>> {
    const metadata = this.metadata
    let table: Table
    if (nameOrTable instanceof Table) table = nameOrTable
    else {
      if (columns === undefined) throw new ArgumentError(`mapped('${nameOrTable}') needs a column map`)
      for (const key of Object.keys(columns)) checkAttributeName(`Table ${nameOrTable}`, key)
      table = new Table(nameOrTable, metadata, columns, ...items)
    }
    for (const col of table.columns) checkAttributeName(`Table ${table.name}`, col.key)
    const info: GeneratedInfo = { table, mapped: undefined }
    const generated = class extends MappedBase {
      static readonly __table__ = table
      static readonly c = table.c
      static readonly metadata = table.metadata
      static __clauseElement__(this: Function): Table {
        mapperOf(this)
        return table
      }
      /** Single-table inheritance: an INSERT of the class carries its discriminator value. */
      static __insertValues__(this: Function) {
        const m = mapperOf(this)
        if (m.polymorphicOn === undefined || m.polymorphicIdentity === undefined) return undefined
        return { [m.polymorphicOn]: m.polymorphicIdentity }
      }
      /** A subclass (single-table inheritance): UPDATE/DELETE touch only its rows. */
      static __dmlCriteria__(this: Function) {
        const m = mapperOf(this)
        if (m.inherits === undefined || m.polymorphicOn === undefined) return undefined
        return table.columnByKey(m.polymorphicOn).in(m.polymorphicIdentities() as never[])
      }
    }
    Object.defineProperty(generated, GENERATED, { value: info })
    Object.defineProperty(generated, 'name', { value: `Mapped_${table.name}` })
    for (const col of table.columns) defineColumnAccessor(generated.prototype, col.key)
    return generated as unknown as MappedClass<string, Record<string, AnyColumn>>
  }
}
