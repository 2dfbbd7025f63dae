/**
 * Neon's HTTP `/sql` endpoint in front of a real PostgreSQL, for testing Neon serverless code
 * offline with the official `neon()` driver (Node only).
 *
 * ```ts
 * const server = await startNeonHttpServer()           // PostgreSQL on 127.0.0.1:5432
 * neonConfig.fetchEndpoint = server.endpoint           // or neonHttp(url, { fetchEndpoint })
 * const sql = neon('postgresql://postgres:pw@db.local/test?options=-c%20search_path%3Dapp')
 * ```
 * The connection string's user and database are used (its host is replaced by the server's
 * PostgreSQL; a password is required, as by Neon, but checked only with `usePassword`); an
 * `options` parameter such as `-c search_path=app` reaches PostgreSQL's startup packet.
 * @module edgealchemy/testing/servers/neon-http
 */
export {
  type NeonHttpFault,
  type NeonHttpServer,
  type NeonHttpServerOptions,
  startNeonHttpServer,
} from './server.js'
