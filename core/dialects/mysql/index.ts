/**
 * MySQL and MariaDB: the dialect, its compiler and what else only MySQL knows.
 * @module
 */
export { MysqlCompiler } from './compiler.js'
export { MysqlDialect, mysql } from './dialect.js'
