/** The reliability suite (concurrency, closing, faults, timeouts) on the d1 configuration. */
import { describe } from 'vitest'
import { defineReliabilitySuite } from '../../testing/suite/index.js'
import { d1Configuration } from '../conformance/configurations.js'
import { vitestApi } from '../conformance/support.js'

describe('reliability d1', () => {
  defineReliabilitySuite(d1Configuration(), vitestApi)
})
