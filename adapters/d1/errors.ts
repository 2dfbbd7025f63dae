/**
 * Reads D1 errors. D1 reports everything as a plain `Error` whose message carries the code:
 * `D1_ERROR: UNIQUE constraint failed: t.x: SQLITE_CONSTRAINT` (workerd's local D1 adds
 * ` (extended: SQLITE_CONSTRAINT_UNIQUE)`), `D1_ERROR: integer overflow: SQLITE_ERROR`,
 * `D1_TYPE_ERROR: Type 'bigint' not supported ...`. A lost connection arrives without the prefix
 * (`Network connection lost.`), since the binding does not wrap its fetch failures.
 * @module
 */
import type { DriverErrorInfo } from '../../core/engine/adapter.js'
import { redactText } from '../../core/engine/redact.js'

/** Extended codes SQLite would give where D1 reports only the primary SQLITE_CONSTRAINT. */
const constraintKinds: readonly (readonly [RegExp, string])[] = [
  [/UNIQUE constraint failed/i, 'SQLITE_CONSTRAINT_UNIQUE'],
  [/NOT NULL constraint failed/i, 'SQLITE_CONSTRAINT_NOTNULL'],
  [/FOREIGN KEY constraint failed/i, 'SQLITE_CONSTRAINT_FOREIGNKEY'],
  [/CHECK constraint failed/i, 'SQLITE_CONSTRAINT_CHECK'],
  [/PRIMARY KEY/i, 'SQLITE_CONSTRAINT_PRIMARYKEY'],
]

/**
 * Messages of D1's transient failures (network, storage resets, overload): the request may not
 * have run, or ran without a reply. Cloudflare documents these as safe to retry for reads.
 */
const transportMessage =
  /network connection lost|connection (lost|reset|refused|closed)|fetch failed|object to be reset|transient issue|is overloaded|requests queued for too long|exceeded timeout|timed out|failed to parse body as json|internal error/i

const prefix = /^(?:D1_[A-Z_]+: )+/
const extended = /\s*\(extended: (SQLITE_[A-Z_]+)\)\s*$/
const primary = /:\s*(SQLITE_[A-Z_]+)\s*$/

/** The SQLite code named by a D1 message, refined to an extended constraint code where D1 gives only the primary one. */
function sqliteCode(text: string): { code: string | undefined; rest: string } {
  let rest = text
  let code: string | undefined
  const ext = extended.exec(rest)
  if (ext !== null) {
    code = ext[1]
    rest = rest.slice(0, ext.index)
  }
  const prim = primary.exec(rest)
  if (prim !== null) {
    code ??= prim[1]
    rest = rest.slice(0, prim.index)
  }
  if (code === 'SQLITE_CONSTRAINT')
    for (const [re, kind] of constraintKinds)
      if (re.test(rest)) {
        code = kind
        break
      }
  return { code, rest }
}

/** Native code, redacted message and transport flag of a D1 error. */
export function d1ErrorInfo(err: unknown, secrets: readonly string[]): DriverErrorInfo {
  const raw =
    typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string'
      ? (err as { message: string }).message
      : String(err)
  const typeError = raw.startsWith('D1_TYPE_ERROR')
  const { code, rest } = sqliteCode(raw.replace(prefix, ''))
  const message = redactText(rest.trim() === '' ? raw : rest.trim(), secrets)
  if (code !== undefined) return { code, message }
  // a value the binding cannot bind (a Date, an object): SQLite's name for it is a datatype mismatch
  if (typeError) return { code: 'SQLITE_MISMATCH', message }
  return { code: undefined, message, transport: transportMessage.test(raw) }
}
