/**
 * The session's reads that are more than one query: streaming objects chunk by chunk, and
 * loading the attributes of one object (refresh, awaitableAttrs); plus primary key helpers.
 * @module
 */
import type { AsyncConnection } from '../engine/connection.js'
import type { AsyncEngine } from '../engine/engine.js'
import type { StreamOptions } from '../engine/streaming.js'
import { ArgumentError, InvalidRequestError } from '../errors.js'
import { AsyncResult, type ChunkSource } from '../result/async-result.js'
import { rowValues } from '../result/row.js'
import { and } from '../sql/constructors.js'
import type { ClauseElement } from '../sql/elements.js'
import { Select as SelectClass, select } from '../sql/select.js'
import { mapRow, rowLayout } from './loading.js'
import { type Mapper, mapperOf } from './mapper.js'
import { loadRelationship, ormChunkMapper } from './orm-execute.js'
import type { QueryHost } from './query.js'
import type { SessionObjects } from './session-objects.js'
import type { InstanceState } from './state.js'

/** What a stream needs of the session. */
export interface StreamHost extends QueryHost {
  readonly bind: AsyncEngine
  readonly objects: SessionObjects
}

/** Streams `given` on the session's open connection, or on a connection of its own (closed at the end). */
export async function streamObjects(
  session: StreamHost,
  open: AsyncConnection | undefined,
  given: ClauseElement,
  givenOptions: StreamOptions,
  step: <T>(fn: () => Promise<T>) => Promise<T>,
): Promise<AsyncResult<any>> {
  const stmt = given
  let options = givenOptions
  if (stmt instanceof SelectClass) {
    const yieldPer = stmt.executionOptionsMap.yieldPer
    if (typeof yieldPer === 'number' && options.chunkSize === undefined)
      options = { ...options, chunkSize: yieldPer }
  }
  const orm = stmt instanceof SelectClass ? ormChunkMapper(session, stmt) : undefined
  const own = open === undefined ? await session.bind.connect() : undefined
  const conn = own ?? open!
  const inner = await conn.stream(orm?.statement ?? stmt, options).catch(async (err: unknown) => {
    await own?.close()
    throw err
  })
  if (orm === undefined && own === undefined) return inner
  const source = (inner as unknown as { handOver(): ChunkSource }).handOver()
  let previous: unknown[][] | undefined
  return new AsyncResult<any>(orm?.names ?? inner.keys(), {
    // each chunk is one operation of the session: a get() between chunks is fine, one during a fetch is refused
    next: () =>
      step(async () => {
        const chunk = await source.next()
        if (chunk === undefined) {
          await own?.close()
          return undefined
        }
        if (orm === undefined) return chunk
        const rows = await orm.map(chunk)
        if (previous !== undefined) session.objects.releaseStreamed(previous)
        previous = rows
        return rows
      }),
    close: async () => {
      await source.close()
      await own?.close()
    },
  })
}

/** Loads (or, with `force`, reloads) attributes of a persistent object: columns by one SELECT, relationships by their loader. */
export async function loadAttributes(
  session: QueryHost,
  state: InstanceState,
  keys: readonly string[],
  force: boolean,
): Promise<void> {
  const mapper = state.mapper
  for (const k of keys)
    if (!mapper.hasAttribute(k))
      throw new ArgumentError(
        `${mapper.name} has no attribute "${k}" (attributes: ${mapper.attributeKeys().join(', ')})`,
      )
  const columns = keys.filter((k) => mapper.columnSet.has(k) && (force || !(k in state.dict)))
  if (columns.length > 0) {
    const stmt = select(mapper.cls as never).where(keyMatch(mapper, state.identity!))
    const layout = rowLayout(stmt)!
    const raw = await session.runRead(stmt)
    const rows = raw.all()
    if (rows.length === 0)
      throw new InvalidRequestError(`Could not refresh this ${mapper.name}: its row no longer exists`)
    for (const k of columns) {
      delete state.dict[k]
      state.committed.delete(k)
    }
    mapRow(
      session,
      layout,
      rowValues(rows[0]!),
      { populateExisting: true, only: new Set(columns) },
      new Map(),
    )
  }
  for (const k of keys) {
    const rel = mapper.relationships.get(k)
    if (rel === undefined || (!force && k in state.dict)) continue
    await loadRelationship(session, [state], rel, force)
  }
}

/**
 * The identity map's answer to `get(cls, ident)` when it has one without I/O (`null`: deleted,
 * or an object of another class); `hit` is undefined when a SELECT must answer.
 */
export function identityHit<T>(
  objects: SessionObjects,
  cls: abstract new (...args: any[]) => T,
  ident: unknown,
  options: { readonly populateExisting?: boolean | undefined },
): { mapper: Mapper; pk: unknown[]; hit: T | null | undefined } {
  const mapper = mapperOf(cls)
  const pk = normalizeIdent(mapper, ident)
  const key = mapper.identityKey(pk)
  if (key === undefined)
    throw new ArgumentError(`get(${mapper.name}) needs a value for every primary key column`)
  const found = objects.identity.get(key)
  let hit: T | null | undefined
  if (found !== undefined && !options.populateExisting) {
    if (found.markedDeleted || found.deletedFlushed || !found.mapper.isA(mapper)) hit = null
    else if (mapper.columnKeys.every((k) => k in found.dict)) hit = found.obj as T
  }
  return { mapper, pk, hit }
}

/** `pk1 = ? AND pk2 = ?` for a mapper's key. */
export function keyMatch(mapper: Mapper, pk: readonly unknown[]) {
  return and(...mapper.pkColumns.map((c, i) => c.eq(pk[i] as never)))!
}

/** A key given to `get()` (a value, a list in key order, or an object by attribute) as a list. */
export function normalizeIdent(mapper: Mapper, ident: unknown): unknown[] {
  if (Array.isArray(ident)) {
    if (ident.length !== mapper.pkKeys.length)
      throw new ArgumentError(
        `get(${mapper.name}) needs ${mapper.pkKeys.length} key value(s): ${mapper.pkKeys.join(', ')}`,
      )
    return ident
  }
  if (
    typeof ident === 'object' &&
    ident !== null &&
    !(ident instanceof Date) &&
    !(ident instanceof Uint8Array)
  )
    return mapper.pkKeys.map((k) => (ident as Record<string, unknown>)[k])
  if (mapper.pkKeys.length !== 1)
    throw new ArgumentError(
      `get(${mapper.name}) needs ${mapper.pkKeys.length} key values: [${mapper.pkKeys.join(', ')}]`,
    )
  return [ident]
}
