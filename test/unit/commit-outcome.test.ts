/** How a failed commit is classified: the database's answer, not sent, or outcome unknown. */
import { describe, expect, it } from 'vitest'
import { libsql } from '../../adapters/libsql/index.js'
import { libsql as libsqlNode } from '../../adapters/libsql/node.js'
import { commitFailure } from '../../core/engine/commit-outcome.js'
import { CommitOutcomeUnknownError, OperationalError } from '../../core/errors.js'

const commit = [{ sql: 'COMMIT', params: [] }]

describe('commit outcomes', () => {
  it('a transport failure after sending, over a network, is CommitOutcomeUnknownError with the SQL only', () => {
    const adapter = libsql('http://127.0.0.1:9')
    const err = commitFailure(
      adapter,
      adapter.dialect,
      new TypeError('fetch failed'),
      commit,
      undefined,
      false,
    )
    expect(err).toBeInstanceOf(CommitOutcomeUnknownError)
    expect((err as CommitOutcomeUnknownError).statements).toEqual(['COMMIT'])
  })

  it('a refused connection is provably not sent: an OperationalError, safe to retry', () => {
    const adapter = libsql('http://127.0.0.1:9')
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
    })
    const err = commitFailure(adapter, adapter.dialect, refused, commit, undefined, false)
    expect(err).not.toBeInstanceOf(CommitOutcomeUnknownError)
    expect(err).toBeInstanceOf(OperationalError)
  })

  it('an embedded database never loses a reply: any error is its answer (a Deno permission error, say)', () => {
    const adapter = libsqlNode(':memory:')
    expect(adapter.embedded).toBe(true)
    const denied = Object.assign(new Error('Requires sys access to "cpus"'), { name: 'NotCapable' })
    const err = commitFailure(adapter, adapter.dialect, denied, commit, undefined, false)
    expect(err).not.toBeInstanceOf(CommitOutcomeUnknownError)
  })
})
