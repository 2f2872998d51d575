import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conflict, HeraldError } from '../../../kernel/errors.js';
import { toStoreError } from './sql-errors.js';

function driverError(fields: { code: string; message: string; table?: string; detail?: string }): Error {
  return Object.assign(new Error(fields.message), fields);
}

const SQLITE_UNIQUE = 'SQLITE_CONSTRAINT_UNIQUE';

const cases: { name: string; error: Error; code: string; field: string | undefined }[] = [
  {
    name: 'SQLite unique username',
    error: driverError({ code: SQLITE_UNIQUE, message: 'UNIQUE constraint failed: users.username' }),
    code: 'HERALD_ERR_CONFLICT',
    field: 'username',
  },
  {
    name: 'SQLite primary key',
    error: driverError({
      code: 'SQLITE_CONSTRAINT_PRIMARYKEY',
      message: 'UNIQUE constraint failed: users.id',
    }),
    code: 'HERALD_ERR_CONFLICT',
    field: 'id',
  },
  {
    name: 'SQLite (number, partition)',
    error: driverError({
      code: SQLITE_UNIQUE,
      message: 'UNIQUE constraint failed: lines.number, lines.partition_name',
    }),
    code: 'HERALD_ERR_CONFLICT',
    field: 'number',
  },
  {
    name: 'PostgreSQL unique mac',
    error: driverError({
      code: '23505',
      message: 'duplicate key',
      table: 'devices',
      detail: 'Key (mac)=(001122334455) already exists.',
    }),
    code: 'HERALD_ERR_CONFLICT',
    field: 'mac',
  },
  {
    name: 'PostgreSQL (number, partition)',
    error: driverError({
      code: '23505',
      message: 'duplicate key',
      table: 'lines',
      detail: 'Key (number, partition_name)=(1000, pt_a) already exists.',
    }),
    code: 'HERALD_ERR_CONFLICT',
    field: 'number',
  },
  {
    name: 'PostgreSQL missing reference',
    error: driverError({
      code: '23503',
      message: 'violates foreign key constraint',
      table: 'lines',
      detail: 'Key (partition_name)=(pt_x) is not present in table "partitions".',
    }),
    code: 'HERALD_ERR_NOT_FOUND',
    field: 'partition',
  },
  {
    name: 'SQLite missing reference (no detail to name the field)',
    error: driverError({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY', message: 'FOREIGN KEY constraint failed' }),
    code: 'HERALD_ERR_NOT_FOUND',
    field: undefined,
  },
  {
    name: 'PostgreSQL admin shutdown',
    error: driverError({ code: '57P01', message: 'terminating connection due to administrator command' }),
    code: 'HERALD_ERR_UNAVAILABLE',
    field: undefined,
  },
  {
    name: 'PostgreSQL database gone',
    error: driverError({ code: '3D000', message: 'database "x" does not exist' }),
    code: 'HERALD_ERR_UNAVAILABLE',
    field: undefined,
  },
  {
    name: 'connection refused',
    error: driverError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }),
    code: 'HERALD_ERR_UNAVAILABLE',
    field: undefined,
  },
  {
    name: 'SQLite busy',
    error: driverError({ code: 'SQLITE_BUSY', message: 'database is locked' }),
    code: 'HERALD_ERR_UNAVAILABLE',
    field: undefined,
  },
];

describe('toStoreError', () => {
  for (const { name, error, code, field } of cases) {
    it(`maps ${name} to ${code}${field ? ` naming ${field}` : ''}`, () => {
      const mapped = toStoreError(error);
      assert.ok(mapped instanceof HeraldError);
      assert.equal(mapped.code, code);
      assert.equal(mapped.field, field);
      assert.equal(mapped.cause, error);
    });
  }

  it('gives a delete of a referenced row the caller’s error, for both SQLite codes and PostgreSQL', () => {
    const referenced = conflict('partition p is still used', 'name');
    for (const error of [
      driverError({ code: 'SQLITE_CONSTRAINT_TRIGGER', message: 'FOREIGN KEY constraint failed' }),
      driverError({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY', message: 'FOREIGN KEY constraint failed' }),
      driverError({
        code: '23503',
        message: 'update or delete on table "partitions" violates foreign key constraint',
      }),
    ]) {
      assert.equal(toStoreError(error, { onForeignKey: () => referenced }), referenced);
    }
  });

  it('passes bugs and coded errors through unchanged', () => {
    const values = [
      new Error('a bug'),
      driverError({ code: 'SQLITE_CONSTRAINT_NOTNULL', message: 'NOT NULL constraint failed: users.email' }),
      driverError({ code: '42P01', message: 'relation "x" does not exist' }),
      conflict('already coded', 'id'),
      'not an error',
    ];
    for (const value of values) assert.equal(toStoreError(value), value);
  });
});
