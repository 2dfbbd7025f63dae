/** How the libSQL adapter hands out its write turn and reads SQL as a read or a write. */
import { describe, expect, it } from 'vitest'
import { bySignal, onlyReads, WaitCancelled, WriteTurn } from '../../adapters/libsql/waits.js'

const never = bySignal(undefined)
const tick = () => new Promise((r) => setTimeout(r, 0))

describe('libsql waits', () => {
  it('reads are SELECT, VALUES, and WITH or EXPLAIN naming no write; anything else is a write', () => {
    for (const sql of [
      'SELECT 1',
      '  select * from t',
      '/* c */ SELECT 1',
      'VALUES (1)',
      'WITH x AS (SELECT 1) SELECT * FROM x',
    ])
      expect(onlyReads(sql)).toBe(true)
    for (const sql of [
      'INSERT INTO t VALUES (1)',
      'UPDATE t SET a = 1 RETURNING a',
      'WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x',
      'PRAGMA foreign_keys = ON',
      'SAVEPOINT sa_1',
      'CREATE TABLE t (a)',
      '',
    ])
      expect(onlyReads(sql)).toBe(false)
  })

  it('transactions take the turn in the order they came; a commit counts', async () => {
    const turn = new WriteTurn()
    const [a, b, c] = [{}, {}, {}]
    await turn.take(a, never, 1_000, () => undefined)
    const order: string[] = []
    const pb = turn.take(b, never, 1_000, () => undefined).then(() => order.push('b'))
    const pc = turn.take(c, never, 1_000, () => undefined).then(() => order.push('c'))
    await tick()
    expect(order).toEqual([])
    turn.release(a, true)
    await pb
    expect(turn.heldBy(b)).toBe(true)
    turn.release(b, false)
    await pc
    expect(order).toEqual(['b', 'c'])
    expect(turn.commits).toBe(1)
  })

  it('writes outside transactions run together, wait for a transaction, or are refused when they may not wait', async () => {
    const turn = new WriteTurn()
    await turn.enterShared(never, 1_000, false)
    await turn.enterShared(never, 1_000, false)
    const tx = {}
    const taking = turn.take(tx, never, 1_000, () => undefined)
    await tick()
    expect(turn.heldBy(tx)).toBe(false)
    turn.leaveShared(true)
    turn.leaveShared(true)
    await taking
    expect(turn.heldBy(tx)).toBe(true)
    await expect(turn.enterShared(never, 1_000, false)).rejects.toMatchObject({ code: 'SQLITE_BUSY' })
    const waiting = turn.enterShared(never, 1_000, true)
    turn.release(tx, true)
    await waiting
    turn.leaveShared(false)
    expect(turn.commits).toBe(3)
  })

  it('a wait ends when it is cancelled (its transaction ends, its signal aborts), and after its time limit', async () => {
    const turn = new WriteTurn()
    await turn.take({}, never, 1_000, () => undefined)
    const controller = new AbortController()
    const waiting = turn.take({}, bySignal(controller.signal), 1_000, () => undefined)
    controller.abort(new WaitCancelled('ended'))
    await expect(waiting).rejects.toBeInstanceOf(WaitCancelled)
    const t0 = Date.now()
    await expect(turn.take({}, never, 50, () => undefined)).rejects.toMatchObject({ code: 'SQLITE_BUSY' })
    expect(Date.now() - t0).toBeLessThan(1_000)
  })

  it('a stale snapshot is refused before waiting', async () => {
    const turn = new WriteTurn()
    await turn.take({}, never, 1_000, () => undefined)
    await expect(
      turn.take({}, never, 1_000, () => {
        throw new Error('stale')
      }),
    ).rejects.toThrow('stale')
  })
})
