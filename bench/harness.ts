/**
 * Timing: warm-up, then rounds that interleave the cases of a group (the order rotates each
 * round, so background load hits every case alike). Each case gets the median time per op over
 * the rounds and its ratio to the group's baseline (the first case): the median of the per-round
 * ratios, each taken against the baseline's sample of the same round, which cancels load that
 * drifts slower than a round. The quartiles of those ratios show how far to trust them.
 * @module
 */

/** One benchmarked operation. */
export interface Case {
  readonly name: string
  /** Runs op number `i` (cases vary parameters by `i`). */
  readonly run: (i: number) => Promise<unknown>
  /** A reference row, not a peer (the driver's floor, another client setting): marked `(ref)`. */
  readonly reference?: boolean
}

/** A set of cases measured together against its first case. */
export interface Group {
  readonly title: string
  readonly cases: readonly Case[]
  /** Ops per case in each round. */
  readonly opsPerRound: number
  readonly warmupOps: number
  readonly rounds: number
}

/** The figures of one case. */
export interface Figure {
  readonly name: string
  readonly reference: boolean
  /** Median µs per op. */
  readonly median: number
  /** Median of the per-round ratios to the baseline. */
  readonly ratio: number
  /** Quartiles of the per-round ratios. */
  readonly ratioQ1: number
  readonly ratioQ3: number
}

const gc = (globalThis as { gc?: () => void }).gc

/** The q-quantile (0..1) by linear interpolation. */
function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  const pos = (s.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo)
}
const median = (xs: readonly number[]) => quantile(xs, 0.5)

let opCounter = 0
async function timeOps(c: Case, n: number): Promise<number> {
  gc?.()
  const start = process.hrtime.bigint()
  for (let k = 0; k < n; k++) await c.run(opCounter++)
  return Number(process.hrtime.bigint() - start) / 1000 / n
}

/** Runs a group and returns one figure per case. */
export async function runGroup(g: Group): Promise<Figure[]> {
  for (const c of g.cases) await timeOps(c, g.warmupOps)
  const samples = g.cases.map(() => [] as number[])
  for (let r = 0; r < g.rounds; r++) {
    for (let k = 0; k < g.cases.length; k++) {
      const idx = (k + r) % g.cases.length
      samples[idx]!.push(await timeOps(g.cases[idx]!, g.opsPerRound))
    }
  }
  const base = samples[0]!
  return g.cases.map((c, i) => {
    const s = samples[i]!
    const ratios = s.map((x, r) => x / base[r]!)
    return {
      name: c.name,
      reference: c.reference === true,
      median: median(s),
      ratio: median(ratios),
      ratioQ1: quantile(ratios, 0.25),
      ratioQ3: quantile(ratios, 0.75),
    }
  })
}

function fmtTime(us: number): string {
  if (us >= 10_000) return `${(us / 1000).toFixed(1)} ms`
  if (us >= 1000) return `${(us / 1000).toFixed(2)} ms`
  return `${us.toFixed(1)} µs`
}

/** A Markdown table of a group's figures. */
export function formatTable(g: Group, figures: readonly Figure[]): string {
  const header = ['case', 'median / op', 'vs raw', 'ratio p25 … p75']
  const rows = figures.map((f) => [
    f.reference ? `${f.name} (ref)` : f.name,
    fmtTime(f.median),
    `${f.ratio.toFixed(2)}x`,
    `${f.ratioQ1.toFixed(2)} … ${f.ratioQ3.toFixed(2)}`,
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`
  const sep = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`
  return [
    `### ${g.title}`,
    `(${g.rounds} rounds x ${g.opsPerRound} ops, after ${g.warmupOps} warm-up ops per case)`,
    '',
    line(header),
    sep,
    ...rows.map(line),
  ].join('\n')
}
