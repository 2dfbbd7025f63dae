/** The reliability suite (concurrency, closing, faults, timeouts) on the neon-http configuration. */
import { describe } from 'vitest'
import { defineReliabilitySuite } from '../../testing/suite/index.js'
import { neonHttpConfiguration } from '../conformance/configurations.js'
import { vitestApi } from '../conformance/support.js'

describe('reliability neon-http', () => {
  defineReliabilitySuite(neonHttpConfiguration(), vitestApi)
})
