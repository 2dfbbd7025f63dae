/**
 * Loader options for `select(User).options(...)`: how relationships load (`selectinload`,
 * `joinedload`, `jsonload`, `containsEager`, `noload`, `raiseload`, `defaultload`) and which
 * columns load (`loadOnly`, `defer`, `undefer`). Options chain along relationships:
 * `selectinload(User.posts).joinedload(Post.author)`, `jsonload(User.posts).loadOnly(Post.c.title)`.
 * @module
 */
import { ArgumentError } from '../errors.js'
import { ColumnRef } from '../sql/elements.js'
import { Alias } from '../sql/from-clauses.js'
import { LOADER_OPTION } from './loader-option-brand.js'
import { containsEager as containsEagerStrategy } from './loaders/contains-eager.js'
import { joined } from './loaders/joined.js'
import { json } from './loaders/json.js'
import type { LoadStrategy } from './loaders/load-strategy.js'
import { noload as noloadStrategy } from './loaders/noload.js'
import { raise } from './loaders/raise.js'
import { selectin } from './loaders/selectin.js'
import { Relationship } from './relationship.js'

/**
 * How one relationship loads: `'selectin'` (one more SELECT), `'joined'` (LEFT OUTER JOIN),
 * `'json'` (a JSON array built in SQL), `'containsEager'` (from joins written in the statement),
 * `'raise'`, `'noload'`, or `'default'` (the relationship's own `lazy`).
 */
export type LoaderStrategy = 'selectin' | 'joined' | 'json' | 'containsEager' | 'raise' | 'noload' | 'default'

/** One relationship of a loader option's path and how it loads. */
export interface LoaderStep {
  readonly rel: Relationship<any>
  /** The strategy the option carries; undefined: the relationship's own `lazy` (defaultload). */
  readonly strategy: LoadStrategy | undefined
  /** containsEager: the alias the statement joined the related table as. */
  readonly alias?: Alias | undefined
}

/** Which columns of the entity at the end of a path load. */
export interface ColumnOption {
  readonly kind: 'only' | 'defer' | 'undefer'
  readonly columns: readonly ColumnRef[]
}

/**
 * A loader option: strategies along a path of relationships from a queried class, and
 * optionally which columns of the class at its end load. Made by {@link selectinload},
 * {@link joinedload}, {@link loadOnly} and friends; chain them to go deeper.
 */
