/** Engines for ORM unit tests: embedded libSQL in memory, statements captured. */
import { libsql } from '../../adapters/libsql/node.js'
import { type AsyncEngine, createAsyncEngine } from '../../core/index.js'

/** An in-memory libSQL engine; `log` collects every statement it runs (echo). */
export async function memoryEngine(log?: string[]): Promise<AsyncEngine> {
  return createAsyncEngine(libsql(':memory:'), log ? { echo: true, logger: (line) => log.push(line) } : {})
}
