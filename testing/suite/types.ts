/**
 * The contract between the conformance suite and a test runner (vitest, Deno, Bun): the runner
 * injects its `describe`/`it`/`expect`, the adapter author supplies an engine factory.
 * @module
 */
import type { AdapterCapabilities, AsyncEngine, Dialect } from '../../core/index.js'

/** The matchers the suite uses: a subset every Jest-compatible `expect` has. */
export interface Assertion {
  toBe(expected: unknown): void
  toEqual(expected: unknown): void
  toBeNull(): void
  toBeUndefined(): void
  toBeDefined(): void
  toBeTruthy(): void
  toBeFalsy(): void
  toBeInstanceOf(expected: any): void
  toThrow(expected?: any): void
  toContain(expected: any): void
  toMatch(expected: string | RegExp): void
  toHaveLength(expected: number): void
  toBeGreaterThan(expected: number | bigint): void
  toBeGreaterThanOrEqual(expected: number | bigint): void
  toBeLessThan(expected: number | bigint): void
  toBeLessThanOrEqual(expected: number | bigint): void
  readonly not: Assertion
}

/** `expect(actual)`. */
export type Expect = (actual: unknown) => Assertion

type TestFn = () => unknown
type HookFn = () => unknown

/** `it(name, fn)` with `it.skip(name)`. */
export interface TestFunction {
  (name: string, fn: TestFn, timeout?: number): void
  skip(name: string, fn?: TestFn): void
}

/** What the runner injects. */
export interface TestApi {
  describe(name: string, fn: () => void): void
  it: TestFunction
  expect: Expect
  beforeAll(fn: HookFn, timeout?: number): void
  afterAll(fn: HookFn, timeout?: number): void
  beforeEach?(fn: HookFn, timeout?: number): void
  /**
   * The runtime's own printing of a value as `console.log` shows it, and in full (Node's
   * `util.inspect(v, { depth: Infinity, showHidden: true })`), for the no-secret-in-output cases.
   */
  inspect?(value: unknown, deep: boolean): string
}

/** One adapter configuration under test. */
export interface ConformanceConfig {
  /** Shown in test names: `neon-http`, `libsql-file`, ... */
  readonly name: string
  /** The adapter's capabilities; cases needing one it lacks are skipped, with the reason. */
  readonly capabilities: AdapterCapabilities
  /** The adapter's dialect (`adapter.dialect`): what its SQL can express. */
  readonly dialect: Dialect
  /** A fresh, isolated (empty) database per suite run, reached through the adapter under test. */
  createEngine(): Promise<AsyncEngine>
  /** Requests (round trips) the remote has served so far, for adapters behind a counting server. */
  requestCount?(): number
  /** Stops servers and removes what `createEngine` made. */
  dispose?(): Promise<void>
  /** Strings that must never appear in an error (the password in the URL, tokens). */
  readonly secrets?: readonly string[]
  /**
   * An engine whose remote cannot be reached (a closed port), with the same credentials: checks
   * that a transport failure is an OperationalError and leaks no secret. Optional.
   */
  createUnreachableEngine?(): Promise<AsyncEngine>
  /**
   * What the unreachable engine meets: a closed port (`'refused'`: provably nothing sent), a
   * connection lost with no answer (`'lost'`), or a local file that cannot be opened (`'no-file'`).
   */
  readonly unreachable?: 'refused' | 'lost' | 'no-file'
  /**
   * An engine whose login the remote refuses (a wrong token or password, an unknown user),
   * `secret` the wrong credential (never to appear anywhere), `source` the words the error must
   * use for where it came from (e.g. "the authToken option of libsql()"). Optional.
   */
  readonly wrongCredentials?: {
    readonly secret: string
    readonly source: string
    createEngine(): Promise<AsyncEngine>
  }
  /**
   * Makes the next request to the remote fail as a lost connection does (the servers' `network`
   * fault; a dropped socket for WebSocket adapters). Optional.
   */
  injectNetworkFault?(): void | Promise<void>
  /**
   * Transactions the remote holds open right now (Hrana baton streams, pinned PlanetScale
   * sessions, PostgreSQL sessions idle in a transaction). Optional; checked at the end of the run.
   */
  openTransactions?(): number | Promise<number>
  /** Whether the database enforces foreign keys (default true; SQLite needs `PRAGMA foreign_keys`). */
  readonly enforcesForeignKeys?: boolean
  /**
   * Fault injection at the remote's local server, request by request (the reliability suite).
   * Optional.
   */
  readonly faults?: FaultInjection
  /**
   * A second engine on the same database (SQLite: to prove no write lock is left held). Optional;
   * closed by the suite.
   */
  createSecondEngine?(): Promise<AsyncEngine>
}

