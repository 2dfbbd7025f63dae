/**
 * The flush planner through its seam: objects put in a state (new, changed, deleted) without a
 * session or a database, `planFlush` called on their states, the plan asserted (rows per table
 * in order, foreign keys synced, post-updates, association rows, dereferences).
 */
import { describe, expect, it } from 'vitest'
import { FlushError } from '../../core/errors.js'
import { Column, ForeignKey, Table, t } from '../../core/index.js'
import { DeclarativeBase, mappedColumn, type Relationship, relationship } from '../../core/orm/index.js'
import type { RowOp } from '../../core/orm/row-ops.js'
import { type InstanceState, stateOf } from '../../core/orm/state.js'
import { type FlushPlan, planFlush } from '../../core/orm/unit-of-work.js'

class Base extends DeclarativeBase {}

class Author extends Base.mapped('fp_authors', {
  id: mappedColumn(t.Integer, { primaryKey: true }),
  name: mappedColumn(t.String(20)),
}) {
  declare books: Book[]
  declare notes: Note[]
  declare awards: Award[]
  static books: Relationship<Book> = relationship(() => Book, { backPopulates: 'author' })
  static notes: Relationship<Note> = relationship(() => Note, { cascade: 'all, delete-orphan' })
  static awards: Relationship<Award> = relationship(() => Award, { passiveDeletes: true })
}
class Book extends Base.mapped('fp_books', {
  id: mappedColumn(t.Integer, { primaryKey: true }),
  authorId: mappedColumn(t.Integer, { foreignKey: new ForeignKey(() => Author.c.id) }),
  title: mappedColumn(t.String(20)),
}) {
  declare author: Author | null
  declare tags: Label[]
  static author: Relationship<Author> = relationship(() => Author, { backPopulates: 'books' })
  static tags: Relationship<Label> = relationship(() => Label, { secondary: () => bookLabels })
}
/** NOT NULL key to its author, removed with delete-orphan. */
class Note extends Base.mapped('fp_notes', {
  id: mappedColumn(t.Integer, { primaryKey: true }),
  authorId: mappedColumn(t.Integer, { nullable: false, foreignKey: new ForeignKey(() => Author.c.id) }),
}) {}
/** The database deletes or nulls these (passive deletes). */
class Award extends Base.mapped('fp_awards', {
  id: mappedColumn(t.Integer, { primaryKey: true }),
  authorId: mappedColumn(t.Integer, { foreignKey: new ForeignKey(() => Author.c.id) }),
}) {}
class Label extends Base.mapped('fp_labels', {
  id: mappedColumn(t.Integer, { primaryKey: true }),
  name: mappedColumn(t.String(20)),
}) {}
const bookLabels = new Table('fp_book_labels', Base.metadata, {
  bookId: new Column(t.Integer, { primaryKey: true, foreignKey: new ForeignKey(() => Book.c.id) }),
  labelId: new Column(t.Integer, { primaryKey: true, foreignKey: new ForeignKey(() => Label.c.id) }),
})

/** Rows that refer to each other: a club's captain is one of its members (both keys nullable). */
class Club extends Base.mapped('fp_clubs', {
  id: mappedColumn(t.Integer, { primaryKey: true }),
  captainId: mappedColumn(t.Integer, { foreignKey: new ForeignKey((): Column<any, any> => Member.c.id) }),
}) {
  declare members: Member[]
  declare captain: Member | null
  static members: Relationship<Member> = relationship(() => Member, {
    backPopulates: 'club',
    foreignKeys: () => [Member.c.clubId],
  })
  static captain: Relationship<Member> = relationship(() => Member, { foreignKeys: () => [Club.c.captainId] })
}
class Member extends Base.mapped('fp_members', {
  id: mappedColumn(t.Integer, { primaryKey: true }),
  clubId: mappedColumn(t.Integer, { foreignKey: new ForeignKey(() => Club.c.id) }),
}) {
  declare club: Club | null
  static club: Relationship<Club> = relationship(() => Club, {
    backPopulates: 'members',
    foreignKeys: () => [Member.c.clubId],
  })
}

const state = (obj: object): InstanceState => stateOf(obj)!

/** Marks `obj` as loaded from its row (persistent, as after a query): its values and loaded relationships become its history. */
function loaded<T extends object>(obj: T): T {
  const s = state(obj)
  const pk = s.mapper.pkKeys.map((k) => s.dict[k])
  s.key = s.mapper.identityKey(pk)
  s.identity = pk
  s.commitAll()
  return obj
}

/** The plan of a flush of these objects. */
function plan(objects: { pending?: object[]; persistent?: object[]; deleted?: object[] }): FlushPlan {
  return planFlush({
    pending: (objects.pending ?? []).map(state),
    persistent: (objects.persistent ?? []).map(state),
    deleted: (objects.deleted ?? []).map(state),
  })
}

