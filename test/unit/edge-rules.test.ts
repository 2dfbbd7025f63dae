/** The edge rules for core/: web standards only, no node: imports, no eval, no I/O at module scope. */
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../../core')
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  )
}
const sources = files(root).map((f) => [f.slice(root.length + 1), readFileSync(f, 'utf8')] as const)

describe('core/ follows the edge rules', () => {
  it('has source files', () => expect(sources.length).toBeGreaterThan(10))
  it.each(sources)('%s imports no node: module and no driver', (_name, src) => {
    expect(src).not.toMatch(/from ['"]node:|require\(['"]node:|import\(['"]node:/)
    expect(src).not.toMatch(/from ['"](pg|mysql2|@libsql|@neondatabase|@planetscale)/)
  })
  it.each(sources)('%s uses neither eval nor new Function', (_name, src) => {
    expect(src).not.toMatch(/(^|[^.\w])eval\(|new Function\(/)
  })
  it.each(sources)('%s opens no connection or timer at module scope', (_name, src) => {
    const topLevel = src.split('\n').filter((l) => /^(const|let|var|await)\b/.test(l))
    for (const line of topLevel)
      expect(line).not.toMatch(/fetch\(|new WebSocket|setTimeout|setInterval|createClient/)
  })
})
