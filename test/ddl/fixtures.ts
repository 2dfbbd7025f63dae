/** A representative schema for the DDL tests: every type, composite keys, FKs, checks, indexes, defaults. */
import {
  CheckConstraint,
  Column,
  ColumnRef,
  ForeignKey,
  ForeignKeyConstraint,
  func,
  Index,
  MetaData,
  PrimaryKeyConstraint,
  Table,
  t,
  text,
  UniqueConstraint,
} from '../../core/index.js'

/** A string with a quote, a backslash and a backslash before a quote: escaping must keep all three. */
export const tricky = "it's a \\ back\\slash \\' end"

export const convention = {
  ix: 'ix_%(column_0_label)s',
  uq: 'uq_%(table_name)s_%(column_0_name)s',
  ck: 'ck_%(table_name)s_%(constraint_name)s',
  fk: 'fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s',
  pk: 'pk_%(table_name)s',
}

/** The schema under a naming convention (named) or without one (the databases name things). */
export function buildSchema(named: boolean) {
  const metadata = new MetaData(named ? { namingConvention: convention } : {})
  const users = new Table(
    'users',
    metadata,
    {
      id: new Column(t.Integer, { primaryKey: true }),
      name: new Column(t.String(50), { nullable: false }),
      email: new Column(t.String(100), { unique: true }),
      team: new Column(t.String(20), { index: true }),
    },
    new CheckConstraint(new ColumnRef(undefined, 'name', t.String(50)).ne("o'brien\\"), { name: 'name_ok' }),
  )
  const kinds = new Table(
    'kinds',
    metadata,
    {
      id: new Column(t.BigInteger, { primaryKey: true }),
      i: new Column(t.Integer, { serverDefault: 7, nullable: false }),
      si: new Column(t.SmallInteger, { serverDefault: -3 }),
      f: new Column(t.Float, { serverDefault: 1.5 }),
      n: new Column(t.Numeric(10, 2), { serverDefault: '12.50' }),
      s: new Column(t.String(50), { serverDefault: tricky }),
      tx: new Column(t.Text, { serverDefault: tricky }),
      b: new Column(t.Boolean, { serverDefault: true, nullable: false }),
      d: new Column(t.Date, { serverDefault: '2024-01-02' }),
      createdAt: new Column(t.DateTime({ timezone: true }), {
        name: 'created_at',
        serverDefault: func.now(),
      }),
      tm: new Column(t.Time),
      j: new Column(t.JSON()),
      u: new Column(t.UUID),
      bin: new Column(t.LargeBinary),
      e: new Column(t.Enum(['a', 'b']), { serverDefault: 'a', nullable: false }),
      ownerId: new Column(t.Integer, {
        name: 'owner_id',
        foreignKey: new ForeignKey(() => users.c.id, { onDelete: 'SET NULL', onUpdate: 'CASCADE' }),
      }),
      expr: new Column(t.Integer, { serverDefault: text('42') }),
    },
    new CheckConstraint('i >= 0', { name: 'i_positive' }),
    new Index('kinds_s_tm', ['s', 'tm'], { unique: true }),
  )
  const memberships = new Table(
    'memberships',
    metadata,
    {
      userId: new Column(t.Integer, { name: 'user_id' }),
      groupName: new Column(t.String(30), { name: 'group_name' }),
      kindId: new Column(t.BigInteger, { name: 'kind_id', nullable: false }),
      role: new Column(t.String(10), { nullable: false, serverDefault: 'member' }),
    },
    new PrimaryKeyConstraint(['userId', 'groupName']),
    new ForeignKeyConstraint(['userId'], () => [users.c.id], { onDelete: 'CASCADE' }),
    new ForeignKeyConstraint(['kindId'], () => [kinds.c.id], {
      onDelete: 'RESTRICT',
      name: 'membership_kind',
    }),
    new UniqueConstraint(['kindId', 'role']),
    new Index(undefined, ['role', 'kindId']),
  )
  /** References the composite key of memberships. */
  const grants = new Table(
    'grants',
    metadata,
    {
      id: new Column(t.Integer, { primaryKey: true, autoincrement: false }),
      userId: new Column(t.Integer, { name: 'user_id', nullable: false }),
      groupName: new Column(t.String(30), { name: 'group_name', nullable: false }),
    },
    new ForeignKeyConstraint(['userId', 'groupName'], () => [memberships.c.userId, memberships.c.groupName], {
      onDelete: 'CASCADE',
    }),
  )
  return { metadata, users, kinds, memberships, grants }
}

/** Two tables that reference each other (a foreign key cycle), plus a self reference. */
export function buildCycle(named: boolean) {
  const metadata = new MetaData(named ? { namingConvention: convention } : {})
  const departments = new Table('departments', metadata, {
    id: new Column(t.Integer, { primaryKey: true }),
    managerId: new Column(t.Integer, {
      name: 'manager_id',
      foreignKey: new ForeignKey(() => employees.c.id, { onDelete: 'SET NULL' }),
    }),
  })
  const employees: Table<'employees', any> = new Table('employees', metadata, {
    id: new Column(t.Integer, { primaryKey: true }),
    departmentId: new Column(t.Integer, {
      name: 'department_id',
      foreignKey: new ForeignKey(() => departments.c.id),
    }),
    bossId: new Column(t.Integer, { name: 'boss_id', foreignKey: new ForeignKey(() => employees.c.id) }),
  })
  return { metadata, departments, employees }
}
