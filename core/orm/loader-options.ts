/**
 * Loader options for `select(User).options(...)`: `selectinload` (one extra SELECT per
 * relationship, keys sent in IN lists chunked to the adapter's parameter limit) and `raiseload`.
 * @module
 */
import type { Result } from '../result/result.js'
import type { Column } from '../schema/column.js'
import { and, or } from '../sql/constructors.js'
import type { ColumnElement } from '../sql/elements.js'
import { type Select, select } from '../sql/select.js'
import { instrumentedList } from './collections.js'
import type { Mapper } from './mapper.js'
import type { Relationship } from './relationship.js'
import { type InstanceState, stateOf } from './state.js'

/** How one relationship path loads. */
export type LoaderStrategy = 'selectin' | 'raise' | 'noload'

/** A loader option: a strategy for a path of relationships from the queried class. */
export class LoaderOption {
  constructor(
    readonly path: readonly Relationship<any>[],
    readonly strategy: LoaderStrategy,
  ) {
    Object.freeze(this)
  }
  /** Then load a relationship of the related objects: `selectinload(User.posts).selectinload(Post.tags)`. */
  selectinload(rel: Relationship<any>): LoaderOption {
    return new LoaderOption([...this.path, rel], 'selectin')
  }
  /** Then make a relationship of the related objects raise when read unloaded. */
  raiseload(rel: Relationship<any>): LoaderOption {
    return new LoaderOption([...this.path, rel], 'raise')
  }
}

/**
 * Loads a relationship of the queried objects with one more SELECT (per chunk of keys).
 *
 * ```ts
 * await session.scalars(select(User).options(selectinload(User.addresses)))
 * ```
 */
export function selectinload(rel: Relationship<any>): LoaderOption {
  return new LoaderOption([rel], 'selectin')
}

/** Makes reading the relationship unloaded raise, even where memory could answer (many-to-one). */
export function raiseload(rel: Relationship<any>): LoaderOption {
  return new LoaderOption([rel], 'raise')
}

/** What the relationship loader needs of the session. */
export interface RelationshipLoaderHost {
  /** Runs an ORM select (without autoflush) and returns its objects' states per mapper. */
  loadSelect(
    stmt: Select,
    populateExisting: boolean,
  ): Promise<{ result: Result<any>; loaded: Map<Mapper, InstanceState[]> }>
  lookupState(key: string): InstanceState | undefined
  readonly maxParams: number
}

