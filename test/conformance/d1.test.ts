/** The conformance suite on the d1 configuration (see configurations.ts). */
import { describe } from 'vitest'
import { defineConformanceSuite } from '../../testing/suite/index.js'
import { d1Configuration } from './configurations.js'
import { vitestApi } from './support.js'

describe('conformance d1', () => {
  defineConformanceSuite(d1Configuration(), vitestApi)
})
