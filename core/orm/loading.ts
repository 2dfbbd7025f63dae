/**
 * Turning rows into mapped objects through the identity map: a row whose key is already mapped
 * gives the object already there (its loaded attributes are kept unless `populateExisting`);
 * otherwise a new object is made without running its constructor.
 * @module
 */
import { ArgumentError } from '../errors.js'
import { ColumnsSource } from '../sql/from-clauses.js'
import { dedupeNames, resolveClauseElement, type Select } from '../sql/select.js'
import { type IdentityKey, isEntity, type Mapper, mapperOf } from './mapper.js'
import { InstanceState, STATE } from './state.js'

/** What hydration needs of the session. */
export interface Hydrator {
  lookupState(key: IdentityKey): InstanceState | undefined
  /** Registers an object just loaded (persistent in this session). */
  attachLoaded(state: InstanceState): void
}

/** Where one mapped class sits in a row of a select. */
export interface EntitySpan {
  readonly start: number
  readonly mapper: Mapper
  /** The column keys the row holds from `start` on (all of the mapper's, or those an option chose). */
  readonly keys: readonly string[]
  readonly pkIndexes: readonly number[]
  /** Single-table inheritance: where the discriminator is in the row (-1 without one). */
  readonly discriminatorIndex: number
}

/** The span of `mapper`'s columns `keys` (which include the primary key) starting at `start`. */
export function entitySpan(
  mapper: Mapper,
  start: number,
  keys: readonly string[] = mapper.columnKeys,
): EntitySpan {
  const at = (k: string) => {
    const i = keys.indexOf(k)
    if (i < 0) throw new ArgumentError(`${mapper.name}: column ${k} is not loaded by this select`)
    return start + i
  }
  return {
    start,
    mapper,
    keys,
    pkIndexes: mapper.pkKeys.map(at),
    discriminatorIndex: mapper.polymorphicOn === undefined ? -1 : at(mapper.polymorphicOn),
  }
}

/** How a select's rows map: entity spans and the names of the output columns. */
export interface RowLayout {
  readonly spans: readonly EntitySpan[]
  /** For each output position: an entity span, or the index of a plain column. */
  readonly outputs: readonly (EntitySpan | number)[]
  readonly names: readonly string[]
}

/** The layout of `stmt`'s rows, or undefined when it selects no mapped class. */
export function rowLayout(stmt: Select): RowLayout | undefined {
  if (!stmt.args.some(isEntity)) return undefined
  const spans: EntitySpan[] = []
  const outputs: (EntitySpan | number)[] = []
  const names: (string | undefined)[] = []
  let pos = 0
  for (const arg of stmt.args) {
    if (isEntity(arg)) {
      const mapper = mapperOf(arg)
      const span = entitySpan(mapper, pos)
      spans.push(span)
      outputs.push(span)
      names.push(mapper.name)
      pos += mapper.columns.length
      continue
    }
    const source = resolveClauseElement(arg)
    const width = source instanceof ColumnsSource ? source.columns.length : 1
    for (let i = 0; i < width; i++) {
      outputs.push(pos + i)
      names.push(stmt.selectedNames[pos + i])
    }
    pos += width
  }
  return { spans, outputs, names: dedupeNames(names) }
}

/** Options of one load. */
export interface LoadOptions {
  /** Overwrite loaded attributes of objects already in the identity map. */
  readonly populateExisting?: boolean
  /** With populateExisting: only these attributes. */
  readonly only?: ReadonlySet<string>
}

/**
 * The object of one entity span of a row (null for an all-NULL key, as from an outer join);
 * its state is added to `loaded` (by mapper) when given.
 */
export function hydrate(
  session: Hydrator,
  span: EntitySpan,
  values: readonly unknown[],
  options: LoadOptions,
  loaded?: Map<Mapper, InstanceState[]>,
): object | null {
  const { mapper, start, keys } = span
  const pkIndexes = span.pkIndexes
  const pk = new Array<unknown>(pkIndexes.length)
  for (let i = 0; i < pkIndexes.length; i++) pk[i] = values[pkIndexes[i]!]
  const key = mapper.identityKey(pk)
  if (key === undefined) return null
  let state = session.lookupState(key)
  if (state !== undefined) {
    const dict = state.dict
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!
      if (k in dict && !(options.populateExisting && (options.only === undefined || options.only.has(k))))
        continue
      dict[k] = values[start + i]
      state.committed.delete(k)
    }
  } else {
    const own =
      span.discriminatorIndex < 0 ? mapper : mapper.mapperForIdentity(values[span.discriminatorIndex])
    const obj = Object.create(own.cls.prototype) as object
    state = new InstanceState(own, obj)
    ;(obj as { [STATE]: InstanceState })[STATE] = state
    const dict = state.dict
    for (let i = 0; i < keys.length; i++) dict[keys[i]!] = values[start + i]
    state.key = key
    state.identity = pk
    session.attachLoaded(state)
  }
  if (loaded !== undefined) {
    let list = loaded.get(mapper)
    if (list === undefined) loaded.set(mapper, (list = []))
    list.push(state)
  }
  return state.obj
}

/** Maps one row's values to the output values (objects in place of their columns). */
export function mapRow(
  session: Hydrator,
  layout: RowLayout,
  values: readonly unknown[],
  options: LoadOptions,
  loaded?: Map<Mapper, InstanceState[]>,
): unknown[] {
  const out = new Array<unknown>(layout.outputs.length)
  for (let i = 0; i < layout.outputs.length; i++) {
    const o = layout.outputs[i]!
    out[i] = typeof o === 'number' ? values[o] : hydrate(session, o, values, options, loaded)
  }
  return out
}
