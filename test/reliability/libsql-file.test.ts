/** The reliability suite (concurrency, closing, faults, timeouts) on the libsql-file configuration. */
import { describe } from 'vitest'
import { defineReliabilitySuite } from '../../testing/suite/index.js'
import { libsqlFileConfiguration } from '../conformance/configurations.js'
import { vitestApi } from '../conformance/support.js'

describe('reliability libsql-file', () => {
  defineReliabilitySuite(libsqlFileConfiguration(), vitestApi)
})
