/**
 * Where an adapter that holds sockets gets its connections: the {@link ConnectionSource} a pool
 * or a driver's own pool implements, and the {@link Connector} that opens and closes them.
 * @module
 */

/** A place connections come from and go back to. */
export interface ConnectionSource<C> {
  acquire(signal?: AbortSignal): Promise<C>
  /**
   * Gives a connection back; `broken` ones (transport failure, unknown state) are closed.
   * Resolves once its socket is free for another caller: at once, or (under a `SocketLimit`)
   * when a closed connection's socket has closed, at most a grace period later.
   */
  release(conn: C, broken: boolean): Promise<void>
  /** Closes idle connections now. */
  closeIdle(): Promise<void>
  /** Closes the source: idle connections now, checked-out ones on release, or now when `force`. */
  close(force: boolean): Promise<void>
}

/** How connections are opened and closed. */
export interface Connector<C> {
  open(): Promise<C>
  close(conn: C): Promise<void>
  /** False for a connection that can no longer be used (its socket failed while idle). */
  usable?(conn: C): boolean
}
