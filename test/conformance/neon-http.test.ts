/** The conformance suite on the neon-http configuration (see configurations.ts). */
import { describe } from 'vitest'
import { defineConformanceSuite } from '../../testing/suite/index.js'
import { neonHttpConfiguration } from './configurations.js'
import { vitestApi } from './support.js'

describe('conformance neon-http', () => {
  defineConformanceSuite(neonHttpConfiguration(), vitestApi)
})
