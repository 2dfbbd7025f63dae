import type { AsyncEngine } from '../../core/index.js'
import { batchTopic } from './batch.js'
import { ddlTopic } from './ddl.js'
import { dmlTopic } from './dml.js'
import { errorsTopic } from './errors.js'
import { leaksTopic } from './leaks.js'
import { ormCommitTopic } from './orm-commit.js'
import { ormInheritanceTopic } from './orm-inheritance.js'
import { ormLoadersTopic } from './orm-loaders.js'
import { ormRelationshipsTopic } from './orm-relationships.js'
import { OrmBase } from './orm-schema.js'
import { ormSessionTopic } from './orm-session.js'
import { ormShapesTopic } from './orm-shapes.js'
import { ormWritesTopic } from './orm-writes.js'
import { closingTopic, concurrencyTopic } from './reliability.js'
import { errorCases } from './reliability-errors.js'
import { faultsTopic, timeoutsTopic } from './reliability-faults.js'
import { fkCycleCases } from './reliability-fk-cycle.js'
import { idempotentCommitTopic } from './reliability-idempotent.js'
import { loadTopic } from './reliability-load.js'
import { valuePolicyCases } from './reliability-values.js'
import { skipReason } from './requirements.js'
import { resultsTopic } from './results.js'
import { metadata } from './schema.js'
import { selectTopic } from './select.js'
import { streamingTopic } from './streaming.js'
import { transactionsTopic } from './transactions.js'
import type { CaseOptions, ConformanceConfig, DefineCase, TestApi, Topic } from './types.js'
import { typesTopic } from './types-round-trip.js'
import { valuesTopic } from './values.js'

/** The conformance topics, in the order they run. */
const conformanceTopics: readonly (readonly [string, (topic: Topic) => void])[] = [
  ['ddl', ddlTopic],
  ['select and filters', selectTopic],
  ['insert, update, delete', dmlTopic],
  ['types round-trip', typesTopic],
  ['nulls, unicode, large values', valuesTopic],
  ['transactions and savepoints', transactionsTopic],
  ['batch atomicity', batchTopic],
  ['errors', errorsTopic],
  ['results API', resultsTopic],
  ['streaming', streamingTopic],
  ['orm session', ormSessionTopic],
  ['orm relationships', ormRelationshipsTopic],
  ['orm inheritance, streaming, inspect', ormInheritanceTopic],
  ['orm relationship shapes', ormShapesTopic],
  ['orm commit', ormCommitTopic],
  ['orm loaders', ormLoadersTopic],
  ['orm writes', ormWritesTopic],
  ['leaks', leaksTopic],
]

/**
 * Registers the conformance suite for one adapter configuration with the runner's test API.
 * Call it inside a `describe` named after the configuration; each case that needs a capability
 * the adapter lacks is registered as skipped, with the reason in its name.
 *
 * ```ts
 * import { describe, it, expect, beforeAll, afterAll } from 'vitest'
 * describe('conformance libsql-file', () => {
 *   defineConformanceSuite(
 *     { name: 'libsql-file', capabilities, createEngine: async () => createAsyncEngine(libsql(url)) },
 *     { describe, it, expect, beforeAll, afterAll },
 *   )
 * })
 * ```
 */
export function defineConformanceSuite(config: ConformanceConfig, api: TestApi): void {
  defineTopics(config, api, conformanceTopics)
}

/** The reliability topics: misuse and faults, with the database checked directly afterwards. */
const reliabilityTopics: readonly (readonly [string, (topic: Topic) => void])[] = [
  ['concurrent operations', concurrencyTopic],
  ['closing and disposing', closingTopic],
  ['faults at each request of a commit', faultsTopic],
  ['timeouts', timeoutsTopic],
  ['foreign-key cycles', fkCycleCases],
  ['idempotent commits and retries', idempotentCommitTopic],
  ['errors from the real remotes', errorCases],
  ['one value policy', valuePolicyCases],
  ['waiting under load', loadTopic],
]

/**
 * Registers the reliability suite for one configuration: every pair of concurrent operations on
 * a session or connection, close and dispose while an operation is in flight, each fault kind
 * of the configuration's server at each request of a commit, and stalled replies. Call it inside
 * a `describe` named `reliability <configuration>`; cases skip with their reason where the
 * configuration cannot inject what they need.
 */
export function defineReliabilitySuite(config: ConformanceConfig, api: TestApi): void {
  defineTopics(config, api, reliabilityTopics)
}

function defineTopics(
  config: ConformanceConfig,
  api: TestApi,
  topics: readonly (readonly [string, (topic: Topic) => void])[],
): void {
  let engine: AsyncEngine | undefined
  let id = 1_000
  const test: DefineCase = (
    name: string,
    optionsOrFn: CaseOptions | (() => Promise<void>),
    maybeFn?: () => Promise<void>,
  ) => {
    const options = typeof optionsOrFn === 'function' ? {} : optionsOrFn
    const fn = typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn!
    const skip = skipReason(options.requires, config)
    if (skip !== undefined) api.it.skip(`${name} [${skip}]`, () => undefined)
    else api.it(name, fn, options.timeout)
  }
  const topic: Topic = {
    api,
    expect: api.expect,
    test,
    config,
    get engine(): AsyncEngine {
      if (engine === undefined) throw new Error('The engine is not ready (createEngine failed?)')
      return engine
    },
    nextId: () => ++id,
    requests: () => config.requestCount?.(),
  }

  api.beforeAll(async () => {
    engine = await config.createEngine()
    await metadata.createAll(engine, { checkFirst: true })
    await OrmBase.metadata.createAll(engine, { checkFirst: true })
  }, 120_000)
  api.afterAll(async () => {
    try {
      if (engine !== undefined) {
        await metadata.dropAll(engine, { checkFirst: true }).catch(() => undefined)
        await OrmBase.metadata.dropAll(engine, { checkFirst: true }).catch(() => undefined)
        await engine.dispose()
      }
    } finally {
      await config.dispose?.()
    }
  }, 60_000)

  for (const [name, define] of topics) api.describe(name, () => define(topic))
}
