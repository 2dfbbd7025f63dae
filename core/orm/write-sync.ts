/**
 * Keeps the identity map in step with an ORM UPDATE or DELETE (SQLAlchemy's
 * `synchronize_session`): 'evaluate' runs the criteria in JavaScript over the objects in memory,
 * 'fetch' learns the affected keys from the database; matched objects get the new values (or
 * have them expired), deleted ones leave the identity map.
 * @module
 */
import { ArgumentError } from '../errors.js'
import type { Table } from '../schema/table.js'
import type { ExecuteParams } from '../sql/compiled.js'
import { type Delete, Update } from '../sql/dml.js'
import {
  compileEvaluator,
  type EvaluationRules,
  type Evaluator,
  truth,
  UNKNOWN,
  UnevaluatableError,
} from './evaluator.js'
import { type IdentityKey, mapperForTable } from './mapper.js'
import type { InstanceState } from './state.js'

/**
 * How `session.execute()` of an ORM UPDATE/DELETE keeps the identity map in step: `'evaluate'`
 * (criteria run in JavaScript), `'fetch'` (affected keys read from the database), `'auto'`
 * (evaluate, else fetch; the default) or `false` (nothing).
 *
 * ```ts
 * await session.execute(delete_(User).where(User.c.active.eq(false)).executionOptions({ synchronizeSession: 'fetch' }))
 * ```
 */
export type SynchronizeSession = 'auto' | 'evaluate' | 'fetch' | false

/** What the synchronization needs of the session. */
export interface SyncHost {
  /** Every object in the identity map. */
  identityStates(): Iterable<InstanceState>
  lookupState(key: IdentityKey): InstanceState | undefined
  recordForRollback(state: InstanceState, key: string, value: unknown, loaded: boolean): void
  /** The write deleted this object's row: it leaves the identity map (detached at commit). */
  noteDeletedByWrite(state: InstanceState): void
}

/** New values by attribute key; UNKNOWN where they cannot be computed in memory (expired instead). */
export type NewValues = Map<string, unknown>

/** An object the criteria matched (or may match: UNKNOWN, when an attribute it needs is not loaded). */
export interface Match {
  readonly state: InstanceState
  readonly outcome: true | typeof UNKNOWN
  readonly values: NewValues
}

/** The `synchronizeSession` execution option of `stmt`, checked (default 'auto'). */
export function synchronizeMode(stmt: Update | Delete): SynchronizeSession {
  const mode = stmt.executionOptionsMap.synchronizeSession ?? 'auto'
  if (mode === 'auto' || mode === 'evaluate' || mode === 'fetch' || mode === false) return mode
  throw new ArgumentError(
    `synchronizeSession must be 'auto', 'evaluate', 'fetch' or false, got ${JSON.stringify(mode)}`,
  )
}

/** Evaluators of an UPDATE's SET values; undefined where a value cannot be evaluated (expired instead). */
export function valueEvaluators(
  stmt: Update | Delete,
  rules: EvaluationRules,
  params?: ExecuteParams,
): Map<string, Evaluator | undefined> {
  const out = new Map<string, Evaluator | undefined>()
  if (!(stmt instanceof Update)) return out
  for (const [col, expr] of stmt.effectiveSet) {
    try {
      out.set(col.key, compileEvaluator(expr, stmt.table, rules, params))
    } catch (err) {
      if (!(err instanceof UnevaluatableError)) throw err
      out.set(col.key, undefined)
    }
  }
  return out
}

/** The new values `evaluators` give one object (UNKNOWN where they cannot). */
export function newValues(state: InstanceState, evaluators: Map<string, Evaluator | undefined>): NewValues {
  const out: NewValues = new Map()
  for (const [key, ev] of evaluators) {
    let v: unknown = UNKNOWN
    if (ev !== undefined)
      try {
        v = ev(state.dict)
      } catch (err) {
        if (!(err instanceof UnevaluatableError)) throw err
      }
    out.set(key, v)
  }
  return out
}

/** The states of `table` in the identity map that can still change. */
function statesOf(host: SyncHost, table: Table): InstanceState[] {
  return [...host.identityStates()].filter((s) => s.mapper.table === table && !s.deletedFlushed)
}

