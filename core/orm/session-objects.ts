/**
 * The objects a session holds: the identity map, the new, dirty and deleted sets, and the
 * rollback frames that undo changes in memory. The session's transaction logic lives in
 * session-core.ts; this is its bookkeeping.
 * @module
 */
import { ArgumentError, InvalidRequestError } from '../errors.js'
import { instrumentedList } from './collections.js'
import { IdentityMap } from './identity-map.js'
import { rawList } from './raw-list.js'
import type { Relationship } from './relationship.js'
import { type InstanceState, type SessionLink, sameValue, stateOf } from './state.js'
import { type FlushPlan, resolveSource } from './unit-of-work.js'

interface Recorded {
  readonly value: unknown
  readonly loaded: boolean
}

/** Changes since a transaction or savepoint began, to undo them in memory on rollback. */
export interface RollbackFrame {
  readonly records: Map<InstanceState, Map<string, Recorded>>
  readonly added: Set<InstanceState>
  readonly deleted: Set<InstanceState>
}

/** A fresh rollback frame. */
export function newFrame(): RollbackFrame {
  return { records: new Map(), added: new Set(), deleted: new Set() }
}

/** The bookkeeping of one session (`owner`). */
export class SessionObjects {
  readonly identity = new IdentityMap()
  /** Added, not yet inserted. */
  readonly pending = new Set<InstanceState>()
  /** Marked for deletion, not yet flushed. */
  readonly deleted = new Set<InstanceState>()
  /** Persistent objects changed since the last flush. */
  readonly dirty = new Set<InstanceState>()
  /** Deleted by a flush; detached at commit. */
  readonly flushedDeletes = new Set<InstanceState>()
  /** The transaction's frame, then one per open savepoint. */
  frames: RollbackFrame[] = [newFrame()]

  constructor(readonly owner: SessionLink) {}

  /** True when a flush would write something. */
  hasChanges(): boolean {
    if (this.pending.size > 0 || this.deleted.size > 0) return true
    for (const s of this.dirty) if (s.modified) return true
    return false
  }

  /** A persistent object changed: list it as dirty (and back in the identity map if a stream released it). */
  markDirty(state: InstanceState): void {
    if (state.key === undefined || state.deletedFlushed) return
    this.dirty.add(state)
    if (this.identity.get(state.key) === undefined) this.identity.set(state.key, state)
  }

  /** Records the value an attribute had before the current transaction (and savepoints) first changed it. */
  recordForRollback(state: InstanceState, key: string, value: unknown, loaded: boolean): void {
    for (const frame of this.frames) {
      let rec = frame.records.get(state)
      if (rec === undefined) frame.records.set(state, (rec = new Map()))
      if (!rec.has(key)) rec.set(key, { value, loaded })
    }
  }

  /** Registers an object just loaded: persistent in this session, in the identity map. */
  attachLoaded(state: InstanceState): void {
    state.session = this.owner
    this.identity.set(state.key!, state)
  }

  /**
   * A write given to execute() deleted this object's row: deleted now, detached at commit. A write
   * `held` for commit leaves it in the identity map until then, so `get()` answers null, not the row.
   */
  deletedByWrite(state: InstanceState, held: boolean): void {
    if (state.deletedFlushed) return
    state.deletedFlushed = true
    state.markedDeleted = false
    this.deleted.delete(state)
    this.dirty.delete(state)
    if (!held && state.key !== undefined && this.identity.get(state.key) === state)
      this.identity.delete(state.key)
    this.flushedDeletes.add(state)
    for (const f of this.frames) f.deleted.add(state)
  }

  /** Refuses objects whose class fields hide mapped attributes. */
  private checkFields(state: InstanceState): void {
    for (const key of Object.keys(state.obj))
      if (state.mapper.hasAttribute(key))
        throw new ArgumentError(
          `${state.mapper.name}.${key} is a class field, which hides the mapped attribute; declare it with "declare ${key}: ..." instead`,
        )
  }

