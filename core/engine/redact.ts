/**
 * Redaction of credentials from driver errors: no message, stack, `toString` or log line of an
 * error this library keeps may contain a password or token.
 * @module
 */

const urlCredentials = /(\b[a-z][a-z0-9+.-]*:\/\/)([^:/?#@\s]+):([^@/?#\s]+)@/gi
const keyValue =
  /\b(password|passwd|pwd|token|auth_?token|authorization|api_?key|secret)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&"']+)/gi
const bearer = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/g

/** Removes `secrets` and anything that looks like a credential (URL passwords, `password=...`, bearer tokens). */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join('***')
  return out.replace(urlCredentials, '$1$2:***@').replace(keyValue, '$1$2***').replace(bearer, '$1 ***')
}

/** Driver error fields worth keeping (codes, positions); never free-form objects that could hold config. */
const keptFields = [
  'code',
  'errno',
  'sqlState',
  'sqlMessage',
  'severity',
  'detail',
  'hint',
  'constraint',
  'table',
  'column',
  'schema',
  'routine',
  'rawCode',
  'extendedCode',
] as const

/** A driver error as kept by this library: same name, message, code fields, all redacted. */
export class RedactedDriverError extends Error {
  constructor(name: string, message: string, fields: Record<string, unknown>, stack: string | undefined) {
    super(message)
    this.name = name
    Object.assign(this, fields)
    this.stack = stack
  }
}

/**
 * A redacted copy of a driver error, safe to keep as `cause`: credentials and `secrets` are
 * removed from its message, stack and string fields; its own `cause` is redacted too.
 */
export function redactError(err: unknown, secrets: readonly string[] = [], depth = 0): Error {
  if (!(err instanceof Error))
    return new RedactedDriverError('Error', redactText(String(err), secrets), {}, undefined)
  const fields: Record<string, unknown> = {}
  const source = err as unknown as Record<string, unknown>
  for (const f of keptFields) {
    const v = source[f]
    if (typeof v === 'string') fields[f] = redactText(v, secrets)
    else if (typeof v === 'number' || typeof v === 'bigint') fields[f] = v
  }
  const copy = new RedactedDriverError(
    err.name,
    redactText(err.message, secrets),
    fields,
    err.stack === undefined ? undefined : redactText(err.stack, secrets),
  )
  // neon's NeonDbError keeps the fetch failure as `sourceError`: kept as the cause
  const cause = err.cause ?? (err as { sourceError?: unknown }).sourceError
  if (cause !== undefined && depth < 3)
    Object.defineProperty(copy, 'cause', {
      value: redactError(cause, secrets, depth + 1),
      enumerable: false,
    })
  // an AggregateError's errors (undici's refused dual-stack connect): what says nothing was sent
  const inner = (err as { errors?: unknown }).errors
  if (Array.isArray(inner) && depth < 3)
    Object.defineProperty(copy, 'errors', {
      value: inner.slice(0, 8).map((e) => redactError(e, secrets, depth + 1)),
      enumerable: false,
    })
  return copy
}

/**
 * The error info of an authentication failure, its message naming where the rejected credential
 * came from (`source`, e.g. "the password in the URL given to neonHttp()"), never the credential.
 * `code`, when given, replaces the native code; the failure is the server's answer, not a transport error.
 */
export function authFailure(
  info: { readonly code?: string | undefined; readonly message: string },
  source: string,
  code?: string,
): { code: string | undefined; message: string; transport: false } {
  return {
    code: code ?? info.code,
    message: `Authentication failed for ${source}; the server said: ${info.message}`,
    transport: false,
  }
}
