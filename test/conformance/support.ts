/** What the vitest runners share: vitest's API for the suite, and fresh database names. */
import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { TestApi } from '../../testing/suite/index.js'

/** vitest's describe/it/expect/hooks, as the suite takes them. */
export const vitestApi: TestApi = { describe, it, expect, beforeAll, afterAll, beforeEach }

let counter = 0
/** A unique lower-case name for a database, schema or file of this process. */
export function freshName(prefix: string): string {
  return `ea_conf_${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`
}

/** A fresh path under .tmp/ for a database file. */
export function freshFile(prefix: string): string {
  mkdirSync('.tmp', { recursive: true })
  return `.tmp/${freshName(prefix)}.db`
}