  /** Adds an object: pending if new, persistent again if it has a row; save-update cascades follow. */
  add(state: InstanceState): void {
    if (state.session === this.owner) return
    if (state.session !== undefined)
      throw new InvalidRequestError(
        `This ${state.mapper.name} is attached to another session; expunge it there first`,
      )
    this.checkFields(state)
    if (state.key !== undefined) {
      const other = this.identity.get(state.key)
      if (other !== undefined && other !== state)
        throw new InvalidRequestError(
          `Another ${state.mapper.name} with the same primary key is already in this session; use merge() instead of add()`,
        )
      state.session = this.owner
      this.identity.set(state.key, state)
      if (state.modified) this.dirty.add(state)
    } else {
      state.session = this.owner
      this.pending.add(state)
      for (const f of this.frames) f.added.add(state)
    }
    this.cascadeFrom(state)
  }

  private cascadeFrom(state: InstanceState): void {
    for (const rel of state.mapper.relationshipList) {
      if (!rel.cascade.has('save-update') || !(rel.key in state.dict)) continue
      for (const o of members(state, rel)) {
        const s = stateOf(o)!
        if (s.session !== this.owner) this.add(s)
      }
    }
  }

  /** Forgets an object and, through `expunge` cascades, the objects it refers to. */
  expungeCascade(state: InstanceState, seen: Set<InstanceState>): void {
    if (seen.has(state)) return
    seen.add(state)
    this.forget(state)
    for (const rel of state.mapper.relationshipList)
      if (rel.cascade.has('expunge') && rel.key in state.dict)
        for (const o of members(state, rel)) {
          const s = stateOf(o)!
          if (s.session === this.owner) this.expungeCascade(s, seen)
        }
  }

  /** Forgets an object (expunge): it leaves every set and frame. */
  forget(state: InstanceState): void {
    if (state.key !== undefined && this.identity.get(state.key) === state) this.identity.delete(state.key)
    this.pending.delete(state)
    this.deleted.delete(state)
    this.dirty.delete(state)
    this.flushedDeletes.delete(state)
    for (const f of this.frames) {
      f.added.delete(state)
      f.records.delete(state)
    }
    state.markedDeleted = false
    state.session = undefined
  }

  /** Forgets every object. */
  forgetAll(): void {
    for (const s of [...this.identity.values(), ...this.pending, ...this.deleted]) s.session = undefined
    this.identity.clear()
    this.pending.clear()
    this.deleted.clear()
    this.dirty.clear()
    this.flushedDeletes.clear()
    this.frames = this.frames.map(() => newFrame())
  }

  /**
   * Takes the clean objects of a streamed chunk out of the identity map once the stream has
   * moved on, so a long stream holds one chunk. They stay attached: a change to one is flushed.
   */
  releaseStreamed(rows: readonly unknown[][]): void {
    for (const row of rows)
      for (const v of row) {
        const state = stateOf(v)
        if (state === undefined || state.session !== this.owner || state.key === undefined) continue
        if (state.modified || this.dirty.has(state) || state.markedDeleted) continue
        if (this.identity.get(state.key) === state) this.identity.delete(state.key)
      }
  }
  /** Writes what the flush produced into the objects, and moves them along their lifecycle. */
  applyFlush(plan: FlushPlan): void {
    const write = (state: InstanceState, key: string, value: unknown) => {
      if (sameValue(state.dict[key], value) && key in state.dict) return
      this.recordForRollback(state, key, state.dict[key], key in state.dict)
      state.dict[key] = value
    }
    for (const group of plan.saves)
      for (const op of group) {
        const state = op.state
        for (const [k, v] of op.values) write(state, k, v)
        for (const [k, src] of op.syncs) write(state, k, resolveSource(src))
        for (const [k, v] of op.generated) write(state, k, v)
        if (op.kind === 'insert') {
          for (const col of op.mapper.columns) {
            if (col.key in state.dict || op.generated.has(col.key)) continue
            if (col.options.serverDefault !== undefined || col.isAutoincrement) continue // expired: reload on refresh
            write(state, col.key, null)
          }
          const pk = op.mapper.pkKeys.map((k) => state.dict[k])
          const key = op.mapper.identityKey(pk)
          if (key === undefined)
            throw new InvalidRequestError(
              `${op.mapper.name}: the database returned no primary key for a new row`,
            )
          state.key = key
          state.identity = pk
          this.pending.delete(state)
          this.identity.set(key, state)
          initEmptyCollections(state, plan)
        } else {
          const pk = op.mapper.pkKeys.map((k) => state.dict[k])
          const key = op.mapper.identityKey(pk)
          if (key !== undefined && key !== state.key) {
            this.identity.delete(state.key!)
            state.key = key
            state.identity = pk
            this.identity.set(key, state)
          }
        }
      }
    for (const pu of plan.postUpdates) write(pu.op.state, pu.column, resolveSource(pu.source))
    for (const group of plan.deletes)
      for (const state of group) {
        state.deletedFlushed = true
        state.markedDeleted = false
        this.deleted.delete(state)
        this.dirty.delete(state)
        if (state.key !== undefined) this.identity.delete(state.key)
        this.flushedDeletes.add(state)
        for (const f of this.frames) f.deleted.add(state)
      }
    for (const state of [...plan.touched, ...this.dirty]) if (!state.deletedFlushed) state.commitAll()
    this.dirty.clear()
  }

