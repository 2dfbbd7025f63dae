/**
 * The tables the suite works on. Each topic has its own tables, so topics never see each
 * other's rows; `createAll` makes them once per suite run.
 * @module
 */
import { Column, ForeignKey, MetaData, Table, t } from '../../core/index.js'

/** A custom type: a list of tags stored as one comma-separated string. */
export const TagList = t.custom(t.String(200), {
  encode: (tags: string[]) => tags.join(','),
  decode: (s: string) => (s === '' ? [] : s.split(',')),
  name: 'TagList',
})

export const metadata = new MetaData()

/** Read-only rows for selects and results (seeded by the select topic). */
export const categories = new Table('ea_categories', metadata, {
  id: new Column(t.Integer, { primaryKey: true, autoincrement: false }),
  name: new Column(t.String(50), { nullable: false }),
})
export const items = new Table('ea_items', metadata, {
  id: new Column(t.Integer, { primaryKey: true, autoincrement: false }),
  name: new Column(t.String(100), { nullable: false }),
  qty: new Column(t.Integer),
  price: new Column(t.Numeric(10, 2)),
  active: new Column(t.Boolean, { nullable: false }),
  categoryId: new Column(t.Integer, {
    name: 'category_id',
    foreignKey: new ForeignKey(() => categories.c.id),
  }),
  note: new Column(t.String(50)),
})

/** Rows written by the insert/update/delete topic. */
export const dml = new Table('ea_dml', metadata, {
  id: new Column(t.Integer, { primaryKey: true }),
  name: new Column(t.String(50), { nullable: false }),
  qty: new Column(t.Integer, { nullable: false, default: 7 }),
  status: new Column(t.String(20), { nullable: false, serverDefault: 'new' }),
  note: new Column(t.String(100)),
  touched: new Column(t.Integer, { onupdate: 1 }),
})
export const dmlCopy = new Table('ea_dml_copy', metadata, {
  id: new Column(t.Integer, { primaryKey: true, autoincrement: false }),
  name: new Column(t.String(50), { nullable: false }),
})

/** One nullable column per type. */
export const types = new Table('ea_types', metadata, {
  id: new Column(t.Integer, { primaryKey: true, autoincrement: false }),
  vInteger: new Column(t.Integer, { name: 'v_integer' }),
  vSmall: new Column(t.SmallInteger, { name: 'v_small' }),
  vBig: new Column(t.BigInteger, { name: 'v_big' }),
  vFloat: new Column(t.Float, { name: 'v_float' }),
  vNumeric: new Column(t.Numeric(10, 2), { name: 'v_numeric' }),
  vString: new Column(t.String(200), { name: 'v_string' }),
  vText: new Column(t.Text, { name: 'v_text' }),
  vBoolean: new Column(t.Boolean, { name: 'v_boolean' }),
  vDate: new Column(t.Date, { name: 'v_date' }),
  vDateTime: new Column(t.DateTime(), { name: 'v_datetime' }),
  vDateTimeTz: new Column(t.DateTime({ timezone: true }), { name: 'v_datetime_tz' }),
  vTime: new Column(t.Time, { name: 'v_time' }),
  vJson: new Column(t.JSON(), { name: 'v_json' }),
  vUuid: new Column(t.UUID, { name: 'v_uuid' }),
  vBinary: new Column(t.LargeBinary, { name: 'v_binary' }),
  vEnum: new Column(t.Enum(['red', 'green', 'blue']), { name: 'v_enum' }),
  vCustom: new Column(TagList, { name: 'v_custom' }),
})

/** Transactions and savepoints. */
export const ledger = new Table('ea_ledger', metadata, {
  id: new Column(t.Integer, { primaryKey: true, autoincrement: false }),
  label: new Column(t.String(50), { nullable: false }),
})

/** Batches. */
export const batchRows = new Table('ea_batch', metadata, {
  id: new Column(t.Integer, { primaryKey: true, autoincrement: false }),
  label: new Column(t.String(50), { nullable: false }),
  at: new Column(t.DateTime()),
})

/** Constraint violations. */
export const owners = new Table('ea_owners', metadata, {
  id: new Column(t.Integer, { primaryKey: true, autoincrement: false }),
  email: new Column(t.String(100), { nullable: false, unique: true }),
})
export const pets = new Table('ea_pets', metadata, {
  id: new Column(t.Integer, { primaryKey: true, autoincrement: false }),
  ownerId: new Column(t.Integer, {
    name: 'owner_id',
    nullable: false,
    foreignKey: new ForeignKey(() => owners.c.id),
  }),
})

/** 1,000 rows to stream. */
export const streamRows = new Table('ea_stream', metadata, {
  id: new Column(t.Integer, { primaryKey: true, autoincrement: false }),
  label: new Column(t.String(20), { nullable: false }),
  bucket: new Column(t.Integer, { nullable: false }),
  at: new Column(t.DateTime(), { nullable: false }),
})
