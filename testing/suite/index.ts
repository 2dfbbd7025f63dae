/**
 * The conformance suite (`edgealchemy/testing`): one set of cases, run unchanged on every
 * adapter configuration by any test runner that injects `describe`/`it`/`expect`.
 * @module edgealchemy/testing
 */
export { caught, errorTexts, insertRows } from './helpers.js'
export { missingReason, skipReason } from './requirements.js'
export { defineConformanceSuite, defineReliabilitySuite } from './suite.js'
export type {
  Assertion,
  CaseOptions,
  ConformanceConfig,
  DefineCase,
  Expect,
  FaultInjection,
  Requirement,
  TestApi,
  TestFunction,
  Topic,
} from './types.js'
