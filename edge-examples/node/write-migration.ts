/** Writes migrations/0001_init.sql from the app's MetaData: `npm run examples:migration`. */
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { schemaSql } from '../app/ddl.ts'

const file = fileURLToPath(new URL('../../migrations/0001_init.sql', import.meta.url))
writeFileSync(file, schemaSql())
console.log(`wrote ${file}`)
