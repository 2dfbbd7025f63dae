/**
 * Runs Hrana stream requests on one libSQL connection: values in and out, statements, batches
 * with step conditions, sequences and describe.
 * @module
 */
import type Database from 'libsql'
import {
  type HranaBatch,
  type HranaBatchResult,
  type HranaCond,
  type HranaDescribeResult,
  type HranaError,
  HranaProtocolError,
  type HranaStmt,
  type HranaStmtResult,
  type HranaValue,
} from './protocol.js'

type Db = InstanceType<typeof Database>
type Prepared = ReturnType<Db['prepare']>

/** One SQLite connection with a small cache of prepared statements. */
export class Connection {
  readonly #cache = new Map<string, Prepared>()
  #counters: Prepared | undefined
  constructor(readonly db: Db) {}

  prepare(sql: string): Prepared {
    let stmt = this.#cache.get(sql)
    if (stmt === undefined) {
      stmt = this.db.prepare(sql)
      if (this.#cache.size >= 100) this.#cache.clear()
      this.#cache.set(sql, stmt)
    }
    return stmt
  }

  /** `[total_changes(), last_insert_rowid()]` of this connection. */
  counters(): [bigint, bigint] {
    this.#counters ??= this.db
      .prepare('SELECT total_changes(), last_insert_rowid()')
      .raw(true)
      .safeIntegers(true)
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
  switch (v.type) {
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
      throw new HranaProtocolError(
        400,
        `Unknown value type ${JSON.stringify((v as { type: unknown }).type)}`,
        'PROTO_ERROR',
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

/** A thrown error as a Hrana error object: SQLite errors keep their extended code name. */
export function toHranaError(err: unknown): HranaError {
  if (err instanceof HranaProtocolError) return { message: err.message, code: err.code }
  const e = err as { message?: unknown; code?: unknown }
  const message = typeof e?.message === 'string' ? e.message : String(err)
  return typeof e?.code === 'string' ? { message, code: e.code } : { message }
}

/** Resolves the SQL text of a statement or request (`sql` or a stored `sql_id`). */
export function sqlOf(
  req: { sql?: string | null | undefined; sql_id?: number | null | undefined },
  stored: ReadonlyMap<number, string>,
): string {
  if (typeof req.sql === 'string') return req.sql
  if (typeof req.sql_id === 'number') {
    const sql = stored.get(req.sql_id)
    if (sql === undefined)
      throw new HranaProtocolError(
        400,
        `SQL text ${req.sql_id} is not stored on this stream`,
        'SQL_NOT_FOUND',
      )
    return sql
  }
  throw new HranaProtocolError(400, 'The statement has neither sql nor sql_id', 'PROTO_ERROR')
}

function bindArgs(stmt: HranaStmt): unknown[] | Record<string, unknown> {
  const named = stmt.named_args ?? []
  const positional = (stmt.args ?? []).map(fromHrana)
  if (named.length === 0) return positional
  const out: Record<string, unknown> = {}
  positional.forEach((v, i) => {
    out[String(i + 1)] = v
  })
  for (const a of named) out[a.name.replace(/^[:@$]/, '')] = fromHrana(a.value)
  return out
}

/** Executes one statement. */
export function executeStmt(
  conn: Connection,
  stmt: HranaStmt,
  stored: ReadonlyMap<number, string>,
): HranaStmtResult {
  const sql = sqlOf(stmt, stored)
  const prepared = conn.prepare(sql)
  const args = bindArgs(stmt)
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
      affected_row_count: Number(info.changes),
      last_insert_rowid: String(rowid),
    }
  }
  prepared.raw(true)
  const cols = prepared.columns().map((c) => ({ name: c.name, decltype: c.type ?? null }))
  const [before] = conn.counters()
  const raw = prepared.all(args) as unknown[][]
  const [after, lastRowid] = conn.counters()
  const rows = stmt.want_rows === false ? [] : raw.map((r) => r.map(toHrana))
  return {
    cols,
    rows,
    affected_row_count: Number(after - before),
    last_insert_rowid: lastRowid.toString(),
  }
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
    case 'is_autocommit':
      return !conn.inTransaction
    default:
      throw new HranaProtocolError(
        400,
        `Unknown batch condition ${JSON.stringify((cond as { type: unknown }).type)}`,
        'PROTO_ERROR',
      )
  }
}

/** Executes a batch: each step runs when its condition holds (no condition: always). */
export function executeBatch(
  conn: Connection,
  batch: HranaBatch,
  stored: ReadonlyMap<number, string>,
): HranaBatchResult {
  const step_results: (HranaStmtResult | null)[] = []
  const step_errors: (HranaError | null)[] = []
  for (const step of batch.steps) {
    if (step.condition != null && !holds(step.condition, conn, step_results, step_errors)) {
      step_results.push(null)
      step_errors.push(null)
      continue
    }
    try {
      step_results.push(executeStmt(conn, step.stmt, stored))
      step_errors.push(null)
    } catch (err) {
      step_results.push(null)
      step_errors.push(toHranaError(err))
    }
  }
  return { step_results, step_errors }
}

/** Runs several statements separated by semicolons, without parameters or results. */
export function executeSequence(conn: Connection, sql: string): void {
  conn.db.exec(sql)
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
  const prepared = conn.prepare(sql)
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
