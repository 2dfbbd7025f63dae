/**
 * Local servers that speak each remote's wire protocol in front of a real database, so edge
 * code can be tested offline with the official drivers (Node only).
 *
 * This entry re-exports every server, so loading it needs every server's package (`libsql`,
 * `pg`, `ws`, `mysql2`, `miniflare`); it is kept for compatibility. Import one server's own entry
 * to need only its package:
 *
 * ```ts
 * import { startHranaServer } from 'edgealchemy/testing/servers/hrana' // needs libsql
 * import { startNeonHttpServer } from 'edgealchemy/testing/servers/neon-http' // needs pg
 * import { startNeonWsProxy } from 'edgealchemy/testing/servers/neon-ws' // needs ws
 * import { startPlanetScaleServer } from 'edgealchemy/testing/servers/planetscale' // needs mysql2
 * import { startD1 } from 'edgealchemy/testing/servers/d1' // needs miniflare
 * ```
 * @module edgealchemy/testing/servers
 */
export * from './d1/index.js'
export * from './hrana/index.js'
export * from './neon-http/index.js'
export * from './neon-ws/index.js'
export * from './planetscale/index.js'
