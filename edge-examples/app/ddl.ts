/**
 * The app's schema as a migration file: `createAllDdl(metadata, sqlite)`, one statement after
 * another. migrations/0001_init.sql is this text (written by `npm run examples:migration`,
 * compared by test/examples/migrations.test.ts), applied on D1 by `wrangler d1 migrations apply`.
 */
import { createAllDdl, type Dialect, sqlite } from 'edgealchemy'
import { metadata } from './models.ts'

export function schemaSql(dialect: Dialect = sqlite): string {
  const header =
    '-- The schema of edge-examples/app/models.ts, written by `npm run examples:migration`\n' +
    '-- (createAllDdl(metadata, sqlite)). Do not edit: change the models and write it again.\n\n'
  return `${header}${createAllDdl(metadata, dialect).join(';\n\n')};\n`
}
