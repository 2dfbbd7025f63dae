/** The reliability suite (concurrency, closing, faults, timeouts) on the neon-ws configuration. */
import { describe } from 'vitest'
import { defineReliabilitySuite } from '../../testing/suite/index.js'
import { neonWsConfiguration } from '../conformance/configurations.js'
import { vitestApi } from '../conformance/support.js'

describe('reliability neon-ws', () => {
  defineReliabilitySuite(neonWsConfiguration(), vitestApi)
})
