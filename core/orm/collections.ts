/**
 * How relationship attributes change in memory: collections are plain arrays behind a Proxy that
 * reports members coming and going, assignment replaces a collection or a reference, and both
 * keep the `backPopulates` side in step at once (`user.addresses.push(a)` sets `a.user`) and
 * reach the session (save-update cascade). What a flush writes is computed from the members, not
 * from these events. One module: a collection fires the events and the events make collections.
 * @module
 */
import { ArgumentError } from '../errors.js'
import { describeValue } from '../util/describe-value.js'
import { rawList, rememberRawList } from './raw-list.js'
import type { Relationship } from './relationship.js'
import { type InstanceState, NOT_LOADED, stateOf } from './state.js'

function isIndex(prop: string | symbol): prop is string {
  if (typeof prop !== 'string' || prop.length === 0) return false
  const n = Number(prop)
  return Number.isInteger(n) && n >= 0 && String(n) === prop
}

/** Wraps `items` (taken over, not copied) as the collection `rel` of `owner`. */
export function instrumentedList(owner: InstanceState, rel: Relationship<any>, items: object[]): object[] {
  const list: object[] = new Proxy(items, {
    set(target, prop, value, receiver): boolean {
      if (prop === 'length') {
        const n = Number(value)
        const dropped = target.slice(n).filter((d) => d !== undefined)
        if (dropped.length > 0) recordChange(owner, rel.key)
        const ok: boolean = Reflect.set(target, prop, value, receiver === list ? target : receiver)
        for (const d of dropped) if (!target.includes(d)) onRemove(owner, rel, d)
        return ok
      }
      if (!isIndex(prop)) return Reflect.set(target, prop, value)
      const old = target[Number(prop)]
      if (old === value) return true
      const wasMember = target.includes(value)
      recordChange(owner, rel.key)
      target[Number(prop)] = value
      if (old !== undefined && !target.includes(old)) onRemove(owner, rel, old)
      if (!wasMember) onAppend(owner, rel, value)
      return true
    },
    deleteProperty(target, prop) {
      if (!isIndex(prop)) return Reflect.deleteProperty(target, prop)
      const old = target[Number(prop)]
      recordChange(owner, rel.key)
      const ok = Reflect.deleteProperty(target, prop)
      if (old !== undefined && !target.includes(old)) onRemove(owner, rel, old)
      return ok
    },
  })
  rememberRawList(list, items)
  return list
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
    throw new ArgumentError(`${rel}: expected a ${rel.target.name}, got ${describeValue(value)}`)
  return st
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
