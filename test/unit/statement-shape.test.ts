/**
 * The engine tells adapters whether a statement returns rows and what it writes, from the
 * compiled statement (`Statement.returnsRows`, `writes`); for `text()` it cannot tell.
 */
import { describe, expect, it } from 'vitest'
import {
  type Adapter,
  Column,
  createAsyncEngine,
  delete_,
  insert,
  MetaData,
  type Statement,
  select,
  sqlite,
  Table,
  t,
  text,
  union,
  update,
} from '../../core/index.js'

const metadata = new MetaData()
const items = new Table('items', metadata, {
  id: new Column(t.Integer, { primaryKey: true }),
  name: new Column(t.Text),
})

/** An adapter that records what it is sent and answers with no rows. */
function recording(sent: Statement[]): Adapter {
  return {
    name: 'recording',
    dialect: sqlite,
    capabilities: {
      interactiveTransactions: false,
      atomicBatch: true,
      batchRoundTrips: 'one',
      savepoints: false,
      maxParams: 999,
      streaming: 'none',
    },
    async execute(stmt) {
      sent.push(stmt)
      return { columns: [], rows: [], rowsAffected: 0 }
    },
    async batch(stmts) {
      sent.push(...stmts)
      return stmts.map(() => ({ columns: [], rows: [], rowsAffected: 0 }))
    },
    errorInfo: (err) => ({ message: String(err) }),
    async close() {},
  }
}

const shape = (s: Statement) => ({ returnsRows: s.returnsRows, writes: s.writes })

describe('statement shape', () => {
  it('says which statements return rows and which write', async () => {
    const sent: Statement[] = []
    const engine = createAsyncEngine(recording(sent))
    await engine.execute(select(items))
    await engine.execute(union(select(items.c.id), select(items.c.id)))
    await engine.execute(insert(items).values({ id: 1, name: 'a' }))
    await engine.execute(insert(items).values({ id: 2, name: 'b' }).returning(items.c.id))
    await engine.execute(update(items).values({ name: 'c' }).where(items.c.id.eq(1)))
    await engine.execute(delete_(items).where(items.c.id.eq(1)).returning(items.c.name))
    await engine.execute(text('SELECT 1'))
    expect(sent.map(shape)).toEqual([
      { returnsRows: true, writes: false },
      { returnsRows: true, writes: false },
      { returnsRows: false, writes: 'insert' },
      { returnsRows: true, writes: 'insert' },
      { returnsRows: false, writes: 'update' },
      { returnsRows: true, writes: 'delete' },
      { returnsRows: undefined, writes: undefined },
    ])
  })

  it('an executemany and a batch carry the shape of each statement', async () => {
    const sent: Statement[] = []
    const engine = createAsyncEngine(recording(sent))
    await engine.execute(insert(items), [
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ])
    await engine.batch([select(items), update(items).values({ name: 'x' })])
    expect(sent.map(shape)).toEqual([
      { returnsRows: false, writes: 'insert' },
      { returnsRows: false, writes: 'insert' },
      { returnsRows: true, writes: false },
      { returnsRows: false, writes: 'update' },
    ])
  })
})
