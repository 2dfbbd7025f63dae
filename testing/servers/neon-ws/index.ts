/**
 * Neon's WebSocket proxy in front of a real PostgreSQL, for testing Neon serverless code
 * (`Pool`, `Client`, the `neon` adapter) offline with the official driver (Node only).
 *
 * ```ts
 * import ws from 'ws'
 * const proxy = await startNeonWsProxy()               // PostgreSQL on 127.0.0.1:5432
 * neonConfig.webSocketConstructor = ws                  // Node 20 has no global WebSocket
 * neonConfig.useSecureWebSocket = false
 * neonConfig.pipelineConnect = false                    // pipelining needs cleartext password auth
 * neonConfig.wsProxy = proxy.wsProxy
 * const pool = new Pool({ connectionString: 'postgresql://postgres:pw@db.local/test' })
 * ```
 * Any requested host is mapped to the proxy's PostgreSQL.
 * @module edgealchemy/testing/servers/neon-ws
 */
export { type NeonWsFault, type NeonWsProxy, type NeonWsProxyOptions, startNeonWsProxy } from './server.js'
