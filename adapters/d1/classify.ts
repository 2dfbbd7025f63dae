/**
 * How the d1 adapter reads a statement. D1 has no call that returns both array rows and meta:
 * `raw()` gives rows as arrays with the column names (duplicate names survive) but no meta,
 * `run()` gives meta (changes, last_row_id) but no rows, `all()` gives both with rows as keyed
 * objects (duplicate names collapse). So the adapter looks at the statement (never changes it):
 * queries and RETURNING statements go through `raw()`, other writes through `run()`. The engine
 * says which a statement is (`Statement.returnsRows`, `writes`); only statements it cannot
 * describe (`text()`, DDL) are read here.
 * @module
 */
import type { Statement } from '../../core/engine/adapter.js'

/** `read`: raw(); `returning`: raw(), rowsAffected = rows returned; `write`/`insert`: run(); `transaction`: refused. */
export type StatementKind = 'read' | 'write' | 'insert' | 'returning' | 'transaction'

const transactionVerbs = new Set(['BEGIN', 'COMMIT', 'END', 'ROLLBACK', 'SAVEPOINT', 'RELEASE'])
const writeVerbs = new Set(['UPDATE', 'DELETE', 'CREATE', 'DROP', 'ALTER', 'REINDEX', 'VACUUM', 'ANALYZE'])
const mainVerbs = new Set(['SELECT', 'VALUES', 'INSERT', 'REPLACE', 'UPDATE', 'DELETE'])

/** The SQL with string literals, quoted identifiers and comments blanked out. */
export function codeOnly(sql: string): string {
  let out = ''
  let start = 0
  let i = 0
  const n = sql.length
  while (i < n) {
    const c = sql.charCodeAt(i)
    if (c === 39 || c === 34 || c === 96 || c === 91) {
      // '...', "...", `...`, [...]
      const close = c === 91 ? 93 : c
      out += `${sql.slice(start, i)} `
      i++
      while (i < n) {
        if (sql.charCodeAt(i) === close) {
          if (close !== 93 && sql.charCodeAt(i + 1) === close) {
            i += 2
            continue
          }
          break
        }
        i++
      }
      start = ++i
    } else if ((c === 45 && sql.charCodeAt(i + 1) === 45) || (c === 47 && sql.charCodeAt(i + 1) === 42)) {
      out += `${sql.slice(start, i)} `
      const end = c === 45 ? sql.indexOf('\n', i) : sql.indexOf('*/', i + 2)
      i = end < 0 ? n : c === 45 ? end : end + 2
      start = i
    } else i++
  }
  return out + sql.slice(start)
}

/** The verb of the statement a WITH clause leads to: the first main verb outside parentheses. */
function verbAfterWith(code: string): string {
  let depth = 0
  const word = /[A-Za-z_][A-Za-z0-9_$]*|[()]/g
  for (let m = word.exec(code); m !== null; m = word.exec(code)) {
    const w = m[0]
    if (w === '(') depth++
    else if (w === ')') depth--
    else if (depth === 0) {
      const upper = w.toUpperCase()
      if (mainVerbs.has(upper)) return upper
    }
  }
  return 'SELECT'
}

/** Classifies one statement by its leading keyword and whether it has RETURNING. */
export function classify(sql: string): StatementKind {
  const code = codeOnly(sql)
  let verb = /^[\s(;]*([A-Za-z]+)/.exec(code)?.[1]?.toUpperCase() ?? ''
  if (transactionVerbs.has(verb)) return 'transaction'
  if (verb === 'WITH') verb = verbAfterWith(code)
  const insert = verb === 'INSERT' || verb === 'REPLACE'
  if (!insert && !writeVerbs.has(verb)) return 'read'
  if (/\bRETURNING\b/i.test(code)) return 'returning'
  return insert ? 'insert' : 'write'
}

/**
 * How to read a statement: from the engine's flags where it set them (no SQL read), else
 * {@link kindOf} its SQL (`text()`, DDL, a transaction statement sent by hand).
 */
export function kindOfStatement(stmt: Statement): StatementKind {
  const { returnsRows, writes } = stmt
  if (returnsRows === undefined || writes === undefined) return kindOf(stmt.sql)
  if (writes === false) return 'read'
  if (returnsRows) return 'returning'
  return writes === 'insert' ? 'insert' : 'write'
}

const cache = new Map<string, StatementKind>()

/** {@link classify}, remembered for the most recent distinct SQL strings. */
export function kindOf(sql: string): StatementKind {
  let kind = cache.get(sql)
  if (kind === undefined) {
    kind = classify(sql)
    if (cache.size >= 512) cache.clear()
    cache.set(sql, kind)
  }
  return kind
}
