/** The conformance suite on the neon-ws configuration (see configurations.ts). */
import { describe } from 'vitest'
import { defineConformanceSuite } from '../../testing/suite/index.js'
import { neonWsConfiguration } from './configurations.js'
import { vitestApi } from './support.js'

describe('conformance neon-ws', () => {
  defineConformanceSuite(neonWsConfiguration(), vitestApi)
})
