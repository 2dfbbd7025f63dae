/**
 * edgealchemy: SQLAlchemy's design for edge runtimes.
 *
 * The root entry holds the SQL expression language, schema, types and errors.
 * @module
 */
export * from './errors.js'
export * from './sql/elements.js'
export * from './sql/types.js'
