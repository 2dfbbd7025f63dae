import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

describe('npm run demo', () => {
  it('creates the schema, runs the statements through the engine and prints SQL and rows', () => {
    const root = resolve(import.meta.dirname, '../..')
    const run = spawnSync('npm', ['run', 'demo', '--silent'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    })
    expect(run.stderr).not.toMatch(/Error/)
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('CREATE TABLE users')
    expect(run.stdout).toContain('CREATE TABLE posts')
    expect(run.stdout).toContain('{"id":3,"active":false}')
    expect(run.stdout).toContain('{"name":"Ada","posts":2}')
    expect(run.stdout).toContain('IntegrityError: UNIQUE constraint failed: users.email')
    expect(run.stdout).toContain('users now: 3')
    expect(run.stdout).toContain('"joined":"2026-11-23T00:00:00.000Z"')
    expect(run.stdout).toContain('Ada wrote: ["Notes on the Analytical Engine","Bernoulli numbers"]')
    expect(run.stdout).toContain("new post's author: Ada Lovelace; dirty: 1, new: 1")
    expect(run.stdout).toContain('committed: post 4 by user 1')
    expect(run.stdout).toContain('same object from the identity map: true')
  })
})
