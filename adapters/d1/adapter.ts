/**
 * The d1 adapter over a binding: each statement one request, read with `raw()` (rows as arrays)
 * or `run()` (meta) by its shape, each batch one `binding.batch([...])`. No runtime dependency.
 * @module
 */
import { SqliteDialect } from '../../core/dialects/sqlite/index.js'
import { abortable } from '../../core/engine/abortable.js'
import type {
  Adapter,
  AdapterCapabilities,
  DriverErrorInfo,
  ExecuteOptions,
  RawResult,
  Statement,
  TransactionOptions,
} from '../../core/engine/adapter.js'
import { sealAdapter } from '../../core/engine/inspect.js'
import { CompileError, UnsupportedCapabilityError } from '../../core/errors.js'
import {
  D1_MAX_PARAMS,
  type D1DatabaseLike,
  type D1PreparedStatementLike,
  type D1ResultLike,
} from './binding.js'
import { kindOfStatement, type StatementKind } from './classify.js'
import { d1ErrorInfo } from './errors.js'

/** Parameters as the binding takes them: no bigint (D1 rejects it), no undefined. */
function toValues(params: readonly unknown[]): unknown[] {
  let out: unknown[] | undefined
  for (let i = 0; i < params.length; i++) {
    const v = params[i]
    if (v === undefined || typeof v === 'bigint') {
      out ??= params.slice()
      out[i] =
        v === undefined
          ? null
          : v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
            ? Number(v)
            : v.toString()
    }
  }
  return out ?? (params as unknown[])
}

function checkParams(stmt: Statement, index?: number): void {
  const n = stmt.params.length
  if (n > D1_MAX_PARAMS)
    throw new CompileError(
      `D1 binds at most ${D1_MAX_PARAMS} parameters per statement; ${index === undefined ? 'this statement' : `statement ${index} of the batch`} has ${n}, so nothing was sent. Insert fewer rows per statement (the session and executemany split by capabilities.maxParams), split long IN lists, or pass a list as one JSON text parameter read with json_each(?)`,
    )
}

function refuseTransaction(kind: StatementKind, sql: string): void {
  if (kind === 'transaction')
    throw new UnsupportedCapabilityError(
      'D1 has no interactive transactions or savepoints (it rejects BEGIN/SAVEPOINT). Send the statements together with engine.batch([...]) (one atomic request), or let the session collect changes and commit() them as one batch',
      { sql },
    )
}

function prepare(binding: D1DatabaseLike, stmt: Statement): D1PreparedStatementLike {
  const p = binding.prepare(stmt.sql)
  return stmt.params.length === 0 ? p : p.bind(...toValues(stmt.params))
}

/** `raw({ columnNames: true })` output as a raw result; blobs (number[]) become Uint8Array, in place. */
function fromRaw(out: unknown[][], kind: StatementKind): RawResult {
  const columns = (out.shift() ?? []) as string[]
  const rows = out
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!
    for (let j = 0; j < row.length; j++) {
      const v = row[j]
      if (typeof v === 'object' && v !== null && Array.isArray(v)) row[j] = Uint8Array.from(v as number[])
    }
  }
  return { columns, rows, rowsAffected: kind === 'returning' ? rows.length : -1 }
}

/** A `run()` result or a `batch()` result (rows as objects keyed by column name). */
function fromResult(r: D1ResultLike, kind: StatementKind): RawResult {
  const objects = (r.results ?? []) as Record<string, unknown>[]
  const first = objects[0]
  const columns = first === undefined ? [] : Object.keys(first)
  const width = columns.length
  const rows = new Array<unknown[]>(objects.length)
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i]!
    const row = new Array<unknown>(width)
    for (let j = 0; j < width; j++) {
      const v = o[columns[j]!]
      row[j] = typeof v === 'object' && v !== null && Array.isArray(v) ? Uint8Array.from(v as number[]) : v
    }
    rows[i] = row
  }
  const changes = r.meta?.changes
  return {
    columns,
    rows,
    rowsAffected:
      kind === 'read' ? -1 : kind === 'returning' ? rows.length : typeof changes === 'number' ? changes : -1,
    lastInsertId: kind === 'insert' ? r.meta?.last_row_id : undefined,
  }
}

/**
 * SQLite as D1 needs it: D1 hands integers to JavaScript as doubles (its reply is parsed inside
 * the binding), so BigInteger result columns are read as text and decoded back to bigint.
 */
const d1Dialect = /* @__PURE__ */ new SqliteDialect({ bigIntegerAsText: true })

/** The d1 adapter over a checked D1 binding (`env.DB`) or a D1 session (`env.DB.withSession()`). */
export function d1Adapter(
  binding: D1DatabaseLike,
  secrets: readonly string[],
  capabilities: AdapterCapabilities,
): Adapter {
  return sealAdapter({
    name: 'd1',
    // a binding call cannot be cancelled: the engine stops waiting itself
    usesAbortSignal: false,
    capabilities,
    dialect: d1Dialect,
    secrets,
    async execute(stmt: Statement, opts?: ExecuteOptions): Promise<RawResult> {
      opts?.signal?.throwIfAborted()
      const kind = kindOfStatement(stmt)
      refuseTransaction(kind, stmt.sql)
      checkParams(stmt)
      const p = prepare(binding, stmt)
      if (kind === 'read' || kind === 'returning')
        return fromRaw(await abortable(p.raw({ columnNames: true }), opts?.signal), kind)
      return fromResult(await abortable(p.run(), opts?.signal), kind)
    },
    async batch(stmts: readonly Statement[], opts?: TransactionOptions): Promise<RawResult[]> {
      opts?.signal?.throwIfAborted()
      if (stmts.length === 0) return []
      const kinds = new Array<StatementKind>(stmts.length)
      for (let i = 0; i < stmts.length; i++) {
        const s = stmts[i]!
        kinds[i] = kindOfStatement(s)
        refuseTransaction(kinds[i]!, s.sql)
        checkParams(s, i)
      }
      // D1 runs every batch in one write transaction; `isolation`/`readOnly` have nothing to choose
      const results = await abortable(binding.batch(stmts.map((s) => prepare(binding, s))), opts?.signal)
      return results.map((r, i) => fromResult(r, kinds[i]!))
    },
    errorInfo(err: unknown): DriverErrorInfo {
      return d1ErrorInfo(err, secrets)
    },
    async close(): Promise<void> {
      // the binding belongs to the Worker's environment; there is nothing to close
    },
  })
}
