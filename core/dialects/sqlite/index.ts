/**
 * SQLite: the dialect, its compiler and what else only SQLite knows.
 * @module
 */
export { SqliteCompiler } from './compiler.js'
export { SqliteDialect, sqlite } from './dialect.js'
