/**
 * edgealchemy/orm: declarative mapping, relationships, AsyncSession (identity map and unit of
 * work), loader options and session factories.
 * @module edgealchemy/orm
 */

export {
  CommitNotResentError,
  type CommitTokenTable,
  commitTokenTable,
  defaultCommitTokenTable,
  pruneCommitTokens,
} from './commit-tokens.js'
export type { RelatedCriterion, RelatedRows } from './comparators.js'
export {
  type AwaitableAttrs,
  DeclarativeBase,
  type MappedClass,
  type MappedInit,
  type MappedObject,
  type MappedValues,
  mappedColumn,
} from './declarative.js'
export { type InstanceInspection, inspect } from './inspect.js'
export { ulid, uuid } from './keys.js'
export {
  type ColumnOption,
  type ContainsEagerOptions,
  containsEager,
  defaultload,
  defer,
  joinedload,
  jsonload,
  LoaderOption,
  type LoaderStep,
  type LoaderStrategy,
  loadOnly,
  noload,
  raiseload,
  selectinload,
  undefer,
} from './loader-options.js'
export { Mapper, type MapperArgs, mapperArgs, mapperOf } from './mapper.js'
export {
  type LazyStrategy,
  Relationship,
  type RelationshipDirection,
  type RelationshipOptions,
  relationship,
} from './relationship.js'
export type { RetryOptions, RunOptions } from './retry.js'
export { AsyncSession } from './session.js'
export type { CommitOptions, CommitResult, GetOptions, SessionOptions } from './session-options.js'
export { SessionTransaction } from './session-transaction.js'
export {
  type AsyncScopedSession,
  type AsyncSessionmaker,
  asyncScopedSession,
  asyncSessionmaker,
  type ScopeOptions,
  type ScopeStorage,
} from './sessionmaker.js'
export type { ObjectStatus } from './state.js'
export type { SynchronizeSession } from './write-sync.js'
