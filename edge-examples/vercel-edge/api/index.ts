/**
 * The Vercel Edge Function: the shared app as one function that answers every path
 * (vercel.json rewrites `/(.*)` to `/api`). Vercel gives an edge function its project's
 * environment variables as `process.env` at run time; an edge function has no `file:` database,
 * so DATABASE_URL must name a remote one (libsql://, https://, postgresql:// with neon-http,
 * mysql:// with planetscale).
 *
 * Locally, `node edge-examples/vercel-edge/dev.mjs` bundles this file and serves it in Vercel's
 * edge runtime (the `edge-runtime` package), with `process.env` passed in.
 */
import { createApp, type Env } from '../../app/index.ts'
import { envFromProcess } from '../../node/env.ts'

export const config = { runtime: 'edge' }

const app = createApp()
let env: Env | undefined

export default function handler(request: Request): Response | Promise<Response> {
  // read on the first request (the variables are there from the start; this keeps module
  // evaluation free of configuration, as in the Worker)
  env ??= envFromProcess(process.env)
  return app.fetch(request, env)
}
