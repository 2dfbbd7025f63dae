import type { Reporter, TestCase, TestModule } from 'vitest/node'

interface Counts {
  passed: number
  failed: number
  skipped: number
}

/** The name of the outermost `describe` around a test, or undefined for a top-level test. */
function topLevelSuite(test: TestCase): string | undefined {
  let name: string | undefined
  for (let node = test.parent; node.type === 'suite'; node = node.parent) name = node.name
  return name
}

/** The groups CI reports one line for, by the outermost describe's first word. */
const groupPrefixes = ['conformance ', 'reliability ', 'runtime ', 'migrations ']

function format(c: Counts): string {
  return `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`
}

/**
 * Prints one line per group and configuration, `<group> <name>: P passed, F failed, S skipped`
 * (groups: conformance, reliability, runtime, migrations; by the outermost describe name), then one closing line,
 * `tests: N passed, N failed, N skipped`, that CI tooling can read.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const total: Counts = { passed: 0, failed: 0, skipped: 0 }
    const groups = new Map<string, Counts>()
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state
        const key: keyof Counts = state === 'passed' ? 'passed' : state === 'failed' ? 'failed' : 'skipped'
        total[key]++
        const suite = topLevelSuite(test)
        if (suite === undefined || !groupPrefixes.some((p) => suite.startsWith(p))) continue
        let group = groups.get(suite)
        if (group === undefined) groups.set(suite, (group = { passed: 0, failed: 0, skipped: 0 }))
        group[key]++
      }
    }
    let out = '\n'
    for (const [name, counts] of [...groups].sort(([a], [b]) => a.localeCompare(b)))
      out += `${name}: ${format(counts)}\n`
    out += `tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`
    process.stdout.write(out)
  }
}
