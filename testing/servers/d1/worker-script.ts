/**
 * The local D1 Worker's modules for workerd, built from `worker.ts` and `wire.ts` themselves, so
 * the Worker and the Node side share one codec instead of a copy of it in a string. Node only.
 * @module
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'

/** One ES module of the Worker, as miniflare's `modules` option takes it. */
export interface WorkerModule {
  readonly type: 'ESModule'
  readonly path: string
  readonly contents: string
}

/** The Worker's modules: its entry first (it imports `./wire.js`). */
const moduleNames = ['worker', 'wire'] as const

/** esbuild, from the repository's dev dependencies (see {@link workerModules}). */
type Esbuild = {
  transform(code: string, options: object): Promise<{ code: string }>
}

/**
 * The Worker's modules as JavaScript. The built package has them compiled beside this module;
 * the repository's TypeScript sources (its tests run them) are compiled here with esbuild, a dev
 * dependency of the repository and not one of the package (a built install never gets there, so
 * the specifier is kept out of reach of bundlers that would try to resolve it).
 */
export async function workerModules(): Promise<WorkerModule[]> {
  const compiled = moduleNames.map((name) => new URL(`./${name}.js`, import.meta.url))
  if (compiled.every((url) => existsSync(url)))
    return Promise.all(
      compiled.map(async (url, i) => ({
        type: 'ESModule' as const,
        path: `${moduleNames[i]}.js`,
        contents: await readFile(url, 'utf8'),
      })),
    )
  const specifier = 'esbuild'
  const esbuild = (await import(specifier)) as Esbuild
  return Promise.all(
    moduleNames.map(async (name) => {
      const source = await readFile(new URL(`./${name}.ts`, import.meta.url), 'utf8')
      const { code } = await esbuild.transform(source, { loader: 'ts', format: 'esm', target: 'es2022' })
      return { type: 'ESModule' as const, path: `${name}.js`, contents: code }
    }),
  )
}
