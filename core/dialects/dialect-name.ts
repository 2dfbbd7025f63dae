/**
 * The names of the dialects this library has: what `dialect.name` holds (for messages, logs and
 * a dialect's own tables; other code asks the dialect's features and hooks instead).
 * @module
 */

/** The dialect names this library knows. */
export type DialectName = 'postgresql' | 'sqlite' | 'mysql'
