import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asUserId, type StoredCredentials, type UserRecord } from '../../../core/ports.js';
import { isHeraldError } from '../../../kernel/errors.js';
import { MemoryStore } from './memory-store.js';

const keys = { iterations: 4096, salt: 's', storedKey: 'k', serverKey: 'v' };
const credentials: StoredCredentials = {
  scramSha1: keys,
  scramSha256: keys,
  digestRealm: 'r',
  ha1Md5: 'm',
  ha1Sha256: 's',
  passwordHash: 'p',
  updatedAt: 0,
};
const user = (name: string): UserRecord => ({
  id: asUserId(`u-${name}`),
  username: name,
  displayName: name,
  email: null,
  isAdmin: false,
  createdAt: 0,
});

/** A promise and the function that resolves it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('MemoryStore serialisation', () => {
  it('starts a second transaction only when the first has settled', async () => {
    const store = new MemoryStore();
    const events: string[] = [];
    const first = gate();
    const one = store.transaction(async () => {
      events.push('one started');
      await first.opened;
      events.push('one ended');
    });
    const two = store.transaction(async () => {
      events.push('two started');
    });
    await settle();
    assert.deepEqual(events, ['one started']);
    first.open();
    await Promise.all([one, two]);
    assert.deepEqual(events, ['one started', 'one ended', 'two started']);
  });

  it('makes a write from outside wait for the running transaction, so no update is lost', async () => {
    const store = new MemoryStore();
    const release = gate();
    const tx = store.transaction(async (t) => {
      await t.accounts.insertUser(user('alice'), credentials);
      await release.opened;
    });
    await settle();
    const outside = store.accounts.insertUser(user('alice'), credentials);
    let settled = false;
    void outside.then(
      () => (settled = true),
      () => (settled = true),
    );
    await settle();
    assert.equal(settled, false);
    release.open();
    await tx;
    await assert.rejects(outside, (error) => isHeraldError(error, 'HERALD_ERR_CONFLICT'));
    assert.equal((await store.accounts.listUsers({ limit: 10, offset: 0 })).total, 1);
  });

  it('goes on after a failed transaction', async () => {
    const store = new MemoryStore();
    await assert.rejects(store.transaction(async () => Promise.reject(new Error('no'))));
    await store.transaction((t) => t.accounts.insertUser(user('bob'), credentials));
    assert.equal((await store.accounts.findUserByName('bob'))?.id, 'u-bob');
  });
});
