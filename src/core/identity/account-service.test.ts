import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { fastHasher } from '../../../test/support/fast-hasher.js';
import { MemoryStore } from '../../infra/store/memory/memory-store.js';
import { isHeraldError } from '../../kernel/errors.js';
import { FakeClock } from '../../kernel/fake-clock.js';
import { type IdSource, sequentialIdSource } from '../../kernel/ids.js';
import { AccountService } from './account-service.js';
import { AuthService, userPrincipal } from './auth-service.js';
import { systemPrincipal, type UserPrincipal } from './principal.js';
import { verifyPasswordAgainstScram } from './scram.js';
import { digestHa1 } from './sip-digest.js';

const operator = systemPrincipal('test');

function services(store: MemoryStore, clock: FakeClock, ids: IdSource, tokenTtlMs: number) {
  const accounts = new AccountService({
    store,
    hasher: fastHasher,
    clock,
    ids,
    domain: 'example.org',
    minPasswordLength: 8,
  });
  const auth = new AuthService({
    accounts,
    store,
    clock,
    ids,
    tokenTtlMs,
    failuresPerMinute: 3,
    ipFailuresPerMinute: 5,
  });
  return { accounts, auth };
}

async function rejectsWith(code: string, work: () => Promise<unknown>, field?: string): Promise<void> {
  await assert.rejects(work, (error) => {
    assert.ok(isHeraldError(error), String(error));
    assert.equal(error.code, code);
    if (field) assert.equal(error.field, field);
    return true;
  });
}

