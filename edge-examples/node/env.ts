/** The app's {@link Env} from `process.env` (Node; Bun has the same `process.env`). */
import { ADAPTERS, type DatabaseAdapter, type Env } from '../app/index.ts'

/** The default database of the Node entry: an embedded libSQL file in the working directory. */
export const DEFAULT_DATABASE_URL = 'file:edge-examples.db'

export function envFromProcess(source: Record<string, string | undefined> = process.env): Env {
  const env: Env = {}
  const adapter = source.DATABASE_ADAPTER
  if (adapter) env.DATABASE_ADAPTER = adapter as DatabaseAdapter // engineFor refuses a name outside ADAPTERS
  if (adapter && !(ADAPTERS as readonly string[]).includes(adapter))
    console.warn(`DATABASE_ADAPTER=${adapter} is not one of ${ADAPTERS.join(', ')}: requests will answer 503`)
  env.DATABASE_URL =
    source.DATABASE_URL || (adapter && adapter !== 'libsql' ? undefined : DEFAULT_DATABASE_URL)
  for (const key of ['DATABASE_AUTH_TOKEN', 'NEON_FETCH_ENDPOINT', 'NEON_WS_PROXY'] as const)
    if (source[key]) env[key] = source[key]
  return env
}