  /** After a commit: deleted objects detach, frames reset, and (with expireOnCommit) attributes unload. */
  afterCommit(expire: boolean): void {
    for (const state of this.flushedDeletes) {
      if (state.key !== undefined && this.identity.get(state.key) === state) this.identity.delete(state.key)
      state.session = undefined
      state.deletedFlushed = false
    }
    this.flushedDeletes.clear()
    this.frames = [newFrame()]
    if (expire) this.expireAll()
  }

  /** Unloads every attribute of every object in the identity map. */
  expireAll(): void {
    for (const state of this.identity.values()) state.expire()
  }

  /** Undoes in memory the changes recorded in `frame`. */
  restore(frame: RollbackFrame): void {
    for (const [state, rec] of frame.records)
      for (const [key, { value, loaded }] of rec) {
        if (!loaded) delete state.dict[key]
        else {
          const rel = state.mapper.relationships.get(key)
          state.dict[key] =
            rel?.uselist && Array.isArray(value) ? instrumentedList(state, rel, [...value]) : value
        }
      }
    for (const state of frame.deleted) {
      state.deletedFlushed = false
      state.markedDeleted = false
      this.deleted.delete(state)
      this.flushedDeletes.delete(state)
      if (state.key !== undefined && state.session === this.owner) this.identity.set(state.key, state)
    }
    for (const state of frame.added) {
      if (state.session !== this.owner) continue
      if (state.key !== undefined) this.identity.delete(state.key)
      this.pending.delete(state)
      this.dirty.delete(state)
      state.key = undefined
      state.identity = undefined
      state.session = undefined
    }
    for (const state of frame.records.keys()) {
      state.commitAll()
      this.dirty.delete(state)
    }
    for (const state of this.dirty) if (!frame.added.has(state)) state.commitAll()
    this.dirty.clear()
  }
}

/**
 * A row just inserted has no children yet, unless this same flush wrote rows of the related
 * table: its untouched collections start loaded and empty (no NotLoadedError for a new object).
 */
function initEmptyCollections(state: InstanceState, plan: FlushPlan): void {
  for (const rel of state.mapper.relationshipList) {
    if (rel.direction === 'many-to-one' || rel.key in state.dict) continue
    const related =
      rel.direction === 'many-to-many'
        ? plan.secondaryInserts.some((r) => r.table === rel.secondary)
        : plan.saves.some((g) => g.some((op) => op.mapper.table === rel.target.table))
    if (related) continue
    state.dict[rel.key] = rel.uselist ? instrumentedList(state, rel, []) : null
    state.snapshotCollection(rel)
  }
}

/** The objects a relationship holds on `state` (a collection's members, or the one object). */
function members(state: InstanceState, rel: Relationship<any>): object[] {
  const v = state.dict[rel.key]
  if (v === undefined || v === null) return []
  return Array.isArray(v) ? [...rawList(v)] : [v as object]
}
