/**
 * Insert, update and delete statements given to `session.execute()`: ORM bulk INSERT of plain
 * objects, ORM bulk UPDATE by primary key, and ORM-enabled UPDATE/DELETE with criteria that keep
 * the identity map in step (`synchronizeSession`). They run in the session's transaction; on
 * batch-only adapters (neon-http, d1) they are held and sent by `commit()` in its one atomic batch.
 * @module
 */
import type { Dialect } from '../dialects/dialect.js'
import type { AdapterCapabilities } from '../engine/adapter.js'
import type { AsyncConnection } from '../engine/connection.js'
import { type ExecuteArgs, prepare, toResult } from '../engine/execution.js'
import { InvalidRequestError, UnsupportedCapabilityError } from '../errors.js'
import { Result } from '../result/result.js'
import { rowValues } from '../result/row.js'
import type { ExecuteParams } from '../sql/compiled.js'
import { type Delete, Insert, Update } from '../sql/dml.js'
import type { ClauseElement, ColumnElement } from '../sql/elements.js'
import { select } from '../sql/select.js'
import { bulkInsertSteps, bulkUpdateSteps, keyedRows } from './bulk-writes.js'
import type { WritesBeforeCommit } from './commit/strategy.js'
import { UNKNOWN, UnevaluatableError } from './evaluator.js'
import { runSteps, type Step } from './flush.js'
import type { HeldWrites } from './held-writes.js'
import { mapperForTable } from './mapper.js'
import { loadedVersion, nextVersion } from './unit-of-work.js'
import {
  applyMatches,
  evaluateMatches,
  everyObjectOf,
  fetchedMatches,
  keyedMatches,
  type Match,
  type NewValues,
  type SyncHost,
  synchronizeMode,
} from './write-sync.js'

/** What a write needs of the session. */
export interface WriteHost extends SyncHost {
  readonly dialect: Dialect
  readonly capabilities: AdapterCapabilities
  readonly adapterName: string
  /**
   * Where a write goes before the commit, as the session's commit strategy says: into the open
   * transaction, held for the commit's batch, or nowhere (refused).
   */
  readonly writesBeforeCommit: WritesBeforeCommit
  /** The session's connection (its transaction begins with the first statement). */
  connection(): Promise<AsyncConnection>
  /** A read now: in the session's transaction, else on its own (batch-only: committed state). */
  runRead(stmt: ClauseElement, params?: ExecuteArgs): Promise<Result<any>>
  /** Notes that rows changed behind the identity map (rollback then expires every object). */
  noteBulkWrite(): void
  /** A write of several statements failed part way: the session must be rolled back. */
  markFailed(err: unknown): void
  /** Writes held for commit (batch-only adapters). */
  readonly held: HeldWrites
}

/** Runs an insert/update/delete given to `session.execute()`. */
export async function executeOrmWrite(
  host: WriteHost,
  stmt: Insert | Update | Delete,
  params?: ExecuteArgs,
): Promise<Result<any>> {
  if (host.writesBeforeCommit === 'refused')
    throw new UnsupportedCapabilityError(
      `${host.adapterName} can neither hold a transaction open nor send a commit as one batch, so a write ` +
        'given to session.execute() has no transaction to join. Run it with engine.batch([...])',
    )
  if (host.writesBeforeCommit === 'held' && stmt.returningColumns.length > 0)
    throw new UnsupportedCapabilityError(
      `On ${host.adapterName} a write given to session.execute() is held until commit(), so its RETURNING rows ` +
        'cannot come back from execute(). Run it with engine.execute() (commits at once) or engine.batch([...])',
    )
  const list = Array.isArray(params) ? (params as readonly ExecuteParams[]) : undefined
  const mapper = mapperForTable(stmt.table)
  if (stmt instanceof Insert) {
    const steps =
      list !== undefined && stmt.rows.length === 0 && stmt.fromSelect === undefined
        ? bulkInsertSteps(host.dialect, host.capabilities, stmt, list, mapper)
        : preparedSteps(host.dialect, stmt, params)
    return send(host, steps)
  }
  if (stmt instanceof Update && list !== undefined && stmt.set.length === 0 && stmt.extraFroms.length === 0)
    return bulkUpdateByKey(host, stmt, list)
  if (list !== undefined) {
    // a Core executemany: which rows it changed is not known, so the table's objects are expired
    const sync = synchronizeMode(stmt) === false ? [] : everyObjectOf(host, stmt)
    const result = await send(host, preparedSteps(host.dialect, stmt, list), touchOf(stmt))
    applyMatches(host, sync, stmt instanceof Update ? 'update' : 'delete')
    return result
  }
  return criteriaWrite(host, stmt, params as ExecuteParams | undefined)
}

