/**
 * How libsql-server (sqld, Turso) reads the SQL text of a Hrana statement before SQLite sees it:
 * how many statements it holds (semicolons outside literals, comments and trigger bodies), the
 * kind of each (an INSERT/UPDATE/DELETE reports `affected_row_count`, only an INSERT reports
 * `last_insert_rowid`), and which statements sqld refuses as unsupported (temporary tables,
 * views and triggers, VACUUM, ANALYZE, and PRAGMAs outside its list). Read from sqld's
 * `query_analysis.rs`; a scanner, not SQLite's grammar.
 * @module
 */

/** One token: a word (keyword or bare identifier), `;`, a parenthesis, or anything else. */
interface Token {
  readonly kind: 'word' | 'semi' | 'open' | 'close' | 'other'
  /** Upper-cased for words. */
  readonly text: string
}

/** One statement of a SQL text: its tokens (never empty) and its text. */
export interface ScannedStatement {
  readonly text: string
  readonly tokens: readonly Token[]
}

const scanner =
  /\s+|--[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|'(?:[^']|'')*'?|"(?:[^"]|"")*"?|`(?:[^`]|``)*`?|\[[^\]]*\]?|[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*|;|\(|\)|[\s\S]/g

function tokenize(sql: string): (Token & { start: number; end: number })[] {
  const out: (Token & { start: number; end: number })[] = []
  for (const m of sql.matchAll(scanner)) {
    const t = m[0]
    const start = m.index
    const end = start + t.length
    if (/^\s/.test(t) || t.startsWith('--') || t.startsWith('/*')) continue
    if (t === ';') out.push({ kind: 'semi', text: t, start, end })
    else if (t === '(') out.push({ kind: 'open', text: t, start, end })
    else if (t === ')') out.push({ kind: 'close', text: t, start, end })
    else if (/^[A-Za-z_\u0080-\uffff]/.test(t)) out.push({ kind: 'word', text: t.toUpperCase(), start, end })
    else out.push({ kind: 'other', text: t, start, end })
  }
  return out
}

/** Whether a statement's leading words are `[EXPLAIN [QUERY PLAN]] CREATE [TEMP] TRIGGER`. */
function opensTrigger(words: readonly string[]): boolean {
  let i = 0
  if (words[i] === 'EXPLAIN') i += words[i + 1] === 'QUERY' ? 3 : 1
  if (words[i++] !== 'CREATE') return false
  if (words[i] === 'TEMP' || words[i] === 'TEMPORARY') i++
  return words[i] === 'TRIGGER'
}

/**
 * Splits SQL text into its statements. Empty statements (`;;`, a trailing comment) are skipped;
 * inside `CREATE TRIGGER ... BEGIN ... END` only `; END ;` ends the statement (as
 * `sqlite3_complete` reads it).
 */
export function splitStatements(sql: string): ScannedStatement[] {
  const statements: ScannedStatement[] = []
  let current: (Token & { start: number; end: number })[] = []
  let trigger = false
  const flush = (end: number): void => {
    if (current.length > 0) {
      const first = current[0] as { start: number }
      statements.push({ text: sql.slice(first.start, end), tokens: current })
    }
    current = []
    trigger = false
  }
  for (const token of tokenize(sql)) {
    if (token.kind === 'semi') {
      const prev = current[current.length - 1]
      const beforePrev = current[current.length - 2]
      if (!trigger || (prev?.text === 'END' && beforePrev?.kind === 'semi')) {
        flush(token.end)
        continue
      }
    }
    current.push(token)
    if (!trigger && current.length <= 6 && token.kind === 'word')
      trigger = opensTrigger(current.filter((t) => t.kind === 'word').map((t) => t.text))
  }
  flush(sql.length)
  return statements
}

/** What a statement does, as sqld sorts it. */
export type StatementKind = 'insert' | 'update' | 'delete' | 'read' | 'other'

