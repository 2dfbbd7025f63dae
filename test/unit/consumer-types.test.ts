/**
 * The published declaration files work for a consumer: test/consumer imports 'edgealchemy'
 * (resolved through package.json `exports` to dist/) and asserts row types. Needs a build
 * (`npm test` builds before vitest runs).
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const run = promisify(execFile)

async function typecheck(project: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [tsc, '-p', project, '--noEmit'], { cwd: root })
    return { code: 0, output: stdout + stderr }
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string }
    return {
      code: typeof err.code === 'number' ? err.code : 1,
      output: `${err.stdout ?? ''}${err.stderr ?? ''}`,
    }
  }
}

describe('consumer project against the built package', () => {
  it('has a build to check', () => {
    expect(
      existsSync(`${root}dist/core/index.d.ts`),
      'dist/core/index.d.ts is missing: run `npm run build` first',
    ).toBe(true)
  })

  for (const project of ['test/consumer/tsconfig.json', 'test/consumer/tsconfig.bundler.json']) {
    it(`type-checks with ${project} (strict, skipLibCheck: false)`, async () => {
      const { code, output } = await typecheck(project)
      expect(output).toBe('')
      expect(code).toBe(0)
    }, 120_000)
  }
})
