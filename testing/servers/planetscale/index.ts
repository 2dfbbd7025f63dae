/**
 * PlanetScale's HTTP API (`psdb.v1alpha1.Database/Execute`) in front of MariaDB/MySQL, for
 * testing PlanetScale code offline with the official `@planetscale/database` driver (Node only).
 *
 * ```ts
 * const server = await startPlanetScaleServer({ database: 'app' })
 * const conn = connect({ url: server.url })
 * ```
 * @module edgealchemy/testing/servers/planetscale
 */

export { vitessType } from './protocol.js'
export {
  type PlanetScaleFault,
  type PlanetScaleServer,
  type PlanetScaleServerOptions,
  startPlanetScaleServer,
} from './server.js'
