/**
 * A minimal Kysely driver over a `@libsql/client` Client, so Kysely runs on the very client the
 * raw and Drizzle cases use (`@libsql/kysely-libsql` pins `@libsql/client` 0.8 and would bring a
 * second, older native build). Rows pass through as the client returns them, as that dialect does.
 * @module
 */
import type { Client, InValue } from '@libsql/client'
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely'

class LibsqlConnection implements DatabaseConnection {
  constructor(private readonly client: Client) {}
  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const rs = await this.client.execute({ sql: query.sql, args: query.parameters as InValue[] })
    return {
      rows: rs.rows as unknown as R[],
      numAffectedRows: BigInt(rs.rowsAffected),
      ...(rs.lastInsertRowid === undefined ? {} : { insertId: rs.lastInsertRowid }),
    }
  }
  // biome-ignore lint/correctness/useYield: streaming is not benchmarked
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streamQuery is not supported by the bench driver')
  }
}

class LibsqlDriver implements Driver {
  readonly #connection: LibsqlConnection
  constructor(client: Client) {
    this.#connection = new LibsqlConnection(client)
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.#connection
  }
  async beginTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery({ sql: 'BEGIN', parameters: [] } as unknown as CompiledQuery)
  }
  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery({ sql: 'COMMIT', parameters: [] } as unknown as CompiledQuery)
  }
  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery({ sql: 'ROLLBACK', parameters: [] } as unknown as CompiledQuery)
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

/** A Kysely SQLite dialect whose driver is the given libSQL client. */
export function libsqlDialect(client: Client): Dialect {
  return {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new LibsqlDriver(client),
    createIntrospector: (db: Kysely<any>) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  }
}
