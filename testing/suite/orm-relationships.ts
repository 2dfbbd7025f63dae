/** ORM relationships: every kind, backPopulates in memory, cascades, selectinload and raiseload. */
import { NotLoadedError, not, select } from '../../core/index.js'
import { AsyncSession, inspect, raiseload, selectinload } from '../../core/orm/index.js'
import { caught } from './helpers.js'
import { Article, Author, articleTags, Book, Chapter, Owner, Pet, Tag, Toy, TreeNode } from './orm-schema.js'
import type { Topic } from './types.js'

export function ormRelationshipsTopic(s: Topic): void {
  const { test, expect } = s
  const session = () => new AsyncSession(s.engine, { expireOnCommit: false })
  const owner = (name: string) => new Owner({ id: s.nextId(), name })
  const pet = (name: string) => new Pet({ id: s.nextId(), name })

  test('backPopulates keeps both sides in step in memory', async () => {
    const o = owner('bp')
    const other = owner('bp-other')
    const p = pet('bp-pet')
    expect(o.pets).toEqual([])
    o.pets.push(p)
    expect(p.owner).toBe(o)
    p.owner = other
    expect(o.pets).toEqual([])
    expect(other.pets).toEqual([p])
    other.pets.splice(0, 1)
    expect(p.owner).toBeNull()
    const a = new Article({ id: s.nextId(), title: 'bp' })
    const t = new Tag({ id: s.nextId(), name: 'bp' })
    a.tags.push(t)
    expect(t.articles).toEqual([a])
  })

  test('many-to-one and one-to-many are written and loaded back with selectinload', async () => {
    const db = session()
    const o = owner('o2m')
    o.pets = [pet('a'), pet('b')]
    db.add(o)
    await db.commit()
    db.expungeAll()
    const [loaded] = (
      await db.scalars(select(Owner).where(Owner.c.id.eq(o.id)).options(selectinload(Owner.pets)))
    ).all()
    expect(loaded!.pets.map((x) => x.name)).toEqual(['a', 'b'])
    expect(loaded!.pets[0]!.owner).toBe(loaded)
    const pets = (
      await db.scalars(select(Pet).where(Pet.c.ownerId.eq(o.id)).options(selectinload(Pet.owner)))
    ).all()
    expect(pets[1]!.owner).toBe(loaded)
    await db.close()
  })

  test('reading an unloaded relationship raises instead of doing I/O; awaitableAttrs loads it', async () => {
    const db = session()
    const o = owner('lazy')
    o.pets.push(pet('lazy-pet'))
    db.add(o)
    await db.commit()
    db.expungeAll()
    const again = (await db.get(Owner, o.id))!
    expect(() => again.pets).toThrow(NotLoadedError)
    const pets = await again.awaitableAttrs.pets
    expect(pets.map((x) => x.name)).toEqual(['lazy-pet'])
    await db.refresh(again, ['pets'])
    expect(again.pets).toHaveLength(1)
    await db.close()
  })

  test('a many-to-one whose target is in the identity map reads without I/O, unless raiseload', async () => {
    const db = session()
    const o = owner('m2o-map')
    const p = pet('m2o-pet')
    p.owner = o
    db.add(p)
    await db.commit()
    db.expungeAll()
    const again = (await db.get(Owner, o.id))!
    const pp = (await db.get(Pet, p.id))!
    expect(pp.owner).toBe(again)
    db.expunge(pp)
    const [raised] = (
      await db.scalars(select(Pet).where(Pet.c.id.eq(p.id)).options(raiseload(Pet.owner)))
    ).all()
    expect(() => raised!.owner).toThrow(NotLoadedError)
    await db.close()
  })

  test('delete-orphan: a pet removed from its owner is deleted', async () => {
    const db = session()
    const o = owner('orphan')
    const keep = pet('keep')
    const drop = pet('drop')
    o.pets = [keep, drop]
    db.add(o)
    await db.commit()
    o.pets.splice(1, 1)
    await db.commit()
    expect(inspect(drop).status).toBe('detached')
    const ids = (await s.engine.execute(select(Pet.c.id).where(Pet.c.ownerId.eq(o.id)))).scalars().all()
    expect(ids).toEqual([keep.id])
    expect(await s.engine.scalar(select(Pet.c.id).where(Pet.c.id.eq(drop.id)))).toBeNull()
    await db.close()
  })

  test('without delete-orphan, a child removed from its parent keeps its row with a NULL key', async () => {
    const db = session()
    const o = owner('null-fk')
    const toy = new Toy({ id: s.nextId(), name: 'ball' })
    o.toys.push(toy)
    db.add(o)
    await db.commit()
    o.toys.pop()
    await db.commit()
    expect(toy.ownerId).toBeNull()
    expect(await s.engine.scalar(select(Toy.c.ownerId).where(Toy.c.id.eq(toy.id)))).toBeNull()
    await db.close()
  })

  test('deleting a parent cascades to children it has not loaded', async () => {
    const db = session()
    const o = owner('cascade')
    o.pets = [pet('c1'), pet('c2')]
    db.add(o)
    await db.commit()
    db.expungeAll()
    const again = (await db.get(Owner, o.id))!
    await db.delete(again)
    await db.commit()
    expect((await s.engine.execute(select(Pet.c.id).where(Pet.c.ownerId.eq(o.id)))).all()).toEqual([])
    await db.close()
  })

  test('deleting a parent nulls the keys of children without a delete cascade', async () => {
    const db = session()
    const o = owner('deref')
    const toy = new Toy({ id: s.nextId(), name: 'kite' })
    o.toys.push(toy)
    db.add(o)
    await db.commit()
    db.expungeAll()
    await db.delete((await db.get(Owner, o.id))!)
    await db.commit()
    expect(await s.engine.scalar(select(Toy.c.name).where(Toy.c.id.eq(toy.id)))).toBe('kite')
    expect(await s.engine.scalar(select(Toy.c.ownerId).where(Toy.c.id.eq(toy.id)))).toBeNull()
    await db.close()
  })

  test('passiveDeletes leaves unloaded children to ON DELETE CASCADE', {
    requires: ['foreignKeys'],
  }, async () => {
    const db = session()
    const a = new Author({ name: 'passive' })
    const b = new Book({ title: 'p', author: a })
    b.chapters = [new Chapter({ n: 1 }), new Chapter({ n: 2 })]
    db.add(a)
    await db.commit()
    db.expungeAll()
    const book = (await db.get(Book, b.id))!
    await db.delete(book)
    await db.commit()
    expect((await s.engine.execute(select(Chapter.c.id).where(Chapter.c.bookId.eq(b.id)))).all()).toEqual([])
    await db.close()
  })

  test('many-to-many: association rows follow the collections', async () => {
    const db = session()
    const a = new Article({ id: s.nextId(), title: 'm2m' })
    const t1 = new Tag({ id: s.nextId(), name: 't1' })
    const t2 = new Tag({ id: s.nextId(), name: 't2' })
    a.tags = [t1, t2]
    db.add(a)
    await db.commit()
    db.expungeAll()
    const [loaded] = (
      await db.scalars(select(Article).where(Article.c.id.eq(a.id)).options(selectinload(Article.tags)))
    ).all()
    expect(loaded!.tags.map((t) => t.name)).toEqual(['t1', 't2'])
    loaded!.tags.shift()
    await db.commit()
    const rows = (await s.engine.execute(select(articleTags.c.tagId).where(articleTags.c.articleId.eq(a.id))))
      .scalars()
      .all()
    expect(rows).toEqual([t2.id])
    await db.delete(loaded!)
    await db.commit()
    expect(
      (await s.engine.execute(select(articleTags.c.tagId).where(articleTags.c.articleId.eq(a.id)))).all(),
    ).toEqual([])
    await db.close()
  })

  test('selectinload sends keys in chunks within the parameter limit', async () => {
    const db = session()
    const owners = Array.from({ length: 230 }, (_, i) => owner(`chunk-${i}`))
    for (const o of owners) o.pets.push(pet(`pet-${o.name}`))
    db.addAll(owners)
    await db.commit()
    db.expungeAll()
    const loaded = (
      await db.scalars(
        select(Owner)
          .where(Owner.c.name.startsWith('chunk-'))
          .orderBy(Owner.c.id)
          .options(selectinload(Owner.pets)),
      )
    ).all()
    expect(loaded).toHaveLength(230)
    expect(loaded.every((o) => o.pets.length === 1 && o.pets[0]!.name === `pet-${o.name}`)).toBe(true)
    await db.close()
  })

  test('nested selectinload: authors, their books, their chapters', async () => {
    const db = session()
    const a = new Author({ name: 'nested' })
    a.books = [new Book({ title: 'b1' }), new Book({ title: 'b2' })]
    a.books[0]!.chapters = [new Chapter({ n: 1 }), new Chapter({ n: 2 })]
    db.add(a)
    await db.commit()
    db.expungeAll()
    const [loaded] = (
      await db.scalars(
        select(Author)
          .where(Author.c.id.eq(a.id))
          .options(selectinload(Author.books).selectinload(Book.chapters)),
      )
    ).all()
    const counts = loaded!.books.map((b) => [b.title, b.chapters.length])
    expect(counts.sort()).toEqual([
      ['b1', 2],
      ['b2', 0],
    ])
    await db.close()
  })

  test('a self-referential tree is written parents first', async () => {
    const db = session()
    const root = new TreeNode({ name: 'root' })
    const child = new TreeNode({ name: 'child', parent: root })
    new TreeNode({ name: 'grandchild', parent: child })
    db.add(root)
    await db.commit()
    db.expungeAll()
    const [r] = (
      await db.scalars(
        select(TreeNode)
          .where(TreeNode.c.id.eq(root.id))
          .options(selectinload(TreeNode.children).selectinload(TreeNode.children)),
      )
    ).all()
    expect(r!.children.map((c) => c.name)).toEqual(['child'])
    expect(r!.children[0]!.children.map((c) => c.name)).toEqual(['grandchild'])
    expect(r!.children[0]!.parent).toBe(r)
    await db.close()
  })

  test('any(), has(), contains() and eq() filter by related rows', async () => {
    const db = session()
    const tag = `cmp-${s.nextId()}`
    const ann = owner(`${tag}-ann`)
    const bob = owner(`${tag}-bob`)
    const cyd = owner(`${tag}-cyd`)
    ann.pets.push(pet('rex'), pet('tom'))
    bob.pets.push(pet('fido'))
    db.addAll([ann, bob, cyd])
    const a = new Article({ id: s.nextId(), title: `${tag}-a` })
    const t1 = new Tag({ id: s.nextId(), name: `${tag}-t1` })
    a.tags.push(t1)
    db.addAll([a, new Article({ id: s.nextId(), title: `${tag}-b` })])
    await db.commit()
    const names = async (where: Parameters<ReturnType<typeof select>['where']>[0]) =>
      (await db.scalars(select(Owner).where(Owner.c.name.startsWith(tag)).where(where).orderBy(Owner.c.id)))
        .all()
        .map((o) => o.name.slice(tag.length + 1))
    expect(await names(Owner.pets.any())).toEqual(['ann', 'bob'])
    expect(await names(Owner.pets.any(Pet.c.name.eq('fido')))).toEqual(['bob'])
    expect(await names(Owner.pets.contains(ann.pets[1]!))).toEqual(['ann'])
    const petsOfBob = (await db.scalars(select(Pet).where(Pet.owner.eq(bob)))).all()
    expect(petsOfBob.map((p) => p.name)).toEqual(['fido'])
    const withOwner = (
      await db.scalars(
        select(Pet)
          .where(Pet.owner.has(Owner.c.name.eq(`${tag}-ann`)))
          .orderBy(Pet.c.id),
      )
    ).all()
    expect(withOwner.map((p) => p.name)).toEqual(['rex', 'tom'])
    const tagged = (
      await db.scalars(select(Article).where(Article.c.title.startsWith(tag)).where(Article.tags.any()))
    ).all()
    expect(tagged.map((x) => x.title)).toEqual([`${tag}-a`])
    const holding = (await db.scalars(select(Article).where(Article.tags.contains(t1)))).all()
    expect(holding).toEqual([a])
    await db.close()
  })

  test('any() on a table that refers to itself takes a function of the related rows', async () => {
    const db = session()
    const tag = `self-${s.nextId()}`
    const root = new TreeNode({ name: `${tag}-root` })
    new TreeNode({ name: `${tag}-leaf`, parent: root })
    db.add(root)
    await db.commit()
    const withLeaf = (
      await db.scalars(
        select(TreeNode)
          .where(TreeNode.c.name.startsWith(tag))
          .where(TreeNode.children.any((child) => child.c.name!.eq(`${tag}-leaf`))),
      )
    ).all()
    expect(withLeaf.map((n) => n.name)).toEqual([`${tag}-root`])
    const childless = (
      await db.scalars(
        select(TreeNode).where(TreeNode.c.name.startsWith(tag)).where(not(TreeNode.children.any())),
      )
    ).all()
    expect(childless.map((n) => n.name)).toEqual([`${tag}-leaf`])
    await db.close()
  })

  test('a related object assigned to a pending one joins the session (save-update cascade)', async () => {
    const db = session()
    const o = owner('cascade-add')
    db.add(o)
    const p = pet('joined')
    p.owner = o
    expect(db.new.has(p)).toBe(true)
    await db.commit()
    expect(await s.engine.scalar(select(Pet.c.ownerId).where(Pet.c.id.eq(p.id)))).toBe(o.id)
    expect(
      await caught(Promise.resolve().then(() => ((p as unknown as { owner: unknown }).owner = 5))),
    ).toBeInstanceOf(Error)
    await db.close()
  })
}
