// The main job until the edge examples exist: a short tour on embedded libSQL.
import { createClient } from '@libsql/client'
import { text } from '../core/index.js'

const client = createClient({ url: ':memory:' })
const stmt = text('SELECT :greeting AS greeting').bindparams({ greeting: 'hello from edgealchemy' })
const sql = stmt.parts.map((p) => (typeof p === 'string' ? p : '?')).join('')
console.log(sql)
const rs = await client.execute({ sql, args: ['hello from edgealchemy'] })
console.log(rs.rows)
client.close()