function preparedSteps(dialect: Dialect, stmt: ClauseElement, params?: ExecuteArgs): Step[] {
  const p = prepare(dialect, stmt, params)
  return p.statements.map((s) => ({ stmt: s, template: p.template }))
}

/** What an UPDATE or DELETE may change, for objects the commit's flush writes before it. */
function touchOf(stmt: Update | Delete) {
  return {
    table: stmt.table,
    keys: stmt instanceof Update ? stmt.effectiveSet.map(([c]) => c.key) : ('all' as const),
  }
}

/** The result of a held write: nothing is known until commit. */
function heldResult(): Result<any> {
  return new Result([], [], -1)
}

/**
 * Sends steps: held for commit on batch-only adapters, else one by one in the session's
 * transaction (row counts checked). Returns their results merged.
 */
async function send(host: WriteHost, steps: readonly Step[], touch?: ReturnType<typeof touchOf>) {
  if (host.writesBeforeCommit === 'held') {
    host.held.hold(steps, touch)
    return heldResult()
  }
  const conn = await host.connection()
  host.noteBulkWrite()
  let raws: Awaited<ReturnType<typeof runSteps>>
  try {
    raws = await runSteps(
      { dialect: host.dialect, capabilities: host.capabilities, run: (s) => conn.runBound(s) },
      steps,
    )
  } catch (err) {
    if (steps.length > 1) host.markFailed(err)
    throw err
  }
  const results = raws.map((raw, i) => toResult<any>(host.dialect, steps[i]!.template, raw))
  if (results.length === 1) return results[0]!
  const affected = results.some((r) => r.rowsAffected < 0)
    ? -1
    : results.reduce((n, r) => n + r.rowsAffected, 0)
  const rows = results.flatMap((r) => r.all().map(rowValues))
  return new Result<any>(results[0]?.names ?? [], rows, affected)
}

/** ORM bulk UPDATE by primary key: one UPDATE per row; objects with those keys get the values. */
async function bulkUpdateByKey(host: WriteHost, stmt: Update, list: readonly ExecuteParams[]) {
  const mapper = mapperForTable(stmt.table)
  const rows = keyedRows(stmt.table, list)
  const steps = bulkUpdateSteps(host.dialect, stmt, rows, mapper)
  const version = mapper?.versionColumn
  const onupdate = stmt.table.columns.filter((c) => c.options.onupdate !== undefined)
  const matches =
    synchronizeMode(stmt) === false
      ? []
      : keyedMatches(
          host,
          stmt.table,
          rows.map((r) => r.pk),
          (state, i) => {
            const given = rows[i]!.values
            const values: NewValues = new Map(Object.entries(given))
            if (Object.keys(given).length === 0) return values
            if (version !== undefined && !(version.key in given)) {
              const known = loadedVersion(state)
              values.set(version.key, known === undefined ? UNKNOWN : nextVersion(known))
            }
            for (const c of onupdate) if (!(c.key in given)) values.set(c.key, UNKNOWN)
            return values
          },
        )
  const keys = new Set(rows.flatMap((r) => Object.keys(r.values)))
  if (version !== undefined) keys.add(version.key)
  for (const c of onupdate) keys.add(c.key)
  const result = await send(host, steps, { table: stmt.table, keys: [...keys] })
  if (host.writesBeforeCommit === 'held') host.held.noteSynced(matches.map((m) => m.state))
  applyMatches(host, matches, 'update')
  return result
}