/**
 * 'evaluate': the objects of the identity map the criteria matches, with their new values.
 * Throws UnevaluatableError when the criteria cannot be evaluated in JavaScript.
 */
export function evaluateMatches(
  host: SyncHost,
  stmt: Update | Delete,
  rules: EvaluationRules,
  params?: ExecuteParams,
): Match[] {
  if (stmt instanceof Update && stmt.extraFroms.length > 0)
    throw new UnevaluatableError('Cannot evaluate criteria over other tables (UPDATE ... FROM) in JavaScript')
  const criteria =
    stmt.whereClause === undefined
      ? () => true
      : compileEvaluator(stmt.whereClause, stmt.table, rules, params)
  const evaluators = valueEvaluators(stmt, rules, params)
  const out: Match[] = []
  for (const state of statesOf(host, stmt.table)) {
    const r = criteria(state.dict)
    if (r === UNKNOWN)
      out.push({ state, outcome: UNKNOWN, values: new Map([...evaluators.keys()].map((k) => [k, UNKNOWN])) })
    else if (truth(r)) out.push({ state, outcome: true, values: newValues(state, evaluators) })
  }
  return out
}

/** The objects of the identity map with these primary keys, with the values `valuesFor` gives them. */
export function keyedMatches(
  host: SyncHost,
  table: Table,
  keys: readonly (readonly unknown[])[],
  valuesFor: (state: InstanceState, i: number) => NewValues,
): Match[] {
  const mapper = mapperForTable(table)
  if (mapper === undefined) return [] // the class was never used: nothing of it is in memory
  const out: Match[] = []
  keys.forEach((pk, i) => {
    const key = mapper.identityKey(pk)
    const state = key === undefined ? undefined : host.lookupState(key)
    if (state !== undefined && !state.deletedFlushed)
      out.push({ state, outcome: true, values: valuesFor(state, i) })
  })
  return out
}

/** 'fetch': the objects among the affected keys; new values as returned, else evaluated in memory. */
export function fetchedMatches(
  host: SyncHost,
  stmt: Update | Delete,
  keys: readonly (readonly unknown[])[],
  rules: EvaluationRules,
  params?: ExecuteParams,
  returned?: readonly NewValues[],
): Match[] {
  const evaluators = returned === undefined ? valueEvaluators(stmt, rules, params) : undefined
  return keyedMatches(host, stmt.table, keys, (state, i) => returned?.[i] ?? newValues(state, evaluators!))
}

/** Every object of `table` in the identity map, its values unknown (a write without criteria to evaluate). */
export function everyObjectOf(host: SyncHost, stmt: Update | Delete): Match[] {
  const keys = stmt instanceof Update ? stmt.effectiveSet.map(([c]) => c.key) : []
  return statesOf(host, stmt.table).map((state) => ({
    state,
    outcome: UNKNOWN,
    values: new Map(keys.map((k) => [k, UNKNOWN])),
  }))
}

/**
 * Applies matches after the write succeeded: an UPDATE's new values go into unmodified
 * attributes; attributes changed in memory, or whose value is unknown, are expired (SQLAlchemy's
 * rule). A DELETE's matched objects leave the identity map; unknown ones have their unmodified
 * columns expired, so the next load finds out.
 */
export function applyMatches(host: SyncHost, matches: readonly Match[], kind: 'update' | 'delete'): void {
  for (const { state, outcome, values } of matches) {
    if (kind === 'delete') {
      if (outcome === true) host.noteDeletedByWrite(state)
      else
        expire(
          host,
          state,
          state.mapper.columnKeys.filter((k) => !state.committed.has(k)),
        )
      continue
    }
    for (const [key, value] of values) {
      if (value === UNKNOWN || state.committed.has(key) || outcome !== true) expire(host, state, [key])
      else {
        host.recordForRollback(state, key, state.dict[key], key in state.dict)
        state.dict[key] = value
      }
    }
  }
}

function expire(host: SyncHost, state: InstanceState, keys: readonly string[]): void {
  const loaded = keys.filter((k) => k in state.dict)
  for (const k of loaded) host.recordForRollback(state, k, state.dict[k], true)
  if (loaded.length > 0) state.expire(loaded)
}