/** The saves as table names with the number of rows of each group. */
const savedTables = (p: FlushPlan) =>
  p.saves.map((group) => `${group[0]!.mapper.table.name} x${group.length}`)
const opOf = (p: FlushPlan, obj: object): RowOp => p.saves.flat().find((op) => op.state === state(obj))!

describe('flush planner: saves', () => {
  it('inserts parents before children, one group per table', () => {
    const author = new Author({ name: 'Ann' })
    const books = [new Book({ title: 'a' }), new Book({ title: 'b' })]
    author.books.push(...books)
    const p = plan({ pending: [...books, author] })
    expect(savedTables(p)).toEqual(['fp_authors x1', 'fp_books x2'])
    expect(p.saves.flat().map((op) => op.kind)).toEqual(['insert', 'insert', 'insert'])
  })

  it("a child of a parent inserted now takes its key from the parent's INSERT", () => {
    const author = new Author({ name: 'Ann' })
    const book = new Book({ title: 'a' })
    author.books.push(book)
    const p = plan({ pending: [author, book] })
    const authorOp = opOf(p, author)
    expect(opOf(p, book).syncs.get('authorId')).toEqual({ from: authorOp, column: 'id' })
    expect([...opOf(p, book).deps]).toEqual([authorOp])
  })

  it("a child added to a persistent parent gets the parent's key as a value; the parent is not written", () => {
    const author = loaded(new Author({ id: 1, name: 'Ann', books: [] }))
    const book = new Book({ title: 'a' })
    author.books.push(book)
    const p = plan({ pending: [book], persistent: [author] })
    expect(savedTables(p)).toEqual(['fp_books x1'])
    expect(opOf(p, book).syncs.get('authorId')).toEqual({ value: 1 })
    expect(opOf(p, book).deps.size).toBe(0)
  })

  it('a persistent child given a new parent is updated after the parent is inserted', () => {
    const book = loaded(new Book({ id: 10, authorId: null, title: 'a' }))
    const author = new Author({ name: 'Ann' })
    book.author = author
    const p = plan({ pending: [author], persistent: [book] })
    expect(savedTables(p)).toEqual(['fp_authors x1', 'fp_books x1'])
    expect(opOf(p, book).kind).toBe('update')
    expect(opOf(p, book).syncs.get('authorId')).toEqual({ from: opOf(p, author), column: 'id' })
  })

  it('a child removed from its collection is updated with its key set to NULL', () => {
    const book = new Book({ id: 10, authorId: 1, title: 'a' })
    const author = loaded(new Author({ id: 1, name: 'Ann', books: [book] }))
    loaded(book)
    author.books.splice(0, 1)
    const p = plan({ persistent: [author, book] })
    expect(savedTables(p)).toEqual(['fp_books x1'])
    expect(opOf(p, book).kind).toBe('update')
    expect(opOf(p, book).syncs.get('authorId')).toEqual({ value: null })
  })

  it('a child removed from a delete-orphan collection is deleted', () => {
    const note = new Note({ id: 5, authorId: 1 })
    const author = loaded(new Author({ id: 1, name: 'Ann', notes: [note] }))
    loaded(note)
    author.notes.splice(0, 1)
    const p = plan({ persistent: [author, note] })
    expect(p.saves).toEqual([])
    expect(p.deletes).toEqual([[state(note)]])
  })

  it('a NOT NULL child removed from a collection without delete-orphan cannot be planned', () => {
    class Host extends Base.mapped('fp_hosts', { id: mappedColumn(t.Integer, { primaryKey: true }) }) {
      declare guests: Guest[]
      static guests: Relationship<Guest> = relationship(() => Guest)
    }
    class Guest extends Base.mapped('fp_guests', {
      id: mappedColumn(t.Integer, { primaryKey: true }),
      hostId: mappedColumn(t.Integer, { nullable: false, foreignKey: new ForeignKey(() => Host.c.id) }),
    }) {}
    const guest = new Guest({ id: 2, hostId: 1 })
    const host = loaded(new Host({ id: 1, guests: [guest] }))
    loaded(guest)
    host.guests.splice(0, 1)
    expect(() => plan({ persistent: [host, guest] })).toThrow(FlushError)
    expect(() => plan({ persistent: [host, guest] })).toThrow(/Guest.hostId is NOT NULL/)
  })

  it('an UPDATE that changes no value is left out', () => {
    const book = loaded(new Book({ id: 10, authorId: 1, title: 'a' }))
    book.title = 'a'
    expect(state(book).modified).toBe(true)
    const p = plan({ persistent: [book] })
    expect(p.saves).toEqual([])
  })
})

