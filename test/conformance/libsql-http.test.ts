/** The conformance suite on the libsql-http configuration (see configurations.ts). */
import { describe } from 'vitest'
import { defineConformanceSuite } from '../../testing/suite/index.js'
import { libsqlHttpConfiguration } from './configurations.js'
import { vitestApi } from './support.js'

describe('conformance libsql-http', () => {
  defineConformanceSuite(libsqlHttpConfiguration(), vitestApi)
})
