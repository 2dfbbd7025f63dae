/**
 * The ORM's bookkeeping for one mapped object: its session, identity, loaded values and the
 * values it had when last flushed (SQLAlchemy's `InstanceState`). Stored on the object under a
 * symbol, so an object carries no enumerable extra property.
 * @module
 */

import type { IdentityKey, Mapper } from './mapper.js'
import { rawList } from './raw-list.js'
import type { Relationship } from './relationship.js'

/** The key under which an object keeps its {@link InstanceState}. */
export const STATE: unique symbol = Symbol.for('edgealchemy.orm.state')

/** What the state needs of the session that holds it. */
export interface SessionLink {
  /** Called when a persistent object's attribute changes, so the session can list it as dirty. */
  markDirty(state: InstanceState): void
  /** Called when a relationship gains an object, so save-update cascades reach it. */
  cascadeAdd(state: InstanceState): void
  /** Records the value an attribute had before this transaction first changed it. */
  recordForRollback(state: InstanceState, key: string, value: unknown, loaded: boolean): void
}

/** The lifecycle states of SQLAlchemy's session. */
export type ObjectStatus = 'transient' | 'pending' | 'persistent' | 'deleted' | 'detached'

/** Marks a value that was not loaded (as opposed to a loaded `undefined`). */
export const NOT_LOADED: unique symbol = Symbol('not loaded')

/** The shared empty map of states that never changed (most loaded objects): no allocation per row. */
const EMPTY: Map<string, never> = new Map<string, never>()
/** Writing to the shared empty map would leak between objects: refuse it. */
EMPTY.set = () => {
  throw new Error('internal: write through InstanceState.noteCommitted')
}

const MARKED_DELETED = 1
const DELETED_FLUSHED = 2
const MODIFIED = 4

interface StateExtra {
  committed: Map<string, unknown> | undefined
  collectionSnapshots: Map<string, readonly object[]> | undefined
  raiseOnLoad: Set<string> | undefined
}

/** Per-object ORM state. */
export class InstanceState {
  /** The session that holds the object, if any. */
  session: SessionLink | undefined = undefined
  /** The identity key (mapper-qualified primary key) once the row exists. */
  key: IdentityKey | undefined = undefined
  /** The primary key values of the identity. */
  identity: readonly unknown[] | undefined = undefined
  /** Loaded values by attribute key; an absent key is not loaded (or expired). */
  readonly dict: Record<string, unknown> = {}
  /** markedDeleted / deletedFlushed / modified, as bits (fewer fields: a state is made per loaded row). */
  #flags = 0
  /** History and options most loaded objects never need, made on first use. */
  #extra: StateExtra | undefined = undefined

  /**
   * Values as of the last load or flush, for attributes changed since then (the "committed"
   * side of the history); an UPDATE writes exactly these attributes.
   */
  get committed(): ReadonlyMap<string, unknown> & Pick<Map<string, unknown>, 'delete' | 'clear'> {
    return this.#extra?.committed ?? EMPTY
  }
  /** Collections as loaded or last flushed, to compute added / removed members. */
  get collectionSnapshots(): ReadonlyMap<string, readonly object[]> &
    Pick<Map<string, unknown>, 'delete' | 'clear'> {
    return (this.#extra?.collectionSnapshots ?? EMPTY) as never
  }
  /** Attribute keys explicitly marked to raise when read unloaded (`raiseload`). */
  get raiseOnLoad(): Set<string> | undefined {
    return this.#extra?.raiseOnLoad
  }
  set raiseOnLoad(value: Set<string> | undefined) {
    this.extra().raiseOnLoad = value
  }
  /** Marked for deletion, not yet flushed. */
  get markedDeleted(): boolean {
    return (this.#flags & MARKED_DELETED) !== 0
  }
  set markedDeleted(on: boolean) {
    this.#flags = on ? this.#flags | MARKED_DELETED : this.#flags & ~MARKED_DELETED
  }
  /** DELETE was flushed; the object becomes detached at commit. */
  get deletedFlushed(): boolean {
    return (this.#flags & DELETED_FLUSHED) !== 0
  }
  set deletedFlushed(on: boolean) {
    this.#flags = on ? this.#flags | DELETED_FLUSHED : this.#flags & ~DELETED_FLUSHED
  }
  /** Set when any attribute was assigned since the last flush (SQLAlchemy's `modified`). */
  get modified(): boolean {
    return (this.#flags & MODIFIED) !== 0
  }
  set modified(on: boolean) {
    this.#flags = on ? this.#flags | MODIFIED : this.#flags & ~MODIFIED
  }

  private extra(): StateExtra {
    this.#extra ??= { committed: undefined, collectionSnapshots: undefined, raiseOnLoad: undefined }
    return this.#extra
  }

  constructor(
    readonly mapper: Mapper,
    readonly obj: object,
  ) {}

  /** Records the committed value of `key` before its first change (maps are made on first need). */
  noteCommitted(key: string, value: unknown): void {
    const extra = this.extra()
    extra.committed ??= new Map()
    extra.committed.set(key, value)
  }

  /** The object's lifecycle state. */
  get status(): ObjectStatus {
    if (this.session === undefined) return this.key === undefined ? 'transient' : 'detached'
    if (this.key === undefined) return 'pending'
    return this.deletedFlushed ? 'deleted' : 'persistent'
  }

  /** True when the attribute has a loaded value. */
  isLoaded(key: string): boolean {
    return key in this.dict
  }

  /** Unloads attributes (all when `keys` is omitted): they load again on refresh or a query. */
  expire(keys?: readonly string[]): void {
    for (const k of keys ?? Object.keys(this.dict)) {
      delete this.dict[k]
      this.committed.delete(k)
      this.collectionSnapshots.delete(k)
    }
    if (keys === undefined) this.modified = false
  }

  /** Column keys whose value differs from the last loaded or flushed one. */
  changedKeys(): string[] {
    const out: string[] = []
    for (const [k, before] of this.committed)
      if (this.mapper.columnSet.has(k) && !sameValue(before, this.dict[k])) out.push(k)
    return out
  }

  /** Remembers the members of a loaded collection (or one-to-one) as its flushed state. */
  snapshotCollection(rel: Relationship<any>): void {
    if (rel.direction === 'many-to-one' || !(rel.key in this.dict)) return
    const v = this.dict[rel.key]
    const extra = this.extra()
    extra.collectionSnapshots ??= new Map()
    extra.collectionSnapshots.set(
      rel.key,
      Array.isArray(v) ? [...rawList(v)] : v === null || v === undefined ? [] : [v as object],
    )
  }

  /** Forgets the change history: the current values become the committed ones. */
  commitAll(): void {
    this.committed.clear()
    for (const rel of this.mapper.relationshipList) this.snapshotCollection(rel)
    this.modified = false
  }
}

/** Value equality for change detection: same primitive, same instant, same bytes. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime()
  if (a instanceof Uint8Array && b instanceof Uint8Array)
    return a.length === b.length && a.every((v, i) => v === b[i])
  if (typeof a === 'bigint' || typeof b === 'bigint') return integerKey(a) === integerKey(b)
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null)
    return JSON.stringify(a) === JSON.stringify(b)
  return false
}

function integerKey(v: unknown): string | undefined {
  if (typeof v === 'bigint') return String(v)
  return typeof v === 'number' && Number.isInteger(v) ? String(BigInt(v)) : undefined
}

/** The state of a mapped object, or undefined for anything else. */
export function stateOf(obj: unknown): InstanceState | undefined {
  if (typeof obj !== 'object' || obj === null) return undefined
  return (obj as { [STATE]?: InstanceState })[STATE]
}
