/** Tables shared by the type tests (never executed: the type tests only type-check). */
import { Column, ForeignKey, MetaData, Table, t } from '../../core/index.js'

export const metadata = new MetaData()

export const users = new Table('users', metadata, {
  id: new Column(t.Integer, { primaryKey: true }),
  name: new Column(t.String(50), { nullable: false }),
  email: new Column(t.String(100), { unique: true }),
  createdAt: new Column(t.DateTime({ timezone: true }), { name: 'created_at', default: () => new Date() }),
})

export const addresses = new Table('addresses', metadata, {
  id: new Column(t.Integer, { primaryKey: true }),
  userId: new Column(t.Integer, { nullable: false, foreignKey: new ForeignKey(() => users.c.id) }),
  email: new Column(t.String(100), { nullable: false }),
  note: new Column(t.Text),
})

export interface Prefs {
  theme: 'light' | 'dark'
  fontSize?: number
}

/** One column of every type, NOT NULL and nullable. */
export const kinds = new Table('kinds', metadata, {
  id: new Column(t.BigInteger, { primaryKey: true }),
  small: new Column(t.SmallInteger, { nullable: false }),
  int: new Column(t.Integer, { nullable: false }),
  float: new Column(t.Float),
  price: new Column(t.Numeric(10, 2), { nullable: false }),
  label: new Column(t.String(20), { nullable: false }),
  body: new Column(t.Text),
  flag: new Column(t.Boolean, { nullable: false, serverDefault: false }),
  day: new Column(t.Date),
  at: new Column(t.DateTime(), { nullable: false }),
  time: new Column(t.Time),
  prefs: new Column(t.JSON<Prefs>(), { nullable: false }),
  anyJson: new Column(t.JSON()),
  uuid: new Column(t.UUID, { nullable: false }),
  blob: new Column(t.LargeBinary),
  status: new Column(t.Enum(['a', 'b']), { nullable: false, default: 'a' }),
  cents: new Column(
    t.custom(t.Integer, { encode: (d: number) => Math.round(d * 100), decode: (c) => c / 100 }),
    { nullable: false },
  ),
})
