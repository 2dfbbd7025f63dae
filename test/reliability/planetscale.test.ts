/** The reliability suite (concurrency, closing, faults, timeouts) on the planetscale configuration. */
import { describe } from 'vitest'
import { defineReliabilitySuite } from '../../testing/suite/index.js'
import { planetscaleConfiguration } from '../conformance/configurations.js'
import { vitestApi } from '../conformance/support.js'

describe('reliability planetscale', () => {
  defineReliabilitySuite(planetscaleConfiguration(), vitestApi)
})
