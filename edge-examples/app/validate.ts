/**
 * Input checks for the JSON API: each function returns the typed input or throws a 400
 * (`badRequest`) listing every problem with its path. No schema library: a few rules suffice.
 */
import { badRequest, type Issue } from './errors.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const EMAIL = /^[^\s@]+@[^\s@]+$/

/** A key as the app makes them (`crypto.randomUUID()`); anything else cannot name a row. */
export const isId = (v: string): boolean => UUID.test(v)

class Checker {
  readonly issues: Issue[] = []
  constructor(readonly body: Record<string, unknown>) {}

  fail(path: string, message: string): undefined {
    this.issues.push({ path, message })
    return undefined
  }

  text(
    path: string,
    value: unknown,
    opts: { min?: number; max: number; pattern?: RegExp; what?: string },
  ): string | undefined {
    const min = opts.min ?? 1
    if (typeof value !== 'string') return this.fail(path, `must be a string`)
    const v = value.trim()
    if (v.length < min || v.length > opts.max)
      return this.fail(
        path,
        min === 0 ? `at most ${opts.max} characters` : `must be 1 to ${opts.max} characters`,
      )
    if (opts.pattern !== undefined && !opts.pattern.test(v)) return this.fail(path, `must be ${opts.what}`)
    return v
  }

  /** Fields the route does not know are refused (a typo should not pass silently). */
  only(path: string, value: Record<string, unknown>, known: readonly string[]): void {
    for (const k of Object.keys(value))
      if (!known.includes(k))
        this.fail(path ? `${path}.${k}` : k, `unknown field (known: ${known.join(', ')})`)
  }

  done<T>(value: T): T {
    if (this.issues.length > 0) throw badRequest(this.issues)
    return value
  }
}

function object(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest([{ path: '', message: 'the body must be a JSON object' }])
  return body as Record<string, unknown>
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function tagNames(ck: Checker, path: string, value: unknown): string[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) return ck.fail(path, 'must be an array of tag names') ?? []
  const names = value.map((v, i) => ck.text(`${path}[${i}]`, v, { max: 50 }))
  return [...new Set(names.filter((n): n is string => n !== undefined))]
}

export interface NewPost {
  title: string
  body: string
  tags: string[]
}

function newPost(ck: Checker, path: string, value: unknown): NewPost | undefined {
  if (!isObject(value)) return ck.fail(path, 'must be an object { title, body?, tags? }')
  const at = (key: string) => (path === '' ? key : `${path}.${key}`)
  const title = ck.text(at('title'), value.title, { max: 200 })
  const body = value.body === undefined ? '' : ck.text(at('body'), value.body, { min: 0, max: 20_000 })
  const tags = tagNames(ck, at('tags'), value.tags)
  return title === undefined || body === undefined ? undefined : { title, body, tags }
}

export interface NewAuthor {
  name: string
  email: string
  bio: string | null
  /** Tags to create in the same commit. */
  tags: string[]
  posts: NewPost[]
}

/** POST /authors: `{ name, email, bio?, tags?: [{ name }], posts?: [{ title, body?, tags?: [name] }] }`. */
export function parseNewAuthor(input: unknown): NewAuthor {
  const ck = new Checker(object(input))
  const b = ck.body
  ck.only('', b, ['name', 'email', 'bio', 'tags', 'posts'])
  const name = ck.text('name', b.name, { max: 100 })
  const email = ck.text('email', b.email, { max: 200, pattern: EMAIL, what: 'an email address' })
  const bio = b.bio === undefined || b.bio === null ? null : ck.text('bio', b.bio, { min: 0, max: 2000 })
  const tags: string[] = []
  if (b.tags !== undefined) {
    if (!Array.isArray(b.tags)) ck.fail('tags', 'must be an array of { name } (tags to create)')
    else
      b.tags.forEach((tag, i) => {
        if (!isObject(tag)) {
          ck.fail(`tags[${i}]`, 'must be an object { name }')
          return
        }
        ck.only(`tags[${i}]`, tag, ['name'])
        const n = ck.text(`tags[${i}].name`, tag.name, { max: 50 })
        // a name given twice is left to the database: its unique constraint answers 409
        if (n !== undefined) tags.push(n)
      })
  }
  const posts: NewPost[] = []
  if (b.posts !== undefined) {
    if (!Array.isArray(b.posts)) ck.fail('posts', 'must be an array of posts')
    else if (b.posts.length > 50) ck.fail('posts', 'at most 50 posts per request')
    else
      b.posts.forEach((p, i) => {
        if (isObject(p)) ck.only(`posts[${i}]`, p, ['title', 'body', 'tags'])
        const post = newPost(ck, `posts[${i}]`, p)
        if (post !== undefined) posts.push(post)
      })
  }
  return ck.done({ name: name!, email: email!, bio: bio ?? null, tags, posts })
}

