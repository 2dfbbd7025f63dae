/**
 * Listening on loopback and closing again, for every local server: a server binds 127.0.0.1 only
 * (a test server is never reachable from the network), and closing it also ends the connections
 * clients keep alive, so `close()` resolves at once instead of after their idle timeout.
 * @module
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** Starts `server` on 127.0.0.1 (a free port unless `port` is given) and resolves with the port. */
export async function listenOnLoopback(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  return (server.address() as AddressInfo).port
}

/** Stops accepting connections, destroys the open ones and resolves once `server` has closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    // an error here only says the server was not listening: closed either way
    server.close(() => resolve())
    server.closeAllConnections()
  })
}
