/**
 * The path of one statement: compile (through the cache), bind, run on an executor, translate
 * errors, decode rows by declared type into a `Result`.
 * @module
 */
import { type Decoder, decodeRows } from '../dialects/codecs.js'
import type { Dialect } from '../dialects/dialect.js'
import { ArgumentError, EdgeAlchemyError } from '../errors.js'
import { Result } from '../result/result.js'
import type { CompiledTemplate, ExecuteParams } from '../sql/compiled.js'
import { bindparam } from '../sql/constructors.js'
import { Insert } from '../sql/dml.js'
import { ClauseElement, TextClause } from '../sql/elements.js'
import { CompoundSelect, dedupeNames, Select } from '../sql/select.js'
import type { Adapter, ExecuteOptions, RawResult, Statement } from './adapter.js'
import { redactError } from './redact.js'

/** What `execute()` accepts: a statement built with the expression language or `text()`. */
export type Executable = ClauseElement

/** Parameters of one execution (named values) or of an executemany (a list of them). */
export type ExecuteArgs = ExecuteParams | readonly ExecuteParams[]

/** Logging settings of an engine. */
export interface EchoSettings {
  readonly echo: boolean
  readonly hideParameters: boolean
  readonly logger: (line: string) => void
}

/** Runs bound statements: an adapter (autocommit) or an interactive transaction. */
export interface StatementRunner {
  execute(stmt: Statement, options?: ExecuteOptions): Promise<RawResult>
}

/** A statement compiled and bound, with the template that decodes its rows. */
export interface Prepared {
  readonly template: CompiledTemplate
  readonly statements: Statement[]
}

/**
 * `insert(table)` with no values, given parameter sets: the columns are every key any set names;
 * a set that leaves a key out gets the column's client default (else binding names the gap).
 */
function withValuesFromParams(
  stmt: Executable,
  sets: readonly (ExecuteParams | undefined)[],
): { stmt: Executable; sets: readonly (ExecuteParams | undefined)[] } {
  if (
    !(stmt instanceof Insert) ||
    stmt.rows.length > 0 ||
    stmt.fromSelect !== undefined ||
    sets[0] === undefined
  )
    return { stmt, sets }
  const table = stmt.table
  const keys = [...new Set(sets.flatMap((p) => Object.keys(p ?? {})))]
  const values: Record<string, unknown> = {}
  for (const key of keys) values[key] = bindparam(key, table.columnByKey(key).type)
  const base = new Insert(table).values(values as never)
  const out = new Insert(table, base.rows, base.columns, undefined, stmt.returningColumns, stmt.onConflict)
  const filled = sets.map((p) => {
    const missing = keys.filter((k) => p === undefined || !(k in p))
    if (missing.length === 0) return p
    const extra: Record<string, unknown> = { ...p }
    for (const k of missing) {
      const col = table.columnByKey(k)
      if (col.options.default !== undefined) extra[k] = col.defaultValue()
    }
    return extra
  })
  return { stmt: out, sets: filled }
}

/** Text that starts as a query does: a read, whose lost reply commits nothing. */
const readText = /^\s*(select|values|show|explain)\b/i

/**
 * True for a statement that only reads: a select, or `text()` starting with SELECT, VALUES, SHOW
 * or EXPLAIN. Anything else may write, so a lost reply leaves its outcome unknown.
 */
export function isReadOnlyStatement(stmt: Executable): boolean {
  if (stmt instanceof Select || stmt instanceof CompoundSelect) return true
  if (stmt instanceof TextClause) {
    const head = stmt.parts[0]
    return typeof head === 'string' && readText.test(head)
  }
  return false
}

function notExecutable(stmt: unknown): ArgumentError {
  return new ArgumentError(
    typeof stmt === 'string'
      ? 'execute() takes a statement; wrap raw SQL in text()'
      : 'execute() takes a statement',
  )
}

/** What the engine knows of a statement's shape (see {@link Statement}); nothing for `text()`. */
type Shape = Pick<Statement, 'returnsRows' | 'writes'>

const query: Shape = Object.freeze({ returnsRows: true, writes: false })

/** Whether `stmt` (compiled into `template`) returns rows and what it writes, from its kind. */
function shapeOf(stmt: Executable, template: CompiledTemplate): Shape | undefined {
  switch (stmt.kind) {
    case 'select':
    case 'compound':
      return query
    case 'insert':
    case 'update':
    case 'delete':
      // RETURNING is the template's result columns
      return {
        returnsRows: template.resultColumns.length > 0,
        writes: stmt.kind as 'insert' | 'update' | 'delete',
      }
    default:
      return undefined
  }
}