function keyText(values: readonly unknown[]): string {
  return values
    .map((v) => (typeof v === 'bigint' || typeof v === 'number' ? `n${v}` : `s${String(v)}`))
    .join('\u0000')
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** `cols IN (keys)`, or an OR of ANDs for composite keys. */
function keysIn(
  cols: readonly Column<any, any>[],
  keys: readonly (readonly unknown[])[],
): ColumnElement<boolean> {
  if (cols.length === 1) return cols[0]!.in(keys.map((k) => k[0]) as never[])
  return or(...keys.map((k) => and(...cols.map((c, i) => c.eq(k[i] as never)))))!
}

function valueAt(state: InstanceState, col: Column<any, any>): unknown {
  const i = state.mapper.pkKeys.indexOf(col.key)
  if (i >= 0 && state.identity !== undefined) return state.identity[i]
  return state.dict[col.key]
}

/**
 * Loads `rel` for `parents` (those that have it unloaded, or all with `populateExisting`) and
 * returns the related objects' states, for nested options.
 */
export async function loadRelationship(
  host: RelationshipLoaderHost,
  parents: readonly InstanceState[],
  rel: Relationship<any>,
  populateExisting: boolean,
): Promise<InstanceState[]> {
  const todo = [...new Set(parents)].filter((p) => populateExisting || !(rel.key in p.dict))
  if (todo.length === 0) return []
  const target = rel.target
  const related: InstanceState[] = []
  if (rel.direction === 'many-to-one') {
    const fkCols = target.pkKeys.map((k) => rel.pairs.find(([, r]) => r.key === k)?.[0])
    const keyOf = (p: InstanceState) => fkCols.map((c) => (c === undefined ? undefined : p.dict[c.key]))
    const missing = new Map<string, unknown[]>()
    for (const p of todo) {
      const k = keyOf(p)
      const idKey = target.identityKey(k)
      if (idKey !== undefined && (populateExisting || host.lookupState(idKey) === undefined))
        missing.set(idKey, k)
    }
    const per = Math.max(1, Math.floor(host.maxParams / target.pkKeys.length))
    for (const chunk of chunks([...missing.values()], per))
      await host.loadSelect(
        select(target.cls as never).where(keysIn(target.pkColumns, chunk)),
        populateExisting,
      )
    for (const p of todo) {
      const idKey = target.identityKey(keyOf(p))
      const st = idKey === undefined ? undefined : host.lookupState(idKey)
      p.dict[rel.key] = st?.obj ?? null
      p.committed.delete(rel.key)
      if (st !== undefined) related.push(st)
    }
    return related
  }
  const localCols = rel.pairs.map(([local]) => local)
  const parentKeys = new Map<string, unknown[]>()
  for (const p of todo) {
    const k = localCols.map((c) => valueAt(p, c))
    if (!k.includes(null) && !k.includes(undefined)) parentKeys.set(keyText(k), k)
  }
  const groups = new Map<string, object[]>()
  const per = Math.max(1, Math.floor(host.maxParams / localCols.length))
  for (const chunk of chunks([...parentKeys.values()], per)) {
    let stmt: Select
    let keyWidth: number
    if (rel.direction === 'one-to-many') {
      const fkCols = rel.pairs.map(([, fk]) => fk)
      stmt = select(target.cls as never, ...fkCols).where(keysIn(fkCols, chunk))
      keyWidth = fkCols.length
    } else {
      const secondary = rel.secondary!
      const secLocal = rel.pairs.map(([, sec]) => sec)
      const on = and(...rel.secondaryPairs.map(([tcol, sec]) => tcol.eq(sec as never)))!
      stmt = select(target.cls as never, ...secLocal)
        .join(secondary, on)
        .where(keysIn(secLocal, chunk))
      keyWidth = secLocal.length
    }
    stmt = stmt.orderBy(...target.pkColumns)
    const { result } = await host.loadSelect(stmt, populateExisting)
    for (const row of result.all() as unknown as { _values: unknown[] }[]) {
      const v = row._values
      const obj = v[0] as object
      const k = keyText(v.slice(1, 1 + keyWidth))
      const list = groups.get(k)
      if (list) list.push(obj)
      else groups.set(k, [obj])
    }
  }
  for (const p of todo) {
    const k = localCols.map((c) => valueAt(p, c))
    const members = groups.get(keyText(k)) ?? []
    p.dict[rel.key] = rel.uselist ? instrumentedList(p, rel, [...members]) : (members[0] ?? null)
    p.committed.delete(rel.key)
    p.snapshotCollection(rel)
    for (const m of members) related.push(stateOf(m)!)
  }
  return related
}

/** Applies the loader options of a select (and relationships declared `lazy: 'selectin'`). */
export async function applyLoaders(
  host: RelationshipLoaderHost,
  stmt: Select,
  loaded: Map<Mapper, InstanceState[]>,
  populateExisting: boolean,
): Promise<void> {
  const options = stmt.loaderOptions.filter((o): o is LoaderOption => o instanceof LoaderOption)
  const explicit = new Set(options.map((o) => o.path[0]!))
  for (const option of options) {
    let states = statesFor(loaded, option.path[0]!.parent)
    for (let i = 0; i < option.path.length && states.length > 0; i++) {
      const rel = option.path[i]!
      const last = i === option.path.length - 1
      if (last && option.strategy !== 'selectin') {
        for (const s of states) {
          if (option.strategy === 'raise') (s.raiseOnLoad ??= new Set()).add(rel.key)
          else if (!(rel.key in s.dict)) {
            s.dict[rel.key] = rel.uselist ? instrumentedList(s, rel, []) : null
            s.snapshotCollection(rel)
          }
        }
        break
      }
      states = await loadRelationship(host, states, rel, populateExisting)
    }
  }
  await applyDefaultSelectin(host, loaded, explicit, populateExisting, new Set())
}

function statesFor(loaded: Map<Mapper, InstanceState[]>, mapper: Mapper): InstanceState[] {
  return loaded.get(mapper) ?? []
}

/** Relationships declared `lazy: 'selectin'` load with their parents, one level per round. */
async function applyDefaultSelectin(
  host: RelationshipLoaderHost,
  loaded: Map<Mapper, InstanceState[]>,
  explicit: ReadonlySet<Relationship<any>>,
  populateExisting: boolean,
  seen: Set<Relationship<any>>,
): Promise<void> {
  for (const [mapper, states] of loaded)
    for (const rel of mapper.relationshipList) {
      if (rel.options.lazy !== 'selectin' || explicit.has(rel) || seen.has(rel)) continue
      seen.add(rel)
      const children = await loadRelationship(host, states, rel, populateExisting)
      if (children.length > 0)
        await applyDefaultSelectin(host, new Map([[rel.target, children]]), explicit, populateExisting, seen)
    }
}