export class LoaderOption {
  /** @internal Recognised by loads without importing this module (loader-option-brand.ts). */
  readonly [LOADER_OPTION] = true
  constructor(
    readonly steps: readonly LoaderStep[],
    readonly columns: ColumnOption | undefined = undefined,
    /** Options relative to the end of this path (`.options(...)`). */
    readonly nested: readonly LoaderOption[] = [],
  ) {
    Object.freeze(this)
  }
  /** The relationships of the path. */
  get path(): readonly Relationship<any>[] {
    return this.steps.map((s) => s.rel)
  }
  /** The strategy of the last relationship of the path. */
  get strategy(): LoaderStrategy {
    return (this.steps.at(-1)?.strategy?.name ?? 'default') as LoaderStrategy
  }
  private then(rel: Relationship<any>, strategy: LoadStrategy | undefined, alias?: Alias): LoaderOption {
    if (this.columns !== undefined || this.nested.length > 0)
      throw new ArgumentError(
        'A column option or .options(...) ends a path; give further relationships inside .options(...)',
      )
    return new LoaderOption([...this.steps, step(rel, strategy, alias)])
  }
  private withColumns(kind: ColumnOption['kind'], columns: readonly ColumnRef[]): LoaderOption {
    if (this.columns !== undefined || this.nested.length > 0)
      throw new ArgumentError('Give several column options of one path inside .options(...)')
    return new LoaderOption(this.steps, columnOption(kind, columns))
  }
  /** Then load a relationship of the related objects with a SELECT ... IN. */
  selectinload(rel: Relationship<any>): LoaderOption {
    return this.then(rel, selectin)
  }
  /** Then load a relationship of the related objects with a LEFT OUTER JOIN. */
  joinedload(rel: Relationship<any>): LoaderOption {
    return this.then(rel, joined)
  }
  /** Then load a relationship of the related objects as a JSON array built in SQL. */
  jsonload(rel: Relationship<any>): LoaderOption {
    return this.then(rel, json)
  }
  /** Then fill a relationship of the related objects from joins the statement makes. */
  containsEager(rel: Relationship<any>, options: ContainsEagerOptions = {}): LoaderOption {
    return this.then(rel, containsEagerStrategy, checkAlias(rel, options.alias))
  }
  /** Then make a relationship of the related objects raise when read unloaded. */
  raiseload(rel: Relationship<any>): LoaderOption {
    return this.then(rel, raise)
  }
  /** Then leave a relationship of the related objects empty (not loaded). */
  noload(rel: Relationship<any>): LoaderOption {
    return this.then(rel, noloadStrategy)
  }
  /** Then go through a relationship of the related objects with its own `lazy` strategy. */
  defaultload(rel: Relationship<any>): LoaderOption {
    return this.then(rel, undefined)
  }
  /** Load only these columns of the related objects (and their key). */
  loadOnly(...columns: ColumnRef<any, any>[]): LoaderOption {
    return this.withColumns('only', columns)
  }
  /** Leave these columns of the related objects unloaded. */
  defer(...columns: ColumnRef<any, any>[]): LoaderOption {
    return this.withColumns('defer', columns)
  }
  /** Load these columns of the related objects even where a loadOnly/defer leaves them out. */
  undefer(...columns: ColumnRef<any, any>[]): LoaderOption {
    return this.withColumns('undefer', columns)
  }
  /**
   * Several options relative to the related objects:
   * `selectinload(User.posts).options(loadOnly(Post.c.title), selectinload(Post.tags))`.
   */
  options(...options: LoaderOption[]): LoaderOption {
    for (const o of options)
      if (!(o instanceof LoaderOption)) throw new ArgumentError('options() takes loader options')
    return new LoaderOption(this.steps, this.columns, [...this.nested, ...options])
  }
}

/** Options of {@link containsEager}. */
export interface ContainsEagerOptions {
  /** The alias of the related table the statement joined (`Address.__table__.alias('a')`). */
  readonly alias?: Alias
}

function step(rel: Relationship<any>, strategy: LoadStrategy | undefined, alias?: Alias): LoaderStep {
  if (!(rel instanceof Relationship))
    throw new ArgumentError(
      `A loader option takes a relationship attribute of a mapped class (User.addresses), got ${typeof rel}`,
    )
  return Object.freeze({ rel, strategy, alias })
}

function checkAlias(rel: Relationship<any>, alias: Alias | undefined): Alias | undefined {
  if (alias === undefined) return undefined
  if (!(alias instanceof Alias) || alias.element !== rel.target.table)
    throw new ArgumentError(
      `containsEager(${rel}, { alias }) takes an alias of ${rel.target.table.name} (${rel.target.name}.__table__.alias('name'))`,
    )
  return alias
}

function columnOption(kind: ColumnOption['kind'], columns: readonly ColumnRef[]): ColumnOption {
  const name = kind === 'only' ? 'loadOnly' : kind
  if (columns.length === 0) throw new ArgumentError(`${name}() takes one or more columns (User.c.name)`)
  for (const c of columns)
    if (!(c instanceof ColumnRef) || c.table === undefined)
      throw new ArgumentError(
        c instanceof Relationship
          ? `${name}() takes columns; ${c} is a relationship (use noload/raiseload for it)`
          : `${name}() takes columns of a mapped class (User.c.name)`,
      )
  return Object.freeze({ kind, columns: Object.freeze([...columns]) })
}

/**
 * Loads a relationship of the queried objects with one more SELECT per chunk of keys (the keys
 * go in `IN` lists sized to the adapter's parameter limit). The safe default: it works on every
 * adapter and every relationship, whatever the columns.
 *
 * ```ts
 * await session.scalars(select(User).options(selectinload(User.addresses)))
 * ```
 */
export function selectinload(rel: Relationship<any>): LoaderOption {
  return new LoaderOption([step(rel, selectin)])
}

/**
 * Loads a relationship in the same statement with a LEFT OUTER JOIN of the related table
 * (aliased). Rows come back once per related row; the objects are de-duplicated through the
 * identity map and the result's rows are made unique. With `limit()`/`offset()` the parent
 * select becomes a subquery, so the limit counts parents.
 *
 * ```ts
 * await session.scalars(select(User).limit(10).options(joinedload(User.addresses)))
 * ```
 */