/** A bound statement with its shape. */
function withShape(bound: Statement, shape: Shape | undefined): Statement {
  return shape === undefined
    ? bound
    : { sql: bound.sql, params: bound.params, returnsRows: shape.returnsRows, writes: shape.writes }
}

/** Compiles `stmt` for `dialect` and binds one or many parameter sets. */
export function prepare(dialect: Dialect, stmt: Executable, args?: ExecuteArgs): Prepared {
  if (!(stmt instanceof ClauseElement)) throw notExecutable(stmt)
  const many = Array.isArray(args)
  const sets = (many ? args : [args]) as (ExecuteParams | undefined)[]
  if (many && sets.length === 0) throw new ArgumentError('executemany needs at least one parameter set')
  const target = withValuesFromParams(stmt, sets)
  const { template, binds } = dialect.cache.lookup(target.stmt, dialect)
  const shape = shapeOf(target.stmt, template)
  return { template, statements: target.sets.map((p) => withShape(template.bind(p, binds), shape)) }
}

/**
 * {@link prepare} for one parameter set (not a list): the template and the one bound statement,
 * without the intermediate arrays. Same checks and results as `prepare(dialect, stmt, params)`.
 */
export function prepareOne(
  dialect: Dialect,
  stmt: Executable,
  params: ExecuteParams | undefined,
): { readonly template: CompiledTemplate; readonly statement: Statement } {
  if (!(stmt instanceof ClauseElement)) throw notExecutable(stmt)
  if (stmt instanceof Insert) {
    const p = prepare(dialect, stmt, params)
    return { template: p.template, statement: p.statements[0]! }
  }
  const { template, binds } = dialect.cache.lookup(stmt, dialect)
  return { template, statement: withShape(template.bind(params, binds), shapeOf(stmt, template)) }
}

type ColumnTypes = RawResult['columnTypes']

const decoderCache = new WeakMap<CompiledTemplate, { types: ColumnTypes; decoders: (Decoder | null)[] }>()

/** Whether two drivers' column type lists are equal, element by element (no key string per call). */
function sameTypes(a: ColumnTypes, b: ColumnTypes): boolean {
  if (a === b) return true
  if (a === undefined || b === undefined || a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Decodes a raw result into a `Result` using the template's declared column types. */
export function toResult<R>(dialect: Dialect, template: CompiledTemplate, raw: RawResult): Result<R> {
  const typed = template.resultColumns.length > 0 && template.resultColumns.length === raw.columns.length
  let entry = decoderCache.get(template)
  if (entry === undefined || !sameTypes(entry.types, raw.columnTypes)) {
    const types = typed ? template.resultColumns.map((c) => c.type) : []
    entry = { types: raw.columnTypes, decoders: dialect.columnDecoders(types, raw.columnTypes) }
    decoderCache.set(template, entry)
  }
  const names = typed ? template.resultNames : dedupeNames(raw.columns)
  const lastInsertId = raw.lastInsertId
  return new Result<R>(names, decodeRows(raw.rows, entry.decoders), raw.rowsAffected, lastInsertId)
}

/** Turns a driver error into the typed, redacted error tree; library errors pass through. */
export function wrapError(
  adapter: Adapter,
  dialect: Dialect,
  err: unknown,
  stmt: Statement | undefined,
  hideParameters: boolean,
): Error {
  if (err instanceof EdgeAlchemyError) return err
  const info = adapter.errorInfo(err)
  return dialect.translateError(info, {
    sql: stmt?.sql,
    params: hideParameters || stmt === undefined ? undefined : stmt.params,
    cause: redactError(err, adapter.secrets ?? []),
  })
}

/** Logs a statement when echo is on. */
export function echoStatement(settings: EchoSettings, stmt: Statement): void {
  if (!settings.echo) return
  settings.logger(
    settings.hideParameters || stmt.params.length === 0
      ? stmt.sql
      : `${stmt.sql}  ${formatParams(stmt.params)}`,
  )
}

function formatParams(params: readonly unknown[]): string {
  return JSON.stringify(params, (_k, v) =>
    typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? `<${v.length} bytes>` : v,
  )
}

/** Runs one bound statement with logging and error translation. */
export async function runStatement(
  adapter: Adapter,
  dialect: Dialect,
  settings: EchoSettings,
  runner: StatementRunner,
  stmt: Statement,
  options?: ExecuteOptions,
): Promise<RawResult> {
  echoStatement(settings, stmt)
  try {
    return await runner.execute(stmt, options)
  } catch (err) {
    throw wrapError(adapter, dialect, err, stmt, settings.hideParameters)
  }
}