/** An UPDATE of a versioned class counts the version up (unless the statement sets it). */
function withVersion(stmt: Update | Delete): Update | Delete {
  const version = mapperForTable(stmt.table)?.versionColumn
  if (!(stmt instanceof Update) || version === undefined || stmt.set.some(([c]) => c === version)) return stmt
  return stmt.values({ [version.key]: version.add(1 as never) } as never)
}

/** The primary keys of the rows an UPDATE/DELETE's criteria match. */
function keySelect(stmt: Update | Delete) {
  const pk = stmt.table.primaryKeyColumns
  const froms = stmt instanceof Update ? [stmt.table, ...stmt.extraFroms] : [stmt.table]
  const q = select(...(pk as ColumnElement<any>[])).selectFrom(...froms)
  return stmt.whereClause === undefined ? q : q.where(stmt.whereClause as ColumnElement<boolean>)
}

/** ORM-enabled UPDATE/DELETE with criteria, synchronizing the identity map as asked. */
async function criteriaWrite(host: WriteHost, given: Update | Delete, params?: ExecuteParams) {
  const stmt = withVersion(given)
  const kind = stmt instanceof Update ? 'update' : 'delete'
  const rules = host.dialect.features
  let mode = synchronizeMode(stmt)
  let matches: Match[] = []
  if (mode === 'auto' || mode === 'evaluate') {
    try {
      matches = evaluateMatches(host, stmt, rules, params)
    } catch (err) {
      if (!(err instanceof UnevaluatableError)) throw err
      if (mode === 'evaluate')
        throw new InvalidRequestError(
          `Could not evaluate the criteria in JavaScript (${err.message}); use synchronizeSession: 'fetch' ` +
            `(reads the affected keys) or false (leaves the identity map alone)`,
          { cause: err },
        )
      mode = 'fetch'
    }
  }
  const hold = host.writesBeforeCommit === 'held'
  const readKeys = async () => {
    const rows = (await host.runRead(keySelect(stmt), params)).all().map(rowValues)
    return fetchedMatches(host, stmt, rows, rules, params)
  }
  if (hold) {
    // the affected keys as of now (committed state): the write itself waits for commit()
    if (mode === 'fetch') matches = await readKeys()
    host.held.hold(preparedSteps(host.dialect, stmt, params), touchOf(stmt))
    host.held.noteSynced(matches.map((m) => m.state))
    applyMatches(host, matches, kind)
    return heldResult()
  }
  const conn = await host.connection()
  host.noteBulkWrite()
  let result: Result<any>
  if (mode === 'fetch' && host.dialect.features.returning) {
    const own = stmt.returningColumns
    const pk = stmt.table.primaryKeyColumns
    const set = stmt instanceof Update ? stmt.effectiveSet.map(([c]) => c) : []
    const full = (stmt.returning as (...c: ColumnElement[]) => Update | Delete).call(
      stmt,
      ...own,
      ...pk,
      ...set,
    )
    const raw = await conn.execute(full, params)
    const rows = raw.all().map(rowValues)
    const at = own.length
    const returned = rows.map((r): NewValues => new Map(set.map((c, j) => [c.key, r[at + pk.length + j]])))
    matches = fetchedMatches(
      host,
      stmt,
      rows.map((r) => r.slice(at, at + pk.length)),
      rules,
      params,
      returned,
    )
    result = new Result<any>(
      raw.names.slice(0, at),
      rows.map((r) => r.slice(0, at)),
      raw.rowsAffected,
    )
  } else {
    if (mode === 'fetch') matches = await readKeys()
    result = await conn.execute(stmt, params)
  }
  if (mode !== false) applyMatches(host, matches, kind)
  return result
}
