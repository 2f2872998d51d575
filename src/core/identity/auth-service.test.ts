import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fastHasher } from '../../../test/support/fast-hasher.js';
import { MemoryStore } from '../../infra/store/memory/memory-store.js';
import { FakeClock } from '../../kernel/fake-clock.js';
import { type IdSource, sequentialIdSource } from '../../kernel/ids.js';
import { AccountService } from './account-service.js';
import { AuthService, userPrincipal } from './auth-service.js';
import { systemPrincipal } from './principal.js';

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
      tokenTtlMs: 1_000,
      failuresPerMinute: 3,
      ipFailuresPerMinute: 5,
    });
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
