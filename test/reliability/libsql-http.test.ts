/** The reliability suite (concurrency, closing, faults, timeouts) on the libsql-http configuration. */
import { describe } from 'vitest'
import { defineReliabilitySuite } from '../../testing/suite/index.js'
import { libsqlHttpConfiguration } from '../conformance/configurations.js'
import { vitestApi } from '../conformance/support.js'

describe('reliability libsql-http', () => {
  defineReliabilitySuite(libsqlHttpConfiguration(), vitestApi)
})
