/**
 * The Bun entry (edge-examples/bun/index.ts) run by Bun itself (the pinned `bun` devDependency),
 * serving the shared app over libSQL (Hrana HTTP) and neon-http; see runtimes.ts.
 */
import { BIN, describeRuntime } from './runtimes.ts'

describeRuntime({ name: 'bun', command: `${BIN}bun`, args: ['edge-examples/bun/index.ts'] })
