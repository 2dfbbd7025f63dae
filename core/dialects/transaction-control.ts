/**
 * The statements that open and end transactions, and read server-side cursors (each dialect's
 * are in its folder, `core/dialects/<name>/transactions.ts`): adapters that speak SQL for them (BEGIN over a pg socket, SET TRANSACTION over
 * PlanetScale's HTTP session) take the text from here and never build it. Also the one place
 * that reads an isolation level's name.
 * @module
 */
import { ArgumentError } from '../errors.js'

/** The ANSI isolation levels, spelled as SQL spells them, in lower case. */
export type IsolationLevel = 'read uncommitted' | 'read committed' | 'repeatable read' | 'serializable'

const levels: Readonly<Record<string, IsolationLevel>> = {
  readuncommitted: 'read uncommitted',
  readcommitted: 'read committed',
  repeatableread: 'repeatable read',
  serializable: 'serializable',
}

/**
 * An isolation level from its name in any spelling adapters have accepted: any case, words
 * apart or together (`'REPEATABLE_READ'`, `'repeatable-read'`, `'RepeatableRead'`).
 *
 * ```ts
 * isolationLevel('REPEATABLE_READ') // 'repeatable read'
 * ```
 * @throws ArgumentError for any other name.
 */
export function isolationLevel(name: string): IsolationLevel {
  const level = typeof name === 'string' ? levels[name.toLowerCase().replace(/[^a-z]/g, '')] : undefined
  if (level === undefined)
    throw new ArgumentError(
      `Unknown isolation level ${JSON.stringify(name)}; use one of 'read uncommitted', 'read committed', 'repeatable read', 'serializable'`,
    )
  return level
}

/** How a transaction starts: its isolation level (any spelling `isolationLevel()` reads) and access mode. */
export interface TransactionMode {
  readonly isolation?: string | undefined
  readonly readOnly?: boolean | undefined
}

/** Statements of a server-side cursor, which lives inside a transaction. */
export interface CursorControl {
  /** Opens cursor `name` over the query `sql` (its parameters stay the query's). */
  declare(name: string, sql: string): string
  /** Reads the next `count` rows. */
  fetch(name: string, count: number): string
  close(name: string): string
}

/** The statements that control transactions in one dialect. */
export interface TransactionControl {
  /** The statements that open a transaction in `mode`, in order. */
  begin(mode?: TransactionMode): readonly string[]
  readonly commit: string
  readonly rollback: string
  /** Server-side cursors, where the dialect has them. */
  readonly cursor?: CursorControl | undefined
  /**
   * Statements that make the connection refuse writes and allow them again, where a read-only
   * BEGIN is not enforced (SQLite reads `BEGIN ... READONLY` as DEFERRED).
   */
  readonly readOnlyGuard?: { readonly enable: string; readonly disable: string } | undefined
}

/** An isolation level's SQL spelling (`REPEATABLE READ`), or undefined when `mode` names none. */
export function isolationSql(mode: TransactionMode | undefined): string | undefined {
  return mode?.isolation === undefined ? undefined : isolationLevel(mode.isolation).toUpperCase()
}

/** Standard SQL's statements: the `Dialect` default, which each dialect's folder overrides. */
export const standardTransactionControl: TransactionControl = {
  begin(mode) {
    const modes: string[] = []
    const level = isolationSql(mode)
    if (level !== undefined) modes.push(`ISOLATION LEVEL ${level}`)
    if (mode?.readOnly) modes.push('READ ONLY')
    return [modes.length === 0 ? 'BEGIN' : `BEGIN ${modes.join(', ')}`]
  },
  commit: 'COMMIT',
  rollback: 'ROLLBACK',
}
