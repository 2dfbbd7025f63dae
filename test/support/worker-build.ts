/**
 * How the tests bundle a Worker, as wrangler does for a deployed one: esbuild, ESM, browser
 * platform, workerd conditions, Node and Cloudflare built-ins left to the runtime
 * (scripts/size.mjs, a plain Node script, spells the same options).
 */
import type { BuildOptions } from 'esbuild'

export const WORKER_BUILD = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  conditions: ['workerd', 'worker', 'browser'],
  target: 'es2022',
  external: ['node:*', 'cloudflare:*'],
} as const satisfies BuildOptions
