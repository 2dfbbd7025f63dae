// @ts-check
/**
 * Serves the Vercel Edge Function (api/index.ts) locally in Vercel's edge runtime, the
 * `edge-runtime` package: the function is bundled with esbuild as Vercel bundles it (browser
 * platform, `edge-light` condition, so the drivers' web builds), then evaluated in an EdgeVM.
 *
 * The VM evaluates a script, not a module, and has no `process`: the bundle registers a
 * `fetch` event listener that calls the function's default export, and `process.env` is
 * passed in (a copy of this process's environment, as Vercel gives the project's variables).
 *
 * ```sh
 * npm run build
 * PORT=3000 DATABASE_URL=http://127.0.0.1:8080 node edge-examples/vercel-edge/dev.mjs
 * ```
 */
import { fileURLToPath } from 'node:url'
import { EdgeRuntime, runServer } from 'edge-runtime'
import { build } from 'esbuild'

const started = performance.now()
const here = fileURLToPath(new URL('.', import.meta.url))
const bundle = await build({
  stdin: {
    contents: [
      "import handler from './api/index.ts'",
      'addEventListener("fetch", (event) => event.respondWith(handler(event.request)))',
    ].join('\n'),
    resolveDir: here,
    sourcefile: 'vercel-edge-entry.js',
    loader: 'js',
  },
  bundle: true,
  format: 'iife',
  platform: 'browser',
  conditions: ['edge-light', 'worker', 'browser'],
  target: 'es2022',
  write: false,
  logLevel: 'warning',
})
const initialCode = bundle.outputFiles[0]?.text ?? ''
const bundled = performance.now()

/** @type {Record<string, string>} */
const env = {}
for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value
const runtime = new EdgeRuntime({
  initialCode,
  extend: (context) => Object.assign(context, { process: { env } }),
})
const server = await runServer({
  runtime,
  host: process.env.HOST || '127.0.0.1',
  port: Number(process.env.PORT ?? 3000),
})
/** @param {number} t */
const ms = (t) => Math.round(t)
console.log(
  `edge-examples (vercel-edge, edge-runtime) listening on ${server.url} ` +
    `(bundle ${Math.round(initialCode.length / 1024)} KiB in ${ms(bundled - started)} ms, ` +
    `runtime ready in ${ms(performance.now() - bundled)} ms)`,
)

let stopping = false
/** @param {string} signal */
const stop = (signal) => {
  if (stopping) return
  stopping = true
  console.log(`${signal}: closing`)
  server.close().finally(() => process.exit(0))
  setTimeout(() => process.exit(0), 3_000).unref()
}
process.on('SIGINT', () => stop('SIGINT'))
process.on('SIGTERM', () => stop('SIGTERM'))
