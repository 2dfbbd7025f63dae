/**
 * Errors as libsql-server (sqld, Turso) reports them over Hrana, read from its sources
 * (`hrana/stmt.rs`, `hrana/mod.rs`, `hrana/http/mod.rs`, rusqlite's error codes):
 * - a statement error is a result `{message, code}`: sqld's own checks (`SQL_PARSE_ERROR`,
 *   `SQL_NO_STATEMENT`, `SQL_MANY_STATEMENTS`, `ARGS_INVALID`, ...) or SQLite's *primary* code
 *   under rusqlite's names (`SQLITE_CONSTRAINT`, never `SQLITE_CONSTRAINT_PRIMARYKEY`; plain
 *   SQLITE_ERROR has no name there and is `SQLITE_UNKNOWN`), the message prefixed `SQLite error: `;
 *   an error SQLite locates while compiling is `SQL_INPUT_ERROR` (`... (at offset N)`);
 * - a protocol error (unknown `sql_id`, bad baton, a request the protocol version lacks) fails the
 *   whole HTTP request: 400 with a `text/plain` message, and the stream is gone;
 * - an expired stream is HTTP 500 with a JSON `{message, code: "STREAM_EXPIRED"}`.
 * @module
 */

/** A statement's error, answered as an error result of its request. */
export class StatementError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** A protocol violation: the HTTP request fails with `status` and a plain-text message. */
export class ProtocolError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message)
  }
}

/** A stream that expired: HTTP 500 with a JSON error (the client reads its code). */
export class StreamExpiredError extends Error {
  readonly code = 'STREAM_EXPIRED'
  constructor() {
    super('The stream has expired due to inactivity')
  }
}

/** sqld's own statement errors, worded as sqld words them. */
export const statementErrors = {
  parse: (detail: string) =>
    new StatementError('SQL_PARSE_ERROR', `SQL string could not be parsed: ${detail}`),
  noStatement: () => new StatementError('SQL_NO_STATEMENT', 'SQL string does not contain any statement'),
  manyStatements: () =>
    new StatementError('SQL_MANY_STATEMENTS', 'SQL string contains more than one statement'),
  argsInvalid: (detail: string) =>
    new StatementError('ARGS_INVALID', `Arguments do not match SQL parameters: ${detail}`),
  argsBoth: () =>
    new StatementError(
      'ARGS_BOTH_POSITIONAL_AND_NAMED',
      'Specifying both positional and named arguments is not supported',
    ),
}

/** Primary result codes by rusqlite's names; SQLITE_ERROR (1) and unlisted codes are SQLITE_UNKNOWN. */
const primaryNames: Record<number, string> = {
  2: 'SQLITE_INTERNAL',
  3: 'SQLITE_PERM',
  4: 'SQLITE_ABORT',
  5: 'SQLITE_BUSY',
  6: 'SQLITE_LOCKED',
  7: 'SQLITE_NOMEM',
  8: 'SQLITE_READONLY',
  9: 'SQLITE_INTERRUPT',
  10: 'SQLITE_IOERR',
  11: 'SQLITE_CORRUPT',
  12: 'SQLITE_NOTFOUND',
  13: 'SQLITE_FULL',
  14: 'SQLITE_CANTOPEN',
  15: 'SQLITE_PROTOCOL',
  17: 'SQLITE_SCHEMA',
  18: 'SQLITE_TOOBIG',
  19: 'SQLITE_CONSTRAINT',
  20: 'SQLITE_MISMATCH',
  21: 'SQLITE_MISUSE',
  22: 'SQLITE_NOLFS',
  23: 'SQLITE_AUTH',
  25: 'SQLITE_RANGE',
  26: 'SQLITE_NOTADB',
}

/** SQLite's own parser errors (sqld's parser refuses these before SQLite sees them). */
const syntaxMessage = /syntax error|incomplete input|unrecognized token/

/**
 * Compile errors SQLite gives a byte offset for (checked with SQLite 3.40's
 * `sqlite3_error_offset`), and the name the offset points at.
 */
const locatedMessages: readonly RegExp[] = [
  /^no such column: (.+)$/,
  /^no such function: (.+)$/,
  /^ambiguous column name: (.+)$/,
  /^wrong number of arguments to function (.+)\(\)$/,
  /^misuse of (?:aggregate|window) function (.+)\(\)$/,
  /^table (.+) already exists$/,
]

interface NativeError {
  readonly message?: unknown
  readonly rawCode?: unknown
}

/** The primary result code of an error of the `libsql` native module (1 when it has none). */
function primaryOf(err: unknown): number {
  const raw = (err as NativeError | null)?.rawCode
  return typeof raw === 'number' ? raw & 0xff : 1
}

function messageOf(err: unknown): string {
  const m = (err as NativeError | null)?.message
  return typeof m === 'string' ? m : String(err)
}

/** SQLite's message when `err` is a syntax error of SQLite's parser, else undefined. */
export function syntaxErrorOf(err: unknown): string | undefined {
  const message = messageOf(err)
  return primaryOf(err) === 1 && syntaxMessage.test(message) ? message : undefined
}

/**
 * An error of the `libsql` native module as sqld reports it. `compiling`: thrown while preparing
 * `sql` (a located compile error becomes `SQL_INPUT_ERROR`, the offset that of the name it cites,
 * found in the text: close to SQLite's, not guaranteed equal).
 */
export function fromSqlite(err: unknown, sql: string, compiling: boolean): StatementError {
  if (err instanceof StatementError) return err
  const message = messageOf(err)
  const primary = primaryOf(err)
  if (compiling && primary === 1) {
    const syntax = syntaxErrorOf(err)
    if (syntax !== undefined) return statementErrors.parse(syntax)
    for (const re of locatedMessages) {
      const name = re.exec(message)?.[1]
      const offset = name === undefined ? -1 : sql.toLowerCase().indexOf(name.toLowerCase())
      if (offset >= 0)
        return new StatementError('SQL_INPUT_ERROR', `SQL input error: ${message} (at offset ${offset})`)
    }
  }
  return new StatementError(primaryNames[primary] ?? 'SQLITE_UNKNOWN', `SQLite error: ${message}`)
}
