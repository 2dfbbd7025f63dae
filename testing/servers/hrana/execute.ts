/**
 * Runs Hrana stream requests on one libSQL connection as libsql-server (sqld, Turso) does: the
 * SQL of a statement is read first (one statement, supported, arguments matching its parameters;
 * see statements.ts and errors.ts), then run; values in and out, batches with step conditions,
 * sequences (which do take several statements) and describe.
 * @module
 */
import type Database from 'libsql'
import { fromSqlite, ProtocolError, StatementError, statementErrors, syntaxErrorOf } from './errors.js'
import type {
  HranaBatch,
  HranaBatchResult,
  HranaCond,
  HranaDescribeResult,
  HranaError,
  HranaStmt,
  HranaStmtResult,
  HranaValue,
} from './protocol.js'
import {
  isUnsupported,
  type ScannedStatement,
  type StatementKind,
  splitStatements,
  statementKind,
} from './statements.js'

type Db = InstanceType<typeof Database>
type Prepared = ReturnType<Db['prepare']>

const pragma = /^\s*(explain\s+(query\s+plan\s+)?)?pragma\b/i

/** One SQLite connection with a small cache of prepared statements. */
export class Connection {
  readonly #cache = new Map<string, Prepared>()
  #counters: Prepared | undefined
  constructor(
    readonly db: Db,
    /** Largest result of one statement (sqld's `max_response_size`, 10 MB by default). */
    readonly maxResponseBytes = 10_000_000,
  ) {}

