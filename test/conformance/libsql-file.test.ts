import { rmSync } from 'node:fs'
import { describe } from 'vitest'
import { libsql, libsqlCapabilities } from '../../adapters/libsql/node.js'
import { createAsyncEngine, text } from '../../core/index.js'
import { defineConformanceSuite } from '../../testing/suite/index.js'
import { freshFile, vitestApi } from './support.js'

const file = freshFile('libsql')

describe('conformance libsql-file', () => {
  defineConformanceSuite(
    {
      name: 'libsql-file',
      capabilities: libsqlCapabilities,
      async createEngine() {
        const engine = createAsyncEngine(libsql(`file:${file}`))
        // As libSQL servers run: in rollback-journal mode a connection that has read holds a
        // shared lock until its transaction ends, and no other connection can commit a write.
        await engine.execute(text('PRAGMA journal_mode = WAL'))
        return engine
      },
      // a file in a directory that does not exist cannot be opened
      createUnreachableEngine: async () => createAsyncEngine(libsql('file:.tmp/no-such-dir/none.db')),
      async dispose() {
        for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true })
      },
    },
    vitestApi,
  )
})
