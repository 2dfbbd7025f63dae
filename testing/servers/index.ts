/**
 * Local servers that speak each remote's wire protocol in front of a real database, so edge
 * code can be tested offline with the official drivers (Node only).
 * @module
 */
export * from './d1/index.js'
export * from './hrana/index.js'
export * from './neon-http/index.js'
export * from './neon-ws/index.js'
export * from './planetscale/index.js'