  prepare(sql: string): Prepared {
    // SQLite runs a PRAGMA's setting while compiling it: a cached one would not act again
    if (pragma.test(sql)) return this.db.prepare(sql)
    let stmt = this.#cache.get(sql)
    if (stmt === undefined) {
      stmt = this.db.prepare(sql)
      if (this.#cache.size >= 100) this.#cache.clear()
      this.#cache.set(sql, stmt)
    }
    return stmt
  }

  /** `[changes(), last_insert_rowid()]` of this connection. */
  counters(): [bigint, bigint] {
    this.#counters ??= this.db.prepare('SELECT changes(), last_insert_rowid()').raw(true).safeIntegers(true)
    return this.#counters.get([]) as [bigint, bigint]
  }

  get inTransaction(): boolean {
    return this.db.inTransaction
  }

  close(): void {
    this.#cache.clear()
    this.#counters = undefined
    try {
      this.db.close()
    } catch {
      // already closed
    }
  }
}

/** A Hrana value as a value the native module binds. */
export function fromHrana(v: HranaValue): unknown {
  switch (v?.type) {
    case 'null':
      return null
    case 'integer':
      return BigInt(v.value)
    case 'float':
      return Number(v.value)
    case 'text':
      return v.value
    case 'blob':
      return Buffer.from(v.base64, 'base64')
    default:
      throw new ProtocolError(
        `Cannot deserialize client message from JSON: unknown value type ${JSON.stringify((v as { type?: unknown })?.type)}`,
      )
  }
}

/** A value read with safe integers on (bigint for INTEGER, number for REAL) as a Hrana value. */
export function toHrana(v: unknown): HranaValue {
  if (v === null || v === undefined) return { type: 'null' }
  if (typeof v === 'bigint') return { type: 'integer', value: v.toString() }
  if (typeof v === 'number') return { type: 'float', value: v }
  if (typeof v === 'string') return { type: 'text', value: v }
  if (v instanceof Uint8Array)
    return { type: 'blob', base64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') }
  return { type: 'text', value: String(v) }
}

/** A statement error as a Hrana error object. */
export function toHranaError(err: unknown): HranaError {
  if (err instanceof StatementError) return { message: err.message, code: err.code }
  const message = typeof (err as Error)?.message === 'string' ? (err as Error).message : String(err)
  return { message, code: 'SQLITE_UNKNOWN' }
}

/** Resolves the SQL text of a statement or request (`sql` or a stored `sql_id`, never both). */
export function sqlOf(
  req: { sql?: string | null | undefined; sql_id?: number | null | undefined },
  stored: ReadonlyMap<number, string>,
): string {
  const hasSql = typeof req.sql === 'string'
  const hasId = typeof req.sql_id === 'number'
  if (hasSql && hasId) throw new ProtocolError('Either `sql` or `sql_id` are required, but not both')
  if (hasSql) return req.sql as string
  if (hasId) {
    const sql = stored.get(req.sql_id as number)
    if (sql === undefined) throw new ProtocolError(`SQL text ${req.sql_id} not found`)
    return sql
  }
  throw new ProtocolError('Either `sql` or `sql_id` are required')
}

/** What sqld learned from a statement's text: its kind and its parameter slots. */
interface Analysis {
  readonly kind: StatementKind
  readonly params: readonly (string | null)[]
}

const analyses = new Map<string, Analysis>()

/**
 * Reads SQL as sqld does before running it: exactly one statement (`SQL_NO_STATEMENT`,
 * `SQL_MANY_STATEMENTS`), no syntax error in the first (`SQL_PARSE_ERROR`), and one sqld supports
 * (`SQL_PARSE_ERROR: unsupported statement`).
 */
function analyse(conn: Connection, sql: string): Analysis {
  const known = analyses.get(sql)
  if (known !== undefined) return known
  const statements = splitStatements(sql)
  const first = statements[0]
  if (first === undefined) throw statementErrors.noStatement()
  checkSyntax(conn, first)
  if (statements.length > 1) throw statementErrors.manyStatements()
  if (isUnsupported(first)) throw statementErrors.parse(`unsupported statement: ${sql}`)
  const analysis = { kind: statementKind(first), params: paramNames(sql) }
  if (analyses.size >= 1000) analyses.clear()
  analyses.set(sql, analysis)
  return analysis
}

/** Throws `SQL_PARSE_ERROR` when SQLite's parser refuses the statement (other errors come later). */
function checkSyntax(conn: Connection, stmt: ScannedStatement): void {
  // compiling a PRAGMA applies its setting: never as a mere check
  if (stmt.tokens.some((t, i) => i < 4 && t.text === 'PRAGMA')) return
  try {
    conn.prepare(stmt.text)
  } catch (err) {
    const syntax = syntaxErrorOf(err)
    if (syntax !== undefined) throw statementErrors.parse(syntax)
  }
}

function bindArgs(stmt: HranaStmt, params: readonly (string | null)[]): unknown[] | Record<string, unknown> {
  const named = stmt.named_args ?? []
  const positional = stmt.args ?? []
  if (named.length > 0 && positional.length > 0) throw statementErrors.argsBoth()
  const given = named.length > 0 ? named.length : positional.length
  if (given > params.length)
    throw statementErrors.argsInvalid(`too many parameters, expected ${params.length} found ${given}`)
  if (named.length === 0) {
    params.forEach((name, i) => {
      const pos = name?.startsWith('?') ? Number(name.slice(1)) : name === null ? i + 1 : undefined
      if (pos === undefined || positional[pos - 1] === undefined)
        throw statementErrors.argsInvalid(`value for parameter ${name ?? i + 1} not found`)
    })
    return positional.map(fromHrana)
  }
  const byName = new Map(named.map((a) => [a.name, a.value]))
  const out: Record<string, unknown> = {}
  params.forEach((name, i) => {
    const value = name === null ? undefined : (byName.get(name) ?? byName.get(name.slice(1)))
    if (name === null || value === undefined)
      throw statementErrors.argsInvalid(`value for parameter ${name ?? i + 1} not found`)
    out[name.slice(1)] = fromHrana(value)
  })
  return out
}

/** Executes one statement. */
export function executeStmt(
  conn: Connection,
  stmt: HranaStmt,
  stored: ReadonlyMap<number, string>,
): HranaStmtResult {
  return runStmt(conn, stmt, sqlOf(stmt, stored))
}

function runStmt(conn: Connection, stmt: HranaStmt, sql: string): HranaStmtResult {
  const { kind, params } = analyse(conn, sql)
  const args = bindArgs(stmt, params)
  let prepared: Prepared
  try {
    prepared = conn.prepare(sql)
  } catch (err) {
    throw fromSqlite(err, sql, true)
  }
  const iud = kind === 'insert' || kind === 'update' || kind === 'delete'
  try {
    prepared.safeIntegers(true)
    if (!prepared.reader) {
      const info = prepared.run(args) as { changes: number; lastInsertRowid: number | bigint }
      // the native module reports the rowid as a JS number even with safe integers on
      const rowid =
        typeof info.lastInsertRowid === 'number' && !Number.isSafeInteger(info.lastInsertRowid)
          ? conn.counters()[1]
          : info.lastInsertRowid
      return {
        cols: [],
        rows: [],
        affected_row_count: iud ? Number(info.changes) : 0,
        last_insert_rowid: kind === 'insert' ? String(rowid) : null,
      }
    }
    prepared.raw(true)
    const cols = prepared.columns().map((c) => ({ name: c.name, decltype: c.type ?? null }))
    const raw = prepared.all(args) as unknown[][]
    if (resultBytes(raw) > conn.maxResponseBytes)
      throw new StatementError('RESPONSE_TOO_LARGE', 'Response is too large')
    const [changes, lastRowid] = conn.counters()
    const rows = stmt.want_rows === false ? [] : raw.map((r) => r.map(toHrana))
    return {
      cols,
      rows,
      affected_row_count: iud ? Number(changes) : 0,
      last_insert_rowid: kind === 'insert' ? lastRowid.toString() : null,
    }
  } catch (err) {
    throw fromSqlite(err, sql, false)
  }
}

/** The size of rows as sqld's result builder counts it: 8 bytes a number, text and blobs by length. */
function resultBytes(rows: readonly unknown[][]): number {
  let total = 0
  for (const row of rows)
    for (const v of row)
      total +=
        typeof v === 'string'
          ? Buffer.byteLength(v)
          : v instanceof Uint8Array
            ? v.byteLength
            : v === null
              ? 1
              : 8
  return total
}

function holds(
  cond: HranaCond,
  conn: Connection,
  results: readonly unknown[],
  errors: readonly unknown[],
): boolean {
  switch (cond.type) {
    case 'ok':
      return results[cond.step] != null
    case 'error':
      return errors[cond.step] != null
    case 'not':
      return !holds(cond.cond, conn, results, errors)
    case 'and':
      return cond.conds.every((c) => holds(c, conn, results, errors))
    case 'or':
      return cond.conds.some((c) => holds(c, conn, results, errors))
    default:
      throw new ProtocolError('BatchCond type not recognized')
  }
}

/** Checks a condition before anything runs: steps before its own, and only Hrana 2 kinds. */
function checkCond(cond: HranaCond, stepIndex: number): void {
  switch (cond?.type) {
    case 'ok':
    case 'error':
      if (!Number.isInteger(cond.step) || cond.step < 0 || cond.step >= stepIndex)
        throw new ProtocolError('Invalid reference to step in a batch condition')
      return
    case 'not':
      return checkCond(cond.cond, stepIndex)
    case 'and':
    case 'or':
      for (const c of cond.conds) checkCond(c, stepIndex)
      return
    case 'is_autocommit':
      throw new ProtocolError(
        'BatchCond of type `is_autocommit` is only supported in protocol version hrana3 and higher',
      )
    default:
      throw new ProtocolError('BatchCond type not recognized')
  }
}

/**
 * Executes a batch: every step's SQL is read first (one bad step fails the whole request, nothing
 * runs), then each step runs when its condition holds (no condition: always).
 */
export function executeBatch(
  conn: Connection,
  batch: HranaBatch,
  stored: ReadonlyMap<number, string>,
): HranaBatchResult {
  const steps = batch.steps.map((step, i) => {
    const sql = sqlOf(step.stmt, stored)
    if (step.condition != null) checkCond(step.condition, i)
    if ((step.stmt.named_args?.length ?? 0) > 0 && (step.stmt.args?.length ?? 0) > 0)
      throw statementErrors.argsBoth()
    analyse(conn, sql)
    return { ...step, sql }
  })
  const step_results: (HranaStmtResult | null)[] = []
  const step_errors: (HranaError | null)[] = []
  for (const step of steps) {
    if (step.condition != null && !holds(step.condition, conn, step_results, step_errors)) {
      step_results.push(null)
      step_errors.push(null)
      continue
    }
    try {
      step_results.push(runStmt(conn, step.stmt, step.sql))
      step_errors.push(null)
    } catch (err) {
      if (err instanceof ProtocolError) throw err
      step_results.push(null)
      step_errors.push(toHranaError(err))
    }
  }
  return { step_results, step_errors }
}

/**
 * Runs several statements separated by semicolons, without parameters or results: all are read
 * first (a syntax error or an unsupported statement anywhere runs none), then each runs while the
 * previous succeeded; the first error is the request's.
 */
export function executeSequence(conn: Connection, sql: string): void {
  const statements = splitStatements(sql)
  for (const stmt of statements) {
    checkSyntax(conn, stmt)
    if (isUnsupported(stmt)) throw statementErrors.parse(`unsupported statement: ${sql}`)
  }
  for (const stmt of statements) {
    let prepared: Prepared
    try {
      prepared = conn.prepare(stmt.text)
    } catch (err) {
      throw fromSqlite(err, stmt.text, true)
    }
    try {
      if (prepared.reader) prepared.all([])
      else prepared.run([])
    } catch (err) {
      throw fromSqlite(err, stmt.text, false)
    }
  }
}

/** Parameter names of a statement, scanned outside literals and comments (`null` for `?`). */
function paramNames(sql: string): (string | null)[] {
  const names: (string | null)[] = []
  const seen = new Set<string>()
  const re =
    /'(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|--[^\n]*|\/\*[\s\S]*?\*\/|\?(\d*)|([:@$][A-Za-z_][A-Za-z0-9_]*)/g
  for (const m of sql.matchAll(re)) {
    if (m[2] !== undefined) {
      if (!seen.has(m[2])) names.push(m[2])
      seen.add(m[2])
    } else if (m[0].startsWith('?')) {
      if (m[1] === undefined || m[1] === '') names.push(null)
      else {
        const n = Number(m[1])
        while (names.length < n) names.push(null)
      }
    }
  }
  return names
}

/** Describes a statement without running it. `is_readonly` is judged from its leading keyword. */
export function describe(conn: Connection, sql: string): HranaDescribeResult {
  let prepared: Prepared
  try {
    prepared = conn.prepare(sql)
  } catch (err) {
    throw fromSqlite(err, sql, true)
  }
  const cols = prepared.reader
    ? prepared.columns().map((c) => ({ name: c.name, decltype: c.type ?? null }))
    : []
  const head =
    /^\s*(\w+)/.exec(sql.replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*/, ''))?.[1]?.toLowerCase() ?? ''
  return {
    params: paramNames(sql).map((name) => ({ name })),
    cols,
    is_explain: head === 'explain',
    is_readonly: ['select', 'values', 'explain'].includes(head),
  }
}
