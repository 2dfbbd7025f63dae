/**
 * docs/adapters.md, "TypeScript: the lib and types each driver needs": a Worker project
 * (`lib: ES2022 + ESNext.Disposable`, `types: @cloudflare/workers-types`, `skipLibCheck: false`)
 * that imports every adapter type-checks with the page's one-line `RequestCache` shim, and fails
 * without it only on that name in @planetscale/database's declarations. Checks the built package
 * (`npm test` builds before vitest runs).
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const run = promisify(execFile)
const dir = resolve(root, '.tmp/docs-worker-types')

/** The shim as the page shows it: the ```typescript block that declares RequestCache. */
const shim = [
  ...readFileSync(resolve(root, 'docs/adapters.md'), 'utf8').matchAll(/^```typescript\n([\s\S]*?)^```$/gm),
]
  .map((m) => m[1]!)
  .find((code) => code.includes('type RequestCache'))

const adapters = ['d1', 'libsql', 'neon-http', 'neon', 'planetscale']

async function typecheck(withShim: boolean): Promise<string> {
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    resolve(dir, 'worker.ts'),
    `import { createAsyncEngine } from 'edgealchemy'\n${adapters
      .map((a, i) => `import * as a${i} from 'edgealchemy/${a}'`)
      .join('\n')}\nexport const all = [createAsyncEngine, ${adapters.map((_a, i) => `a${i}`).join(', ')}]\n`,
  )
  writeFileSync(resolve(dir, 'shim.d.ts'), shim ?? '')
  const project = resolve(dir, `tsconfig.${withShim ? 'shim' : 'plain'}.json`)
  writeFileSync(
    project,
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'ESNext',
        moduleResolution: 'Bundler',
        lib: ['ES2022', 'ESNext.Disposable'],
        types: ['@cloudflare/workers-types'],
        strict: true,
        skipLibCheck: false,
        noEmit: true,
      },
      files: withShim ? ['worker.ts', 'shim.d.ts'] : ['worker.ts'],
    }),
  )
  try {
    const { stdout, stderr } = await run(process.execPath, [tsc, '-p', project], { cwd: root })
    return stdout + stderr
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string }
    return `${err.stdout ?? ''}${err.stderr ?? ''}`
  }
}

describe('docs/adapters.md: TypeScript settings of a Worker project', () => {
  it('has a build and the shim to check', () => {
    expect(existsSync(resolve(root, 'dist/core/index.d.ts')), 'run `npm run build` first').toBe(true)
    expect(shim).toBeDefined()
  })

  it('type-checks every adapter with @cloudflare/workers-types and the RequestCache shim', async () => {
    expect(await typecheck(true)).toBe('')
  }, 120_000)

  it("without the shim, fails only on @planetscale/database's RequestCache", async () => {
    const errors = (await typecheck(false)).split('\n').filter((line) => line.includes('error TS'))
    expect(errors.length).toBeGreaterThan(0)
    for (const line of errors) expect(line).toMatch(/@planetscale\/database.*Cannot find name 'RequestCache'/)
  }, 120_000)
})
