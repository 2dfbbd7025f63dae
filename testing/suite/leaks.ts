/** Runs last: whatever the cases did, the remote holds no transaction the engine forgot. */
import type { Topic } from './types.js'

export function leaksTopic(s: Topic): void {
  const { test, expect } = s
  test('no transaction is left open on the remote', {
    requires: ['transactionCount'],
    timeout: 60_000,
  }, async () => {
    // Transactions abandoned on purpose (lost connections) expire on the remote (the runners set
    // short expiries); wait a little for that, not so long that a real leak would expire too.
    const deadline = Date.now() + 5_000
    let open = await s.config.openTransactions!()
    while (open > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      open = await s.config.openTransactions!()
    }
    expect(open).toBe(0)
  })
}
