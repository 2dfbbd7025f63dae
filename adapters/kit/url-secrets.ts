/**
 * Which strings of a connection URL must never appear in an error: its password, as written
 * (percent-encoded) and decoded, whatever the scheme (`postgres://`, `mysql://`, `libsql://`).
 * @module
 */

/**
 * The user and password of a URL as written (percent-encoded); empty strings when it has none
 * or does not parse. Any scheme is read as an http URL, as the drivers read theirs.
 */
export function urlCredentials(url: string | undefined): {
  readonly username: string
  readonly password: string
} {
  if (url === undefined) return { username: '', password: '' }
  try {
    const u = new URL(`http:${url.slice(url.indexOf(':') + 1)}`)
    return { username: u.username, password: u.password }
  } catch {
    // a URL the parser refuses may still carry `user:password@`
    const m = /^[a-z][a-z0-9+.-]*:\/\/([^:/?#@\s]*):([^@/?#\s]+)@/i.exec(url)
    return { username: m?.[1] ?? '', password: m?.[2] ?? '' }
  }
}

/** A secret as written and percent-decoded (one entry when they are the same); none for `''`. */
export function secretForms(secret: string | undefined): string[] {
  if (secret === undefined || secret === '') return []
  let decoded = secret
  try {
    decoded = decodeURIComponent(secret)
  } catch {
    // not percent-encoded
  }
  return decoded === secret ? [secret] : [secret, decoded]
}

/**
 * The password of a connection URL, raw and percent-decoded.
 *
 * ```ts
 * secretsOfUrl('postgres://app:p%40ss@db.example/app') // ['p%40ss', 'p@ss']
 * ```
 */
export function secretsOfUrl(url: string | undefined): string[] {
  return secretForms(urlCredentials(url).password)
}