export function joinedload(rel: Relationship<any>): LoaderOption {
  return new LoaderOption([step(rel, joined)])
}

/**
 * Loads a relationship in the same statement as a JSON array per parent row, built in SQL
 * (`json_agg` on PostgreSQL, `json_group_array` on SQLite, `JSON_ARRAYAGG` on MySQL/MariaDB):
 * one row per parent, one round trip. Values are decoded by each column's declared type, so
 * they equal what `selectinload` gives. Binary columns cannot travel in JSON: defer them or use
 * `selectinload`.
 *
 * ```ts
 * await session.scalars(select(User).options(jsonload(User.posts)))
 * ```
 */
export function jsonload(rel: Relationship<any>): LoaderOption {
  return new LoaderOption([step(rel, json)])
}

/**
 * Fills a relationship from joins the statement itself makes (the related columns are added to
 * the SELECT): `select(User).join(User.addresses).where(...).options(containsEager(User.addresses))`.
 * The collection then holds only the joined rows, as filtered.
 *
 * ```ts
 * const a = Address.__table__.alias('a')
 * select(User).join(a, User.c.id.eq(a.c.userId)).options(containsEager(User.addresses, { alias: a }))
 * ```
 */
export function containsEager(rel: Relationship<any>, options: ContainsEagerOptions = {}): LoaderOption {
  return new LoaderOption([step(rel, containsEagerStrategy, checkAlias(rel, options.alias))])
}

/**
 * Makes reading the relationship unloaded raise, even where memory could answer (many-to-one).
 *
 * ```ts
 * select(Address).options(raiseload(Address.user))
 * ```
 */
export function raiseload(rel: Relationship<any>): LoaderOption {
  return new LoaderOption([step(rel, raise)])
}

/**
 * Does not load the relationship: it reads as an empty collection (or null) on the loaded
 * objects, without a query.
 *
 * ```ts
 * select(User).options(noload(User.addresses))
 * ```
 */
export function noload(rel: Relationship<any>): LoaderOption {
  return new LoaderOption([step(rel, noloadStrategy)])
}

/**
 * Goes through a relationship with its own `lazy` strategy, to reach options further along:
 * `defaultload(User.posts).loadOnly(Post.c.title)`.
 *
 * ```ts
 * select(User).options(defaultload(User.posts).joinedload(Post.author))
 * ```
 */
export function defaultload(rel: Relationship<any>): LoaderOption {
  return new LoaderOption([step(rel, undefined)])
}

/**
 * Loads a relationship with a strategy of one's own (`loaders/load-strategy.ts`); the
 * option functions above are this with a built-in strategy.
 */
export function loadWith(rel: Relationship<any>, strategy: LoadStrategy): LoaderOption {
  return new LoaderOption([step(rel, strategy)])
}

/**
 * Loads only these columns of the queried class (its primary key always loads). The other
 * columns stay unloaded: reading one raises `NotLoadedError`; load it with
 * `session.refresh(obj, ['bio'])` or `await obj.awaitableAttrs.bio`.
 *
 * ```ts
 * select(User).options(loadOnly(User.c.name))
 * ```
 */
export function loadOnly(...columns: ColumnRef<any, any>[]): LoaderOption {
  return new LoaderOption([], columnOption('only', columns))
}

/**
 * Leaves these columns of the queried class unloaded (a large text, say); they load on
 * `session.refresh(obj, ['bio'])` or `await obj.awaitableAttrs.bio`.
 *
 * ```ts
 * select(User).options(defer(User.c.bio))
 * ```
 */
export function defer(...columns: ColumnRef<any, any>[]): LoaderOption {
  return new LoaderOption([], columnOption('defer', columns))
}

/**
 * Loads these columns even where another option of the same statement leaves them out.
 *
 * ```ts
 * select(User).options(loadOnly(User.c.name), undefer(User.c.bio))
 * ```
 */
export function undefer(...columns: ColumnRef<any, any>[]): LoaderOption {
  return new LoaderOption([], columnOption('undefer', columns))
}
