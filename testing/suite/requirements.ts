import type { ConformanceConfig, Requirement } from './types.js'

/**
 * Why `config` cannot run a case that needs `req`, or undefined when it can. The text ends up in
 * the skipped case's name: "skipped: requires savepoints — d1 has none".
 */
export function missingReason(req: Requirement, config: ConformanceConfig): string | undefined {
  const caps = config.capabilities
  const dialect = config.dialect
  const n = config.name
  switch (req) {
    case 'interactiveTransactions':
      return caps.interactiveTransactions
        ? undefined
        : `${n} has no interactive transactions (use engine.batch)`
    case 'batchOnly':
      return caps.interactiveTransactions ? `${n} has interactive transactions` : undefined
    case 'savepoints':
      return caps.savepoints ? undefined : `${n} has none`
    case 'noSavepoints':
      return caps.savepoints ? `${n} has savepoints` : undefined
    case 'returning':
      return dialect.features.returning ? undefined : `${n} has no RETURNING`
    case 'noReturning':
      return dialect.features.returning ? `${n} has RETURNING` : undefined
    case 'streaming':
      return caps.streaming === 'none' ? `${n} cannot stream` : undefined
    case 'pagedStreaming':
      return caps.streaming === 'paged' ? undefined : `${n} streams through a ${caps.streaming}, not pages`
    case 'requestCount':
      return config.requestCount ? undefined : `${n} has no request counter`
    case 'oneRoundTripBatch':
      return caps.batchRoundTrips === 'one'
        ? undefined
        : `${n} sends a batch as BEGIN + each statement + COMMIT`
    case 'foreignKeys':
      return config.enforcesForeignKeys === false ? `${n} does not enforce foreign keys` : undefined
    case 'unreachableEngine':
      return config.createUnreachableEngine ? undefined : `${n} has no unreachable remote to try`
    case 'networkFaults':
      return config.injectNetworkFault ? undefined : `${n} has no fault injection`
    case 'transactionCount':
      return config.openTransactions ? undefined : `${n} cannot count open transactions`
    case 'matchedRowCount':
      return (caps.updateRowCount ?? 'matched') === 'matched'
        ? undefined
        : `${n} counts only rows whose values changed`
    case 'jsonAggregation':
      return dialect.jsonAggregation !== undefined
        ? undefined
        : `${n} speaks ${dialect.name}, which has no JSON aggregation`
    case 'faults':
      return config.faults ? undefined : `${n} has no server to fail a request (embedded database)`
    case 'stalls':
      return config.faults?.stall ? undefined : `${n} has no server that can leave a request unanswered`
    case 'secondEngine':
      return config.createSecondEngine
        ? undefined
        : `${n} needs no second engine to see locks (the server reports them)`
    case 'refusedConnection':
      return config.unreachable === 'refused'
        ? undefined
        : `${n} has no port to refuse (${config.unreachable ?? 'no unreachable engine'})`
    case 'unrefusedUnreachable':
      return config.unreachable === 'lost' || config.unreachable === 'no-file'
        ? undefined
        : `${n}'s unreachable remote is ${config.unreachable ?? 'not given'}`
    case 'wrongCredentials':
      return config.wrongCredentials
        ? undefined
        : `${n} has no login to refuse (an embedded file, a binding, or a local server that trusts every login)`
    case 'rowLocks':
      return dialect.features.forUpdate
        ? undefined
        : `${n} speaks ${dialect.name}: one writer, no row locks to deadlock on`
    case 'raisesSqlstate':
      return dialect.raiseErrorSql('40001', 'x') === undefined
        ? `${n} speaks ${dialect.name}: no SQL raises an error of a chosen code`
        : undefined
  }
}

/** The skip reason of a case, from the first requirement the configuration lacks. */
export function skipReason(
  requires: readonly Requirement[] | undefined,
  config: ConformanceConfig,
): string | undefined {
  for (const req of requires ?? []) {
    const why = missingReason(req, config)
    if (why !== undefined) return `skipped: requires ${label(req)} — ${why}`
  }
  return undefined
}

function label(req: Requirement): string {
  switch (req) {
    case 'batchOnly':
      return 'a batch-only adapter'
    case 'noSavepoints':
      return 'an adapter without savepoints'
    case 'noReturning':
      return 'an adapter without RETURNING'
    case 'pagedStreaming':
      return 'paged streaming'
    case 'requestCount':
      return 'a request counter'
    case 'oneRoundTripBatch':
      return 'one-request batches'
    case 'foreignKeys':
      return 'enforced foreign keys'
    case 'unreachableEngine':
      return 'an unreachable engine'
    case 'matchedRowCount':
      return 'matched-row counts'
    case 'jsonAggregation':
      return 'JSON aggregation'
    case 'networkFaults':
      return 'network fault injection'
    case 'transactionCount':
      return 'a count of open transactions'
    case 'interactiveTransactions':
      return 'interactive transactions'
    case 'faults':
      return 'request fault injection'
    case 'stalls':
      return 'stalled requests'
    case 'secondEngine':
      return 'a second engine'
    case 'refusedConnection':
      return 'a refused connection'
    case 'unrefusedUnreachable':
      return 'a lost connection or a missing file'
    case 'wrongCredentials':
      return 'a login to refuse'
    case 'rowLocks':
      return 'row locks'
    case 'raisesSqlstate':
      return 'an error of a chosen SQLSTATE'
    default:
      return req
  }
}
