import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeAll, type DialectKey, openAll, type TestDatabase } from '../support/databases.js'

describe('test databases', () => {
  let dbs: Record<DialectKey, TestDatabase>
  beforeAll(async () => {
    dbs = await openAll('harness')
  })
  afterAll(() => closeAll(dbs))

  it.each(['postgresql', 'sqlite', 'mysql'] as const)(
    '%s runs a parameterised query in its own namespace',
    async (key) => {
      const db = dbs[key]
      const q = key === 'postgresql' ? 'SELECT $1::integer + 1' : 'SELECT ? + 1'
      expect(await db.exec(q, [41])).toEqual([[42]])
    },
  )
})
