/**
 * A local Cloudflare D1 for testing Worker code offline (Node only): workerd through miniflare,
 * with a binding that counts requests and injects faults.
 *
 * ```ts
 * const local = await startD1({ setup: ['CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)'] })
 * const engine = createAsyncEngine(d1(local.binding))
 * // ... run the code under test ...
 * expect(local.requests).toBe(1)
 * await local.dispose()
 * ```
 * @module edgealchemy/testing/servers/d1
 */
export {
  type CountingD1Database,
  type CountingD1PreparedStatement,
  type D1Fault,
  type D1Server,
  type D1ServerOptions,
  startD1,
} from './server.js'