/** The statement's verb: for `WITH ...`, the first verb outside the common table expressions. */
export function statementKind(stmt: ScannedStatement): StatementKind {
  const tokens = stmt.tokens
  let verb = tokens[0]?.text
  if (verb === 'WITH') {
    let depth = 0
    verb = undefined
    for (const t of tokens.slice(1)) {
      if (t.kind === 'open') depth++
      else if (t.kind === 'close') depth--
      else if (depth === 0 && t.kind === 'word' && mainVerbs.has(t.text)) {
        verb = t.text
        break
      }
    }
  }
  switch (verb) {
    case 'INSERT':
    case 'REPLACE':
      return 'insert'
    case 'UPDATE':
      return 'update'
    case 'DELETE':
      return 'delete'
    case 'SELECT':
    case 'VALUES':
    case 'EXPLAIN':
      return 'read'
    default:
      return 'other'
  }
}

const mainVerbs = new Set(['SELECT', 'VALUES', 'INSERT', 'REPLACE', 'UPDATE', 'DELETE'])

/** PRAGMAs sqld runs with or without an argument. */
const pragmasAnyArgument = new Set([
  'table_list',
  'index_list',
  'table_info',
  'table_xinfo',
  'index_info',
  'index_xinfo',
  'pragma_list',
  'compile_options',
  'database_list',
  'function_list',
  'module_list',
  'encoding',
  'defer_foreign_keys',
  'foreign_keys',
  'foreign_key_list',
  'foreign_key_check',
  'collation_list',
  'data_version',
  'freelist_count',
  'integrity_check',
  'legacy_file_format',
  'page_count',
  'quick_check',
  'stats',
  'user_version',
])

/** PRAGMAs sqld runs only to read them (no `= value`, no argument). */
const pragmasWithoutArgument = new Set([
  'schema_version',
  'analysis_limit',
  'application_id',
  'auto_vacuum',
  'automatic_index',
  'busy_timeout',
  'cache_size',
  'cache_spill',
  'cell_size_check',
  'checkpoint_fullfsync',
  'fullfsync',
  'hard_heap_limit',
  'journal_mode',
  'journal_size_limit',
  'legacy_alter_table',
  'locking_mode',
  'max_page_count',
  'mmap_size',
  'page_size',
  'query_only',
  'read_uncommitted',
  'recursive_triggers',
  'reverse_unordered_selects',
  'secure_delete',
  'soft_heap_limit',
  'synchronous',
  'temp_store',
  'threads',
  'trusted_schema',
  'wal_autocheckpoint',
])

/**
 * Whether sqld refuses the statement before running it (`unsupported statement`): a temporary
 * table, view or trigger (bound to one connection), VACUUM, ANALYZE, an ATTACH of anything but a
 * database name, or a PRAGMA outside its list (or with an argument where it only reads).
 */
export function isUnsupported(stmt: ScannedStatement): boolean {
  const words = stmt.tokens.map((t) => t.text)
  let i = 0
  if (words[0] === 'EXPLAIN') {
    // EXPLAIN of anything is a read, except EXPLAIN PRAGMA, judged as the PRAGMA
    i = words[1] === 'QUERY' ? 3 : 1
    if (words[i] !== 'PRAGMA') return false
  }
  const verb = words[i]
  if (verb === 'CREATE') return words[i + 1] === 'TEMP' || words[i + 1] === 'TEMPORARY'
  if (verb === 'VACUUM' || verb === 'ANALYZE') return true
  if (verb === 'ATTACH') return stmt.tokens[i + (words[i + 1] === 'DATABASE' ? 2 : 1)]?.kind !== 'word'
  if (verb !== 'PRAGMA') return false
  i++
  // PRAGMA [schema.]name [= value | (value)]
  if (words[i + 1] === '.') i += 2
  const name = words[i]?.toLowerCase() ?? ''
  if (pragmasAnyArgument.has(name)) return false
  return !(pragmasWithoutArgument.has(name) && stmt.tokens.length === i + 1)
}
