/**
 * Counting and fault injection for every local server: each request (a round trip) passes one
 * gate, which counts it and hands it the next injected fault. The servers' `requests`,
 * `resetCount()` and `injectFault(kind, times?, after?)` are this gate's.
 * @module
 */
import type { FaultEffect } from './fault-effect.js'

/** How a server's fault kinds act: each kind's effect on the request it hits, or an action at once. */
export interface FaultPlan<Kind extends string, Answer> {
  /** Kinds that hit a request: the effect on the `after`+1-th request from now. */
  readonly effects: { readonly [K in Kind]?: FaultEffect<Answer> }
  /** Kinds that act when injected (expire every stream, end every session), hitting no request. */
  readonly now?: { readonly [K in Kind]?: () => void }
}

/** Counts requests and queues the faults injected into the next ones. */
export class RequestGate<Kind extends string, Answer> {
  #count = 0
  /** One entry per coming request: its fault's kind, or `undefined` for a request left alone. */
  #queue: (Kind | undefined)[] = []
  readonly #plan: FaultPlan<Kind, Answer>

  constructor(plan: FaultPlan<Kind, Answer>) {
    this.#plan = plan
  }

  /** Requests counted since start or the last {@link resetCount}. */
  get count(): number {
    return this.#count
  }

  resetCount(): void {
    this.#count = 0
  }

  /**
   * Makes the `times` requests that come after the next `after` ones fail with `kind`; a kind of
   * the plan's `now` acts at once instead.
   */
  inject(kind: Kind, times = 1, after = 0): void {
    const now = this.#plan.now?.[kind]
    if (now !== undefined) return now()
    if (this.#plan.effects[kind] === undefined) throw new TypeError(`unknown fault kind: ${kind}`)
    for (let i = 0; i < after; i++) this.#queue.push(undefined)
    for (let i = 0; i < times; i++) this.#queue.push(kind)
  }

  /** Forgets every fault not yet applied (on close, or before a fault that replaces them). */
  clear(): void {
    this.#queue = []
  }

  /** Counts one request and returns the effect of its fault (`undefined`: none). */
  arrive(): FaultEffect<Answer> | undefined {
    this.#count++
    return this.take()
  }

  /** The effect of the next request's fault, without counting it (a server that counts apart). */
  take(): FaultEffect<Answer> | undefined {
    const kind = this.#queue.shift()
    return kind === undefined ? undefined : this.#plan.effects[kind]
  }

  /** Counts one request whose fault was already taken. */
  countOne(): void {
    this.#count++
  }
}