describe('AccountService and AuthService', () => {
  let clock: FakeClock;
  let store: MemoryStore;
  let accounts: AccountService;
  let auth: AuthService;
  let alice: UserPrincipal;

  beforeEach(async () => {
    clock = new FakeClock();
    store = new MemoryStore();
    ({ accounts, auth } = services(store, clock, sequentialIdSource('u'), 3_600_000));
    await accounts.addUser(operator, { username: 'admin', password: 'admin-password', isAdmin: true });
    await accounts.addUser(operator, { username: 'alice', password: 'alice-password', displayName: 'Alice' });
    alice = await auth.authenticate('alice', 'alice-password', '192.0.2.1');
  });

  it('stores only derived secrets: SCRAM keys and digest HA1 that match the password', async () => {
    const user = await store.accounts.findUserByName('alice');
    const credentials = await store.accounts.getCredentials(user!.id);
    assert.ok(credentials);
    assert.ok(!JSON.stringify(credentials).includes('alice-password'));
    assert.ok(verifyPasswordAgainstScram('SHA-256', credentials.scramSha256, 'alice-password'));
    assert.ok(verifyPasswordAgainstScram('SHA-1', credentials.scramSha1, 'alice-password'));
    assert.equal(credentials.ha1Md5, digestHa1('MD5', 'alice', 'example.org', 'alice-password'));
    assert.equal(credentials.ha1Sha256, digestHa1('SHA-256', 'alice', 'example.org', 'alice-password'));
    assert.equal(credentials.digestRealm, 'example.org');
  });

  it('only administrators add and remove users; users change their own password and profile', async () => {
    await rejectsWith('HERALD_ERR_FORBIDDEN', () =>
      accounts.addUser(alice, { username: 'mallory', password: 'whatever-pass' }),
    );
    await rejectsWith('HERALD_ERR_FORBIDDEN', () => accounts.removeUser(alice, 'admin'));
    await rejectsWith('HERALD_ERR_FORBIDDEN', () => accounts.setPassword(alice, 'admin', 'taken-over!'));
    await rejectsWith('HERALD_ERR_FORBIDDEN', () => accounts.updateUser(alice, 'alice', { isAdmin: true }));
    const renamed = await accounts.updateUser(alice, 'alice', { displayName: 'Alice A.' });
    assert.equal(renamed.displayName, 'Alice A.');
    await accounts.setPassword(alice, 'alice', 'new-alice-password');
    assert.ok(await accounts.verifyPassword('alice', 'new-alice-password'));
    assert.equal(await accounts.verifyPassword('alice', 'alice-password'), null);
  });

  it('refuses to remove or demote the last administrator', async () => {
    await rejectsWith('HERALD_ERR_CONFLICT', () => accounts.removeUser(operator, 'admin'), 'username');
    await rejectsWith('HERALD_ERR_CONFLICT', () =>
      accounts.updateUser(operator, 'admin', { isAdmin: false }),
    );
    await accounts.updateUser(operator, 'alice', { isAdmin: true });
    await accounts.removeUser(operator, 'admin');
    assert.equal(await store.accounts.findUserByName('admin'), undefined);
  });

  it('validates input and names the field', async () => {
    await rejectsWith(
      'HERALD_ERR_VALIDATION',
      () => accounts.addUser(operator, { username: 'bad name', password: 'long-enough' }),
      'username',
    );
    await rejectsWith(
      'HERALD_ERR_VALIDATION',
      () => accounts.addUser(operator, { username: 'bob', password: 'short' }),
      'password',
    );
    await rejectsWith(
      'HERALD_ERR_VALIDATION',
      () => accounts.addUser(operator, { username: 'bob', password: 'long-enough', email: 'nope' }),
      'email',
    );
    await rejectsWith(
      'HERALD_ERR_CONFLICT',
      () => accounts.addUser(operator, { username: 'ALICE', password: 'long-enough' }),
      'username',
    );
  });

  it('tokens carry the user’s current rights and expire', async () => {
    const { token, expiresAt } = auth.issueToken(alice);
    assert.equal(expiresAt, clock.now() + 3_600_000);
    assert.equal((await auth.verifyToken(token))?.isAdmin, false);
    await accounts.updateUser(operator, 'alice', { isAdmin: true });
    assert.equal((await auth.verifyToken(token))?.isAdmin, true, 'rights are read afresh');
    clock.advance(3_600_000);
    assert.equal(await auth.verifyToken(token), undefined);
    assert.equal(await auth.verifyToken('forged'), undefined);
  });

  it('a password change drops the user’s tokens and remembered passwords', async () => {
    const { token } = auth.issueToken(alice);
    await accounts.setPassword(operator, 'alice', 'changed-password');
    assert.equal(await auth.verifyToken(token), undefined);
    await rejectsWith('HERALD_ERR_UNAUTHENTICATED', () =>
      auth.authenticate('alice', 'alice-password', '192.0.2.1'),
    );
    assert.equal((await auth.authenticate('alice', 'changed-password', '192.0.2.1')).username, 'alice');
  });

  it('throttles failures per account and per address; the window slides', async () => {
    for (let i = 0; i < 3; i++)
      await rejectsWith('HERALD_ERR_UNAUTHENTICATED', () => auth.authenticate('alice', 'wrong', '192.0.2.7'));
    await rejectsWith('HERALD_ERR_RATE_LIMITED', () =>
      auth.authenticate('alice', 'alice-password', '192.0.2.8'),
    );
    assert.equal(
      (await auth.authenticate('admin', 'admin-password', '192.0.2.7')).username,
      'admin',
      'other accounts from that address still work',
    );
    for (let i = 0; i < 2; i++)
      await rejectsWith('HERALD_ERR_UNAUTHENTICATED', () =>
        auth.authenticate(`nobody${i}`, 'wrong', '192.0.2.7'),
      );
    await rejectsWith('HERALD_ERR_RATE_LIMITED', () =>
      auth.authenticate('admin', 'admin-password', '192.0.2.7'),
    );
    clock.advance(60_000);
    assert.equal((await auth.authenticate('alice', 'alice-password', '192.0.2.7')).username, 'alice');
  });
});

describe('AuthService token bound', () => {
  it('keeps at most 200,000 tokens: the expired go first, then the oldest', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    let n = 0;
    const ids: IdSource = {
      next: sequentialIdSource('u').next,
      randomBytes: (bytes) => {
        const buffer = Buffer.alloc(bytes);
        buffer.writeUInt32BE(++n);
        return buffer;
      },
    };
    const { accounts, auth } = services(store, clock, ids, 1_000);
    const user = await accounts.addUser(systemPrincipal('test'), {
      username: 'alice',
      password: 'alice-password',
    });
    const alice = userPrincipal(user);
    const issue = () => auth.issueToken(alice).token;
    issue();
    issue();
    clock.advance(1_000); // those two expired
    const first = issue();
    const second = issue();
    for (let i = 2; i < 200_000; i++) issue(); // the last two took the expired ones' places
    assert.ok(await auth.verifyToken(first), 'no live token went while expired ones were there');
    issue();
    assert.equal(await auth.verifyToken(first), undefined, 'the oldest went');
    assert.ok(await auth.verifyToken(second));
  });
});
