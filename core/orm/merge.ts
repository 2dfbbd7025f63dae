/**
 * `session.merge(obj)`: copies an object's loaded state onto the persistent object with the
 * same key (loading it if needed) or onto a new pending one, following `merge` cascades.
 * @module
 */

import type { IdentityKey } from './mapper.js'
import { rawList } from './raw-list.js'
import { type InstanceState, sameValue, stateOf } from './state.js'

/** What merging needs of the session. */
export interface MergeHost {
  readonly session: object
  lookup(key: IdentityKey): object | undefined
  load(cls: Function, pk: readonly unknown[]): Promise<object | null>
  add(obj: object): void
}

function members(state: InstanceState, key: string): object[] {
  const v = state.dict[key]
  if (v === undefined || v === null) return []
  return Array.isArray(v) ? [...rawList(v)] : [v as object]
}

/** Merges `state` into the host session; `memo` keeps cycles finite. */
export async function mergeInto(
  host: MergeHost,
  state: InstanceState,
  load: boolean,
  memo: Map<InstanceState, object>,
): Promise<object> {
  if (state.session === host.session) return state.obj
  const done = memo.get(state)
  if (done !== undefined) return done
  const mapper = state.mapper
  const pk = mapper.pkKeys.map((k) => state.dict[k])
  let target: object | null = null
  const key = mapper.identityKey(pk)
  if (key !== undefined) {
    target = host.lookup(key) ?? null
    if (target === null && load) target = await host.load(mapper.cls, pk)
  }
  if (target === null) {
    target = new (mapper.cls as new () => object)()
    host.add(target)
  }
  memo.set(state, target)
  const out = target as Record<string, unknown>
  for (const k of mapper.columnKeys)
    if (k in state.dict && !sameValue(stateOf(target)!.dict[k], state.dict[k])) out[k] = state.dict[k]
  for (const rel of mapper.relationshipList) {
    if (!rel.cascade.has('merge') || !(rel.key in state.dict)) continue
    const merged: object[] = []
    for (const o of members(state, rel.key)) merged.push(await mergeInto(host, stateOf(o)!, load, memo))
    out[rel.key] = rel.uselist ? merged : (merged[0] ?? null)
  }
  return target
}
