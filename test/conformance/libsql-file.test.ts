/** The conformance suite on the libsql-file configuration (see configurations.ts). */
import { describe } from 'vitest'
import { defineConformanceSuite } from '../../testing/suite/index.js'
import { libsqlFileConfiguration } from './configurations.js'
import { vitestApi } from './support.js'

describe('conformance libsql-file', () => {
  defineConformanceSuite(libsqlFileConfiguration(), vitestApi)
})
