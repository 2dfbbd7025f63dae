/**
 * PlanetScale's HTTP API as `@planetscale/database` speaks it: the JSON shapes (protojson of
 * Vitess' `query.Field`, `query.Row` and `vtrpc.RPCError`), MySQL column metadata to Vitess
 * type names, and MySQL errors to Vitess error messages. Node only.
 * @module
 */
import type { FieldPacket } from 'mysql2'

/** `query.Field` in protojson: zero values omitted, `NULL_TYPE` (0) omitted as well. */
export interface PsField {
  name: string
  type?: string
  table?: string
  orgTable?: string
  database?: string
  orgName?: string
  columnLength?: number
  charset?: number
  decimals?: number
  flags?: number
  columnType?: string
}

/** `query.Row`: the lengths (int64 as strings, `-1` for NULL) and the concatenated bytes, base64. */
export interface PsRow {
  lengths: string[]
  values?: string
}

/** `query.QueryResult` in protojson. */
export interface PsResult {
  fields?: PsField[]
  rows?: PsRow[]
  rowsAffected?: string
  insertId?: string
}

/** `vtrpc.RPCError`. */
export interface PsError {
  message: string
  code: string
}

/** The body the driver sends to `Execute`. */
export interface ExecuteRequest {
  query?: unknown
  session?: unknown
}

const binaryCharset = 63
const unsignedFlag = 32
const enumFlag = 256
const setFlag = 2048

/** MySQL protocol type ids. */
enum T {
  Decimal = 0,
  Tiny = 1,
  Short = 2,
  Long = 3,
  Float = 4,
  Double = 5,
  Null = 6,
  Timestamp = 7,
  LongLong = 8,
  Int24 = 9,
  Date = 10,
  Time = 11,
  DateTime = 12,
  Year = 13,
  NewDate = 14,
  VarChar = 15,
  Bit = 16,
  Json = 245,
  NewDecimal = 246,
  Enum = 247,
  Set = 248,
  TinyBlob = 249,
  MediumBlob = 250,
  LongBlob = 251,
  Blob = 252,
  VarString = 253,
  String = 254,
  Geometry = 255,
}

const ints: Record<number, [string, string]> = {
  [T.Tiny]: ['INT8', 'UINT8'],
  [T.Short]: ['INT16', 'UINT16'],
  [T.Int24]: ['INT24', 'UINT24'],
  [T.Long]: ['INT32', 'UINT32'],
  [T.LongLong]: ['INT64', 'UINT64'],
}

/**
 * The Vitess type name (`query.Type`) of a MySQL column, as vtgate derives it; `undefined` for
 * `NULL_TYPE`. MariaDB's JSON columns are LONGTEXT with the extended format `json`.
 */
export function vitessType(
  columnType: number,
  flags: number,
  charset: number,
  extendedFormat?: string,
): string | undefined {
  const int = ints[columnType]
  if (int !== undefined) return (flags & unsignedFlag) !== 0 ? int[1] : int[0]
  const binary = charset === binaryCharset
  switch (columnType) {
    case T.Decimal:
    case T.NewDecimal:
      return 'DECIMAL'
    case T.Float:
      return 'FLOAT32'
    case T.Double:
      return 'FLOAT64'
    case T.Null:
      return undefined
    case T.Timestamp:
      return 'TIMESTAMP'
    case T.Date:
    case T.NewDate:
      return 'DATE'
    case T.Time:
      return 'TIME'
    case T.DateTime:
      return 'DATETIME'
    case T.Year:
      return 'YEAR'
    case T.Bit:
      return 'BIT'
    case T.Json:
      return 'JSON'
    case T.Enum:
      return 'ENUM'
    case T.Set:
      return 'SET'
    case T.Geometry:
      return 'GEOMETRY'
    case T.VarChar:
    case T.VarString:
      if (extendedFormat === 'json') return 'JSON'
      return binary ? 'VARBINARY' : 'VARCHAR'
    case T.String:
      if ((flags & enumFlag) !== 0) return 'ENUM'
      if ((flags & setFlag) !== 0) return 'SET'
      return binary ? 'BINARY' : 'CHAR'
    case T.TinyBlob:
    case T.MediumBlob:
    case T.LongBlob:
    case T.Blob:
      if (extendedFormat === 'json') return 'JSON'
      return binary ? 'BLOB' : 'TEXT'
    default:
      return binary ? 'VARBINARY' : 'VARCHAR'
  }
}

/** A mysql2 column definition as a protojson `query.Field` (zero values left out). */
export function toField(f: FieldPacket): PsField {
  const meta = f as FieldPacket & {
    columnType?: number
    characterSet?: number
    extendedFormat?: string
    db?: string
    schema?: string
  }
  const flags = Number(meta.flags ?? 0)
  const charsetId = Number(meta.characterSet ?? 0)
  const type = vitessType(Number(meta.columnType ?? T.VarString), flags, charsetId, meta.extendedFormat)
  // MySQL 8 reports JSON with the binary charset; vtgate passes that on
  const charset = type === 'JSON' ? binaryCharset : charsetId
  const out: PsField = { name: f.name }
  if (type !== undefined) out.type = type
  if (f.table) out.table = f.table
  if (f.orgTable) out.orgTable = f.orgTable
  const db = meta.schema ?? meta.db
  if (db) out.database = db
  if (f.orgName) out.orgName = f.orgName
  if (f.columnLength) out.columnLength = Number(f.columnLength)
  if (charset) out.charset = charset
  if (f.decimals) out.decimals = Number(f.decimals)
  if (flags) out.flags = flags
  return out
}

