/**
 * Hrana over HTTP in front of a libSQL database file, for testing libSQL/Turso code offline
 * with the official `@libsql/client` (Node only).
 *
 * ```ts
 * const server = await startHranaServer({ file: '.tmp/app.db' })
 * const client = createClient({ url: server.url, intMode: 'bigint' })
 * ```
 * @module edgealchemy/testing/servers/hrana
 */
export { type HranaFault, type HranaServer, type HranaServerOptions, startHranaServer } from './server.js'
