/**
 * What the runtime tests share: Workers bundled as users deploy them (esbuild, esm, browser
 * platform, workerd conditions) and run in a real workerd (miniflare). Bundles go to .tmp/runtime/.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Miniflare, type MiniflareOptions } from 'miniflare'
import { WORKER_BUILD } from '../support/worker-build.js'

export const COMPATIBILITY_DATE = '2025-06-01'
const outDir = fileURLToPath(new URL('../../.tmp/runtime/', import.meta.url))

/** Milliseconds spent bundling and starting each Worker (printed by the test files). */
export const timings: Record<string, number> = {}

/** Bundles one Worker entry (`workers/<entry>.worker.ts`: our sources and the drivers) as a deployed Worker is bundled. */
export async function bundle(entry: string): Promise<{ path: string; contents: string }> {
  mkdirSync(outDir, { recursive: true })
  const t0 = performance.now()
  const outfile = `${outDir}${entry}.mjs`
  const result = await build({
    entryPoints: [fileURLToPath(new URL(`./workers/${entry}.worker.ts`, import.meta.url))],
    ...WORKER_BUILD,
    conditions: [...WORKER_BUILD.conditions],
    external: [...WORKER_BUILD.external],
    outfile,
    write: false,
    logLevel: 'silent',
  })
  const contents = result.outputFiles[0]!.text
  writeFileSync(outfile, contents) // kept for inspection
  timings[`bundle ${entry}`] = Math.round(performance.now() - t0)
  return { path: outfile, contents }
}

/** Starts workerd with one bundled Worker. */
export async function startWorker(
  entry: string,
  options: Partial<MiniflareOptions> = {},
): Promise<Miniflare> {
  const { path, contents } = await bundle(entry)
  const t0 = performance.now()
  const mf = new Miniflare({
    modules: [{ type: 'ESModule', path, contents }],
    compatibilityDate: COMPATIBILITY_DATE,
    ...options,
  } as MiniflareOptions)
  await mf.ready
  timings[`workerd ${entry}`] = Math.round(performance.now() - t0)
  return mf
}

/** GETs a path of the Worker and returns its JSON reply (any status). */
export async function call(mf: Miniflare, path: string): Promise<any> {
  const res = await mf.dispatchFetch(`http://worker.local${path}`)
  const body = await res.text()
  try {
    return { status: res.status, ...JSON.parse(body) }
  } catch {
    return { status: res.status, text: body }
  }
}

/** Waits until `check()` holds, polling every 10 ms; throws after `ms`. */
export async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time')
    await new Promise((r) => setTimeout(r, 10))
  }
}
