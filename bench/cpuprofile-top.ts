/**
 * Prints the functions with the most self time in a `.cpuprofile` (from `node --cpu-prof`):
 * `npx tsx bench/cpuprofile-top.ts .tmp/prof/*.cpuprofile [count]`. Given several files (tsx's
 * loader thread writes one too), it reads the one with the most samples: the main thread.
 * @module
 */
import { readFileSync } from 'node:fs'

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string } }[]
  samples: number[]
  timeDeltas: number[]
}
const args = process.argv.slice(2)
const count = args.find((a) => /^\d+$/.test(a)) ?? '25'
const files = args.filter((a) => !/^\d+$/.test(a))
if (files.length === 0) throw new Error('usage: cpuprofile-top.ts <file.cpuprofile>... [count]')
const p = files
  .map((f) => JSON.parse(readFileSync(f, 'utf8')) as Profile)
  .sort((a, b) => b.samples.length - a.samples.length)[0]!
const byId = new Map(p.nodes.map((n) => [n.id, n]))
const self = new Map<string, number>()
let total = 0
p.samples.forEach((id, i) => {
  const f = byId.get(id)!.callFrame
  const key = `${f.functionName || '(anonymous)'}  ${f.url.split('/').slice(-2).join('/')}`
  const dt = p.timeDeltas[i] ?? 0
  self.set(key, (self.get(key) ?? 0) + dt)
  total += dt
})
for (const [k, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(count)))
  console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`)
