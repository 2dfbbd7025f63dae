/**
 * Collection attributes: plain arrays behind a Proxy that reports members coming and going, so
 * `user.addresses.push(a)` sets `a.user` at once (backPopulates) and reaches the session
 * (save-update cascade). What a flush writes is computed from the members, not from these events.
 * @module
 */
import type { Relationship } from './relationship.js'
import { onAppend, onRemove, recordChange } from './relationship.js'
import type { InstanceState } from './state.js'

const targets = new WeakMap<object, object[]>()

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
  targets.set(list, items)
  return list
}

/** The plain array behind a collection (changes to it fire no events). */
export function rawList(list: object[]): object[] {
  return targets.get(list) ?? list
}
