/** The conformance suite is library code for any runtime: no test runner, no node: import (comments aside). */
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../../testing/suite')
const sources = readdirSync(root)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => [f, readFileSync(join(root, f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '')] as const)

describe('testing/suite is runtime-neutral', () => {
  it('has source files', () => expect(sources.length).toBeGreaterThan(5))
  it.each(sources)('%s imports no test runner, no node: module and no driver', (_name, src) => {
    expect(src).not.toMatch(/from ['"](vitest|bun:test|@std\/|jsr:|node:)/)
    expect(src).not.toMatch(/from ['"](pg|mysql2|@libsql|@neondatabase|@planetscale|miniflare)/)
    expect(src).not.toMatch(/\bprocess\.|\bBuffer\b|\brequire\(/)
  })
  it.each(sources)('%s imports only core/ and its own files', (_name, src) => {
    for (const m of src.matchAll(/from ['"]([^'"]+)['"]/g)) expect(m[1]).toMatch(/^(\.\/|\.\.\/\.\.\/core\/)/)
  })
})
