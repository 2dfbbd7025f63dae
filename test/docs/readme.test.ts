/**
 * Runs every TypeScript example in README.md that imports from 'edgealchemy', and checks each
 * `// → ...` comment against what the `console.log` before it printed.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { inspect } from 'node:util'
import { afterEach, describe, expect, it, vi } from 'vitest'

const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8')
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)]
  .map((m) => m[1]!)
  .filter((code) => code.includes("from 'edgealchemy'"))

describe('README examples', () => {
  afterEach(() => vi.restoreAllMocks())

  it('has examples to run', () => {
    expect(blocks.length).toBeGreaterThan(0)
  })

  it.each(blocks.map((code, i) => [i + 1, code] as const))(
    'example %i runs and prints what it says',
    async (i, code) => {
      const expected = [...code.matchAll(/^\/\/ → (.*)$/gm)].map((m) => m[1]!)
      const printed: string[] = []
      vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
        printed.push(
          args
            .map((a) => (typeof a === 'string' ? a : inspect(a, { breakLength: Infinity, depth: 5 })))
            .join(' '),
        )
      })
      mkdirSync(resolve(import.meta.dirname, '../../.tmp'), { recursive: true })
      const file = resolve(import.meta.dirname, `../../.tmp/readme-example-${i}.ts`)
      const core = resolve(import.meta.dirname, '../../core/index.js')
      writeFileSync(file, code.replaceAll("from 'edgealchemy'", `from ${JSON.stringify(core)}`))
      await import(`${file}?t=${Date.now()}`)
      expect(printed.join('\n').split('\n')).toEqual(expected)
    },
  )
})