export interface AuthorPatch {
  name?: string
  email?: string
  bio?: string | null
  /** The version the client read; a different current version is a 409. */
  version?: number
}

/** PATCH /authors/:id: `{ name?, email?, bio?, version? }`. */
export function parseAuthorPatch(input: unknown): AuthorPatch {
  const ck = new Checker(object(input))
  const b = ck.body
  ck.only('', b, ['name', 'email', 'bio', 'version'])
  const out: AuthorPatch = {}
  if (b.name !== undefined) out.name = ck.text('name', b.name, { max: 100 })!
  if (b.email !== undefined)
    out.email = ck.text('email', b.email, { max: 200, pattern: EMAIL, what: 'an email address' })!
  if (b.bio !== undefined) out.bio = b.bio === null ? null : ck.text('bio', b.bio, { min: 0, max: 2000 })!
  if (b.version !== undefined) {
    if (typeof b.version !== 'number' || !Number.isInteger(b.version) || b.version < 1)
      ck.fail('version', 'must be a positive integer (the version you read)')
    else out.version = b.version
  }
  return ck.done(out)
}

/** POST /posts: `{ authorId, title, body?, tags?: [name] }` (the tags must exist). */
export function parseNewPostFor(input: unknown): NewPost & { authorId: string } {
  const ck = new Checker(object(input))
  const b = ck.body
  ck.only('', b, ['authorId', 'title', 'body', 'tags'])
  const authorId = ck.text('authorId', b.authorId, { max: 36, pattern: UUID, what: 'an author id' })
  const post = newPost(ck, '', b)
  return ck.done({ ...post!, authorId: authorId! })
}

export interface PostPatch {
  title?: string
  body?: string
  /** Replaces the post's tags (names of existing tags). */
  tags?: string[]
}

/** PATCH /posts/:id: `{ title?, body?, tags? }`. */
export function parsePostPatch(input: unknown): PostPatch {
  const ck = new Checker(object(input))
  const b = ck.body
  ck.only('', b, ['title', 'body', 'tags'])
  const out: PostPatch = {}
  if (b.title !== undefined) out.title = ck.text('title', b.title, { max: 200 })!
  if (b.body !== undefined) out.body = ck.text('body', b.body, { min: 0, max: 20_000 })!
  if (b.tags !== undefined) out.tags = tagNames(ck, 'tags', b.tags)
  return ck.done(out)
}

/** POST /tags: `{ name }`. */
export function parseNewTag(input: unknown): { name: string } {
  const ck = new Checker(object(input))
  ck.only('', ck.body, ['name'])
  const name = ck.text('name', ck.body.name, { max: 50 })
  return ck.done({ name: name! })
}

/** `?limit=` (1-100, default 20). */
export function parseLimit(value: string | undefined): number {
  if (value === undefined) return 20
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw badRequest([{ path: 'limit', message: 'must be an integer from 1 to 100' }])
  return n
}

/** A page's position: the sort key of the last item, as an opaque string. */
export interface Cursor {
  createdAt: Date
  id: string
}

export function encodeCursor(c: Cursor): string {
  return btoa(JSON.stringify([c.createdAt.toISOString(), c.id]))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
}

export function parseCursor(value: string | undefined): Cursor | undefined {
  if (value === undefined || value === '') return undefined
  try {
    const [iso, id] = JSON.parse(atob(value.replace(/-/g, '+').replace(/_/g, '/'))) as unknown[]
    const createdAt = new Date(String(iso))
    if (typeof id === 'string' && isId(id) && !Number.isNaN(createdAt.getTime())) return { createdAt, id }
  } catch {
    // falls through to the 400
  }
  throw badRequest([{ path: 'cursor', message: 'is not a cursor this API returned' }])
}
