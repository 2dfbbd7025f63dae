// `npm start`: the example Worker (edge-examples/cloudflare) on a local D1 database, offline.
//
// 1. builds the package (dist/) when it is missing or older than its sources (the examples import
//    `edgealchemy` through package.json "exports", as an installed package);
// 2. applies migrations/ to the local D1 (`wrangler d1 migrations apply DB --local`);
// 3. seeds a little data (`wrangler d1 execute DB --local --file edge-examples/seed.sql`,
//    INSERT OR IGNORE: a second run changes nothing);
// 4. runs `wrangler dev --local --ip 127.0.0.1 --port $PORT` (default 8787), waits until it
//    answers, and prints the URL with three curl commands.
//
// Ctrl-C (or SIGTERM) stops wrangler and its workerd: they run in their own process group,
// which is killed as a whole. No Cloudflare account and no network are needed:
// WRANGLER_SEND_METRICS=false (no telemetry), CLOUDFLARE_CF_FETCH_ENABLED=false (miniflare's
// placeholder `Request.cf` instead of fetching workers.cloudflare.com/cf.json, which offline
// prints a harmless "Unable to fetch the Request.cf object" warning), CI=1 (no prompts, no hotkeys).
// Wrangler's update check asks the npm registry; offline it gives up silently.
//
// Environment: PORT (default 8787); PERSIST_TO, a directory for the local D1 state instead of
// .wrangler/state (wrangler's --persist-to); SKIP_BUILD=1 uses dist/ as it is.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const port = Number(process.env.PORT || 8787)
const host = '127.0.0.1'
const persist = process.env.PERSIST_TO ? ['--persist-to', process.env.PERSIST_TO] : []
const wranglerBin = join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js')
const childEnv = {
  ...process.env,
  CI: '1',
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
}
const t0 = performance.now()
const seconds = (from) => `${((performance.now() - from) / 1000).toFixed(1)} s`

function fail(message, output = '') {
  if (output) process.stderr.write(`${output.trimEnd()}\n`)
  console.error(`npm start: ${message}`)
  process.exit(1)
}

// ---- 1. the build -----------------------------------------------------------------------------

/** Newest modification time (ms) of the files under `path`, or of `path` itself. */
function newest(path) {
  const s = statSync(path)
  if (!s.isDirectory()) return s.mtimeMs
  let m = 0
  for (const entry of readdirSync(path)) m = Math.max(m, newest(join(path, entry)))
  return m
}

/** Why dist/ needs building, or undefined when it is current. */
function buildReason() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const outputs = Object.values(pkg.exports)
    .filter((e) => typeof e === 'object')
    .flatMap((e) => [e.default, e.types])
    .map((p) => join(root, p))
  const missing = outputs.find((p) => !existsSync(p))
  if (missing) return `${missing.slice(root.length)} is missing`
  const built = Math.min(...outputs.map((p) => statSync(p).mtimeMs))
  const sources = [
    'core',
    'adapters',
    'integrations',
    'testing',
    'package.json',
    'tsconfig.json',
    'tsconfig.build.json',
    'tsconfig.build-node.json',
  ]
  const changed = Math.max(...sources.map((p) => newest(join(root, p))))
  return changed > built ? 'the sources changed since the last build' : undefined
}

if (process.env.SKIP_BUILD !== '1') {
  const reason = buildReason()
  if (reason !== undefined) {
    console.log(`building the package (${reason}): npm run build`)
    const b = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' })
    if (b.status !== 0) fail('npm run build failed')
  }
}

// ---- 2. and 3. the local D1: migrations, then the seed ------------------------------------------

function wrangler(args, what) {
  const t = performance.now()
  const r = spawnSync(process.execPath, [wranglerBin, ...args, ...persist], {
    cwd: root,
    env: childEnv,
    encoding: 'utf8',
  })
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`
  if (r.status !== 0) fail(`${what} failed: wrangler ${args.join(' ')}`, output)
  return { output, took: seconds(t) }
}

const freePort = await new Promise((resolve) => {
  const s = createServer()
  s.once('error', () => resolve(false))
  s.listen(port, host, () => s.close(() => resolve(true)))
})
if (!freePort) fail(`port ${port} is in use; choose another: PORT=${port + 1} npm start`)

const migrated = wrangler(['d1', 'migrations', 'apply', 'DB', '--local'], 'applying the migrations')
const applied = /No migrations to apply/i.test(migrated.output)
  ? 'none to apply'
  : [...new Set(migrated.output.match(/\d{4}_[\w-]+\.sql/g) ?? [])].join(', ')
console.log(`migrations (wrangler d1 migrations apply DB --local): ${applied} [${migrated.took}]`)
const seeded = wrangler(['d1', 'execute', 'DB', '--local', '--file', 'edge-examples/seed.sql'], 'seeding')
console.log(`seed (wrangler d1 execute DB --local --file edge-examples/seed.sql): done [${seeded.took}]`)

// ---- 4. wrangler dev ------------------------------------------------------------------------------

const tDev = performance.now()
const dev = spawn(
  process.execPath,
  [wranglerBin, 'dev', '--local', '--ip', host, '--port', String(port), ...persist],
  {
    cwd: root,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: stop() kills wrangler and workerd together
  },
)
dev.stdout.pipe(process.stdout)
dev.stderr.pipe(process.stderr)

let stopping = false
function stop(signal) {
  if (stopping) return
  stopping = true
  try {
    process.kill(-dev.pid, 'SIGTERM')
  } catch {
    // already gone
  }
  const hard = setTimeout(() => {
    try {
      process.kill(-dev.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }, 5_000)
  hard.unref()
  dev.once('exit', () => process.exit(signal === 'SIGINT' ? 130 : 143))
  if (dev.exitCode !== null || dev.signalCode !== null) process.exit(signal === 'SIGINT' ? 130 : 143)
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(signal))
dev.on('exit', (code, signal) => {
  if (stopping) return
  console.error(`wrangler dev exited (${signal ?? `code ${code}`})`)
  process.exit(code || 1)
})

const url = `http://${host}:${port}`
const deadline = Date.now() + 90_000
for (;;) {
  try {
    const res = await fetch(`${url}/`, { signal: AbortSignal.timeout(2_000) })
    await res.arrayBuffer()
    if (res.ok) break
  } catch {
    // not listening yet
  }
  if (stopping) await new Promise(() => {})
  if (Date.now() > deadline) {
    stop('SIGTERM')
    fail('wrangler dev did not answer within 90 s')
  }
  await new Promise((r) => setTimeout(r, 100))
}

const ada = 'a0000000-0000-4000-8000-000000000001'
const post = JSON.stringify({ authorId: ada, title: 'Hello from curl', tags: ['edge'] })
console.log(`
The example API runs on a local D1 database (wrangler dev; first answer ${seconds(tDev)} after starting it, ${seconds(t0)} in all):

  ${url}

  curl ${url}/authors
  curl ${url}/authors/${ada}
  curl -X POST ${url}/posts -H 'content-type: application/json' -d '${post}'

The routes are listed at ${url}/ (README: "The two commands"). Ctrl-C stops it.
`)
