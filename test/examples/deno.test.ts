/**
 * The Deno entry (edge-examples/deno/main.ts) run by Deno (the pinned `deno` devDependency) on
 * the repository's node_modules (`--node-modules-dir=manual`), with only the permissions a
 * remote database needs (network, scoped here to 127.0.0.1, and the environment), serving the
 * shared app over libSQL (Hrana HTTP) and neon-http; see runtimes.ts.
 */
import { BIN, describeRuntime } from './runtimes.ts'

describeRuntime({
  name: 'deno',
  command: `${BIN}deno`,
  args: [
    'run',
    '--node-modules-dir=manual',
    '--no-prompt',
    '--allow-net=127.0.0.1', // the local servers and its own port: nothing else is reached
    '--allow-env',
    'edge-examples/deno/main.ts',
  ],
})