/** How the reliability suite makes one request of the remote fail. */
export interface FaultInjection {
  /**
   * The server's fault kinds that fail one request, each with whether the request ran in the
   * database before the failure (`ran: true`: the reply was lost after it committed).
   */
  readonly kinds: readonly { readonly kind: string; readonly ran: boolean }[]
  /** The kind whose request is never answered (timeouts), if the server has one. */
  readonly stall?: string
  /** Makes the request `after` requests from now fail with `kind`. */
  inject(kind: string, after: number): void
  /** Requests counted so far, in the unit `after` counts (HTTP requests, WebSocket messages). */
  count(): number
}

/** What a case may require of the adapter. */
export type Requirement =
  | 'interactiveTransactions'
  /** The opposite: cases checking how a batch-only adapter refuses a transaction. */
  | 'batchOnly'
  | 'savepoints'
  | 'noSavepoints'
  | 'returning'
  | 'noReturning'
  | 'streaming'
  | 'pagedStreaming'
  | 'requestCount'
  | 'oneRoundTripBatch'
  | 'foreignKeys'
  | 'unreachableEngine'
  | 'networkFaults'
  | 'transactionCount'
  /** `rowsAffected` of an UPDATE counts matched rows (`capabilities.updateRowCount`). */
  | 'matchedRowCount'
  /** The dialect builds JSON arrays in SQL (the ORM's `jsonload`). */
  | 'jsonAggregation'
  /** The configuration can fail a chosen request (`config.faults`). */
  | 'faults'
  /** The configuration can leave a request unanswered (`config.faults.stall`). */
  | 'stalls'
  /** The configuration opens a second engine on the same database. */
  | 'secondEngine'
  /** Its unreachable engine meets a closed port (`config.unreachable === 'refused'`). */
  | 'refusedConnection'
  /** Its unreachable engine loses the connection or cannot open a file (not a closed port). */
  | 'unrefusedUnreachable'
  /** The remote checks a login (`config.wrongCredentials`). */
  | 'wrongCredentials'
  /** Row locks held by concurrent transactions (PostgreSQL, MySQL; SQLite has one writer). */
  | 'rowLocks'
  /** SQL can raise an error with a chosen SQLSTATE (PostgreSQL `RAISE`, MySQL `SIGNAL`; not SQLite). */
  | 'raisesSqlstate'

/** Options of one case. */
export interface CaseOptions {
  readonly requires?: readonly Requirement[]
  /** A longer timeout for slow cases (ms). */
  readonly timeout?: number
}

/** Registers one case. */
export interface DefineCase {
  (name: string, fn: () => Promise<void>): void
  (name: string, options: CaseOptions, fn: () => Promise<void>): void
}

/** What each topic gets: the runner's API, the case helper and the shared state. */
export interface Topic {
  readonly api: TestApi
  readonly expect: Expect
  readonly test: DefineCase
  readonly config: ConformanceConfig
  /** The engine of this suite run (available inside cases and hooks). */
  readonly engine: AsyncEngine
  /** A fresh integer for keys, so cases never collide. */
  nextId(): number
  /** Requests served so far, or undefined when the configuration does not count them. */
  requests(): number | undefined
}
