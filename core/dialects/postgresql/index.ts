/**
 * PostgreSQL: the dialect, its compiler and what else only PostgreSQL knows.
 * @module
 */
export { PostgresCompiler } from './compiler.js'
export { PostgresDialect, postgresql } from './dialect.js'
