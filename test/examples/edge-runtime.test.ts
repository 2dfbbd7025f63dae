/**
 * The Vercel Edge Function (edge-examples/vercel-edge/api/index.ts) bundled by esbuild and served
 * in Vercel's edge runtime (the pinned `edge-runtime` package) by edge-examples/vercel-edge/dev.mjs,
 * over libSQL (Hrana HTTP) and neon-http; see runtimes.ts. The start-up time includes the bundling.
 */
import { describeRuntime } from './runtimes.ts'

describeRuntime({
  name: 'edge-runtime',
  command: process.execPath,
  args: ['edge-examples/vercel-edge/dev.mjs'],
})
