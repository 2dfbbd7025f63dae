/**
 * The Cloudflare Workers entry (modules syntax): the shared app, over the D1 binding `DB` of
 * wrangler.toml by default, or another adapter named by `DATABASE_ADAPTER` / `DATABASE_URL`
 * (secrets or `.dev.vars`). `npm start` serves it with `wrangler dev --local`.
 */
import { createApp } from '../app/index.ts'

export default createApp()
