/**
 * The PlanetScale adapter over `@planetscale/database`'s `Connection`: every statement is one
 * HTTP request; a connection object carries a Vitess session, which the server pins to one
 * MySQL connection while a transaction is open. Autocommit statements get a fresh connection
 * object each (as the driver's `Client` does); a transaction or a batch keeps one for its life.
 * Web-standard only.
 * @module
 */
import { type Config, Connection } from '@planetscale/database'
import { mysql } from '../../core/dialects/mysql/index.js'
import type {
  Adapter,
  AdapterCapabilities,
  AdapterTransaction,
  DriverErrorInfo,
  ExecuteOptions,
  RawResult,
  Statement,
  TransactionOptions,
} from '../../core/engine/adapter.js'
import { InterfaceError } from '../../core/errors.js'
import { planetscaleErrorInfo } from './errors.js'
import { rawCast, toParams, toRawResult } from './values.js'

type DriverFetch = NonNullable<Config['fetch']>

const arrayCast = { as: 'array', cast: rawCast } as const

/** One driver connection (one Vitess session) whose requests follow the current abort signal. */
class Session {
  private signal: AbortSignal | undefined
  readonly conn: Connection
  constructor(config: Config, baseFetch: DriverFetch) {
    const fetchWithSignal: DriverFetch = (input, init) => {
      const signal = this.signal
      return signal === undefined ? baseFetch(input, init) : baseFetch(input, { ...init, signal } as never)
    }
    this.conn = new Connection({ ...config, fetch: fetchWithSignal, cast: rawCast })
  }
  async run(sql: string, params: readonly unknown[], signal?: AbortSignal): Promise<RawResult> {
    signal?.throwIfAborted()
    const args = toParams(params)
    this.signal = signal
    try {
      return toRawResult(await this.conn.execute<unknown[]>(sql, args, arrayCast))
    } finally {
      this.signal = undefined
    }
  }
}

/** The statements that start and end a MySQL transaction (the dialect's). */
const control = mysql.transactionControl()

class PlanetScaleTransaction implements AdapterTransaction {
  private done = false
  constructor(private readonly session: Session) {}
  execute(stmt: Statement, options?: ExecuteOptions): Promise<RawResult> {
    if (this.done) return Promise.reject(new InterfaceError('The transaction is already finished'))
    return this.session.run(stmt.sql, stmt.params, options?.signal)
  }
  async commit(options?: ExecuteOptions): Promise<void> {
    if (this.done) throw new InterfaceError('The transaction is already finished')
    this.done = true
    await this.session.run(control.commit, [], options?.signal)
  }
  async rollback(options?: ExecuteOptions): Promise<void> {
    if (this.done) return
    this.done = true
    await this.session.run(control.rollback, [], options?.signal)
  }
}

/** The adapter over a driver configuration (URL or host, credentials, fetch). */
export function planetscaleAdapter(
  config: Config,
  secrets: readonly string[],
  capabilities: AdapterCapabilities,
): Adapter {
  const baseFetch: DriverFetch = config.fetch ?? ((input, init) => fetch(input, init as RequestInit))
  const shared = Object.freeze({ ...config, fetch: baseFetch, cast: rawCast })
  let closed = false
  const ensureOpen = (): void => {
    if (closed) throw new InterfaceError('The planetscale adapter is closed')
  }
  const open = async (options: TransactionOptions | undefined): Promise<PlanetScaleTransaction> => {
    ensureOpen()
    const session = new Session(shared, baseFetch)
    const signal = options?.signal
    // SET TRANSACTION (when an isolation level is given), then BEGIN or START TRANSACTION READ ONLY
    for (const sql of control.begin(options)) await session.run(sql, [], signal)
    return new PlanetScaleTransaction(session)
  }
  return {
    name: 'planetscale',
    capabilities,
    dialect: mysql,
    secrets,
    async execute(stmt: Statement, options?: ExecuteOptions): Promise<RawResult> {
      ensureOpen()
      const signal = options?.signal
      if (signal === undefined) {
        // a fresh session per statement, as the driver's Client does: nothing carries over
        const conn = new Connection({ ...shared })
        return toRawResult(await conn.execute<unknown[]>(stmt.sql, toParams(stmt.params), arrayCast))
      }
      return new Session(shared, baseFetch).run(stmt.sql, stmt.params, signal)
    },
    async batch(stmts: readonly Statement[], options?: TransactionOptions): Promise<RawResult[]> {
      if (stmts.length === 0) return []
      const tx = await open(options)
      const results: RawResult[] = []
      try {
        for (const s of stmts) results.push(await tx.execute(s, options))
        await tx.commit(options)
      } catch (err) {
        // a fresh time limit: the batch's signal may be what failed it
        await tx.rollback({ signal: AbortSignal.timeout(5_000) }).catch(() => undefined)
        throw err
      }
      return results
    },
    begin(options?: TransactionOptions): Promise<AdapterTransaction> {
      return open(options)
    },
    errorInfo(err: unknown): DriverErrorInfo {
      return planetscaleErrorInfo(err, secrets)
    },
    async close(): Promise<void> {
      // HTTP only: no socket or pool to close
      closed = true
    },
  }
}
