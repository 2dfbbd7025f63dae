/**
 * Errors as HTTP answers. Every error body is JSON, `{ error, message, ... }`, and never holds
 * SQL, parameters, URLs or driver messages: those go to the log only.
 *
 * | what | status | `error` |
 * |---|---|---|
 * | the body or query string is not what the route takes | 400 | `invalid_request` |
 * | no such author / post / tag, or no such route | 404 | `not_found` |
 * | a unique value already exists (IntegrityError), or the row changed since it was read (StaleDataError, version) | 409 | `conflict` |
 * | the tables do not exist yet | 503 | `schema_missing` (with the `command` that creates them) |
 * | no database configured | 503 | `not_configured` |
 * | anything else | 500 | `internal` |
 */
import { DBAPIError, IntegrityError, ProgrammingError, StaleDataError } from 'edgealchemy'
import { ConfigurationError, type DatabaseAdapter } from './engine.ts'

/** One problem with the input: where (`posts[0].title`) and what. */
export interface Issue {
  readonly path: string
  readonly message: string
}

/** An error the app raises on purpose, already shaped as its answer. */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 503,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message)
  }
}

export const badRequest = (issues: readonly Issue[]): HttpError =>
  new HttpError(
    400,
    'invalid_request',
    issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '),
    {
      issues,
    },
  )

export const notFound = (what: string): HttpError => new HttpError(404, 'not_found', `${what} not found`)

export const conflict = (message: string, extra: Record<string, unknown> = {}): HttpError =>
  new HttpError(409, 'conflict', message, extra)

/** The command that creates the tables, for the adapter in use. */
export function migrationCommand(adapter: DatabaseAdapter | undefined): string {
  return adapter === 'd1' || adapter === undefined
    ? 'npx wrangler d1 migrations apply DB --local   (--remote for the deployed database; npm start runs it for you)'
    : 'npm run examples:migrate   (with the same DATABASE_* variables)'
}

/** What a unique constraint protects, by the names the databases report (SQLite: table.column; PostgreSQL, MySQL: the constraint). */
const uniqueMessages: readonly (readonly [RegExp, string])[] = [
  [/authors\.email|uq_authors_email/, 'an author with this email already exists'],
  [/tags\.name|uq_tags_name/, 'a tag with this name already exists (or the request names it twice)'],
]

function isUniqueViolation(err: IntegrityError): boolean {
  return (
    /unique|duplicate/i.test(err.message) ||
    err.code === '23505' || // PostgreSQL
    err.code === '1062' // MySQL
  )
}

function isMissingTable(err: DBAPIError): boolean {
  return (
    /no such table|relation .* does not exist|table .* doesn't exist/i.test(err.message) ||
    err.code === '42P01' ||
    err.code === '1146'
  )
}

/** The status and JSON body for any error a request raised. */
export function toHttpError(
  err: unknown,
  adapter: DatabaseAdapter | undefined,
): { status: 400 | 404 | 409 | 500 | 503; body: Record<string, unknown> } {
  if (err instanceof HttpError)
    return { status: err.status, body: { error: err.code, message: err.message, ...err.extra } }
  if (err instanceof StaleDataError)
    return {
      status: 409,
      body: {
        error: 'conflict',
        message:
          'the row was changed or deleted by another request since it was read; read it again and retry',
      },
    }
  if (err instanceof IntegrityError) {
    if (isUniqueViolation(err)) {
      const known = uniqueMessages.find(([re]) => re.test(err.message))
      return {
        status: 409,
        body: { error: 'conflict', message: known?.[1] ?? 'a value that must be unique already exists' },
      }
    }
    return {
      status: 409,
      body: { error: 'conflict', message: 'the request conflicts with the data (a constraint failed)' },
    }
  }
  if ((err instanceof ProgrammingError || err instanceof DBAPIError) && isMissingTable(err))
    return {
      status: 503,
      body: {
        error: 'schema_missing',
        message: 'The database has no tables yet: run the migrations, then retry.',
        command: migrationCommand(adapter),
      },
    }
  if (err instanceof ConfigurationError)
    return { status: 503, body: { error: 'not_configured', message: err.message } }
  return { status: 500, body: { error: 'internal', message: 'Internal server error' } }
}