describe('flush planner: cycles', () => {
  it('two new rows that refer to each other: one is inserted with NULL and set by a post-update', () => {
    const club = new Club({})
    const member = new Member({})
    club.members.push(member)
    club.captain = member
    const p = plan({ pending: [club, member] })
    expect(savedTables(p)).toEqual(['fp_clubs x1', 'fp_members x1'])
    // the club goes first with captainId NULL; once the member exists an UPDATE sets it
    expect(opOf(p, club).syncs.get('captainId')).toEqual({ value: null })
    expect(p.postUpdates).toEqual([
      { op: opOf(p, club), column: 'captainId', source: { from: opOf(p, member), column: 'id' } },
    ])
    expect(opOf(p, member).syncs.get('clubId')).toEqual({ from: opOf(p, club), column: 'id' })
  })

  it('deleting two rows that refer to each other clears one nullable key first (an unlink)', () => {
    const member = new Member({ id: 7, clubId: 3 })
    const club = new Club({ id: 3, captainId: 7, members: [member] })
    club.captain = member
    loaded(club)
    loaded(member)
    const p = plan({ deleted: [club, member] })
    // the member's key to the club is cleared, then the club (which names its captain) goes first
    expect(p.unlinks).toEqual([{ table: Member.__table__, columns: ['clubId'], keys: [[7]] }])
    expect(p.deletes).toEqual([[state(club)], [state(member)]])
  })
})

describe('flush planner: many-to-many', () => {
  it('an added member becomes an association row whose keys come from both INSERTs', () => {
    const book = new Book({ title: 'a' })
    const label = new Label({ name: 'x' })
    book.tags.push(label)
    const p = plan({ pending: [book, label] })
    expect(p.secondaryInserts).toHaveLength(1)
    const row = p.secondaryInserts[0]!
    expect(row.table).toBe(bookLabels)
    expect(row.exact).toBe(true)
    expect(Object.fromEntries(row.values)).toEqual({
      bookId: { from: opOf(p, book), column: 'id' },
      labelId: { from: opOf(p, label), column: 'id' },
    })
  })

  it('a removed member deletes its one association row, counted', () => {
    const label = loaded(new Label({ id: 2, name: 'x' }))
    const book = loaded(new Book({ id: 1, title: 'a', tags: [label] }))
    book.tags.splice(0, 1)
    const p = plan({ persistent: [book] })
    expect(p.saves).toEqual([])
    expect(p.secondaryDeletes).toHaveLength(1)
    expect(p.secondaryDeletes[0]!.exact).toBe(true)
    expect(Object.fromEntries(p.secondaryDeletes[0]!.values)).toEqual({
      bookId: { value: 1 },
      labelId: { value: 2 },
    })
  })

  it('a member added and removed before the flush writes no association row', () => {
    const book = loaded(new Book({ id: 1, title: 'a', tags: [] }))
    const label = new Label({ name: 'x' })
    book.tags.push(label)
    book.tags.splice(0, 1)
    const p = plan({ pending: [label], persistent: [book] })
    expect(p.secondaryInserts).toEqual([])
    expect(p.secondaryDeletes).toEqual([])
  })

  it("a deleted object's association rows are deleted by its key, however many", () => {
    const book = loaded(new Book({ id: 1, authorId: null, title: 'a' }))
    const p = plan({ deleted: [book] })
    expect(p.secondaryDeletes).toHaveLength(1)
    expect(p.secondaryDeletes[0]!.exact).toBe(false)
    expect(Object.fromEntries(p.secondaryDeletes[0]!.values)).toEqual({ bookId: { value: 1 } })
  })
})

describe('flush planner: deletes', () => {
  it('deletes children before their parent', () => {
    const book = new Book({ id: 10, authorId: 1, title: 'a' })
    const author = loaded(new Author({ id: 1, name: 'Ann', books: [book] }))
    loaded(book)
    const p = plan({ deleted: [author, book] })
    expect(p.deletes).toEqual([[state(book)], [state(author)]])
  })

  it("a deleted parent's loaded children are updated with their key set to NULL", () => {
    const book = new Book({ id: 10, authorId: 1, title: 'a' })
    const author = loaded(new Author({ id: 1, name: 'Ann', books: [book] }))
    loaded(book)
    const p = plan({ deleted: [author] })
    expect(savedTables(p)).toEqual(['fp_books x1'])
    expect(opOf(p, book).syncs.get('authorId')).toEqual({ value: null })
    expect(p.deletes).toEqual([[state(author)]])
  })

  it("a deleted parent's unloaded children are dereferenced by key", () => {
    const author = loaded(new Author({ id: 1, name: 'Ann' }))
    const p = plan({ deleted: [author] })
    expect(p.dereferences).toContainEqual({ table: Book.__table__, columns: ['authorId'], key: [1] })
  })

  it('children a delete cascade or passive deletes take care of are not dereferenced', () => {
    const author = loaded(new Author({ id: 1, name: 'Ann' }))
    const p = plan({ deleted: [author] })
    expect(p.dereferences.map((d) => d.table)).toEqual([Book.__table__])
  })
})
