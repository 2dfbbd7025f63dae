/**
 * Read-only transactions and batches on libSQL. Nothing in libSQL refuses a write in one: it reads
 * `BEGIN TRANSACTION READONLY` as `BEGIN DEFERRED` (libsql-sqlite3's parse.y), on a local file and
 * on a server alike. On a local file the adapter turns `PRAGMA query_only` on; a server (Turso,
 * sqld) refuses that pragma as an unsupported statement, and since `@libsql/client` sends a
 * transaction's BEGIN in one batch with its first statement, the refusal fails the BEGIN too and
 * the client closes the transaction. So over a server, and in a read batch anywhere, the adapter
 * refuses a write itself, before sending it.
 * @module
 */

/** The error of a write in a read-only transaction or batch: SQLite's code and words. */
export function readOnlyRefusal(): Error & { readonly code: string } {
  return Object.assign(
    new Error(
      'attempt to write a readonly database: a write in a read-only transaction (refused before sending: libSQL does not enforce BEGIN TRANSACTION READONLY)',
    ),
    { code: 'SQLITE_READONLY' },
  )
}
