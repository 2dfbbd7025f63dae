/** The conformance suite on the planetscale configuration (see configurations.ts). */
import { describe } from 'vitest'
import { defineConformanceSuite } from '../../testing/suite/index.js'
import { planetscaleConfiguration } from './configurations.js'
import { vitestApi } from './support.js'

describe('conformance planetscale', () => {
  defineConformanceSuite(planetscaleConfiguration(), vitestApi)
})