/** Rows of raw text-protocol values (Buffers, null) as `query.Row`s. */
export function toRows(rows: readonly (readonly (Buffer | null)[])[]): PsRow[] {
  const out: PsRow[] = new Array(rows.length)
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as readonly (Buffer | null)[]
    const lengths = new Array<string>(row.length)
    const parts: Buffer[] = []
    for (let j = 0; j < row.length; j++) {
      const v = row[j]
      if (v === null || v === undefined) lengths[j] = '-1'
      else {
        const b = Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8')
        lengths[j] = String(b.length)
        parts.push(b)
      }
    }
    const bytes = Buffer.concat(parts)
    out[i] = bytes.length === 0 ? { lengths } : { lengths, values: bytes.toString('base64') }
  }
  return out
}

/** vtrpc codes of common MySQL errors (vttablet's mapping). */
const errnoCodes: Record<number, string> = {
  1062: 'ALREADY_EXISTS',
  1022: 'ALREADY_EXISTS',
  1213: 'ABORTED',
  1205: 'DEADLINE_EXCEEDED',
  1317: 'CANCELED',
  1054: 'NOT_FOUND',
  1146: 'NOT_FOUND',
  1051: 'NOT_FOUND',
  1049: 'NOT_FOUND',
  1044: 'PERMISSION_DENIED',
  1045: 'PERMISSION_DENIED',
  1142: 'PERMISSION_DENIED',
  1048: 'FAILED_PRECONDITION',
  1364: 'FAILED_PRECONDITION',
  1451: 'FAILED_PRECONDITION',
  1452: 'FAILED_PRECONDITION',
  1216: 'FAILED_PRECONDITION',
  1217: 'FAILED_PRECONDITION',
  1792: 'FAILED_PRECONDITION',
  1064: 'INVALID_ARGUMENT',
  1406: 'INVALID_ARGUMENT',
  1264: 'INVALID_ARGUMENT',
  1366: 'INVALID_ARGUMENT',
  1292: 'INVALID_ARGUMENT',
  1690: 'INVALID_ARGUMENT',
  1040: 'RESOURCE_EXHAUSTED',
  2006: 'UNAVAILABLE',
  2013: 'UNAVAILABLE',
}

/** `ALREADY_EXISTS` -> `AlreadyExists`, as gRPC status names read in Vitess messages. */
function grpcName(code: string): string {
  return code.toLowerCase().replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase())
}

/** A MySQL error as vtgate reports it: `... desc = <message> (errno N) (sqlstate S)`. */
export function toPsError(err: unknown, database: string | undefined): PsError {
  const e = err as { errno?: unknown; sqlState?: unknown; sqlMessage?: unknown; message?: unknown }
  const target = `target: ${database ?? ''}.-.primary: vttablet: rpc error: code =`
  if (typeof e.sqlMessage !== 'string' || typeof e.errno !== 'number' || e.errno <= 0) {
    // not an answer of the database: the MySQL connection failed (refused, lost)
    return { message: `${target} Unavailable desc = ${String(e.message ?? err)}`, code: 'UNAVAILABLE' }
  }
  const errno = e.errno
  const sqlState = typeof e.sqlState === 'string' && e.sqlState !== '' ? e.sqlState : 'HY000'
  const code = errnoCodes[errno] ?? 'UNKNOWN'
  return {
    message: `${target} ${grpcName(code)} desc = ${e.sqlMessage} (errno ${errno}) (sqlstate ${sqlState})`,
    code,
  }
}

/** What a statement does to the session, read from its first keywords. */
export type StatementKind =
  | 'begin'
  | 'commit'
  | 'rollback'
  | 'set-transaction'
  | 'set'
  | 'savepoint'
  | 'other'

/** Strips leading whitespace and comments (block, `-- `, `#`); executable comments are kept. */
function leading(sql: string): string {
  let s = sql
  for (;;) {
    const t = s.trimStart()
    if (t.startsWith('/*') && !t.startsWith('/*!')) {
      const end = t.indexOf('*/', 2)
      s = end === -1 ? '' : t.slice(end + 2)
    } else if (t.startsWith('#') || /^--(\s|$)/.test(t)) {
      const end = t.indexOf('\n')
      s = end === -1 ? '' : t.slice(end + 1)
    } else return t
  }
}

/** Classifies a statement for session handling. */
export function statementKind(sql: string): StatementKind {
  const s = leading(sql).slice(0, 64).toUpperCase()
  if (/^(BEGIN\b|START\s+TRANSACTION\b)/.test(s)) return 'begin'
  if (/^COMMIT\b/.test(s)) return 'commit'
  if (/^ROLLBACK\s+(WORK\s+)?TO\b/.test(s)) return 'savepoint'
  if (/^ROLLBACK\b/.test(s)) return 'rollback'
  if (/^(SAVEPOINT|RELEASE\s+SAVEPOINT)\b/.test(s)) return 'savepoint'
  if (/^SET\s+TRANSACTION\b/.test(s)) return 'set-transaction'
  if (/^SET\b/.test(s)) return 'set'
  return 'other'
}
