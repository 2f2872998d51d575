import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  injectionCsv,
  MEMORY_USERS,
  memoryOwnerOf,
  passwordOf,
  RATE_USERS,
  TARGET_USER,
  usersOf,
  watchPairs,
} from './users.js';

describe('SIP bench users', () => {
  it('gives user U the anchor password pwU', () => {
    assert.equal(passwordOf(1234), 'pw1234');
  });

  it('keeps the MESSAGE target out of the senders', () => {
    const senders = usersOf(RATE_USERS);
    assert.equal(senders[0], 1000);
    assert.equal(senders.at(-1), 1998);
    assert.ok(!senders.includes(TARGET_USER));
    assert.equal(usersOf(MEMORY_USERS).length, 10_000);
  });

  it('writes a sequential SIPp injection file with per-user credentials', () => {
    assert.equal(
      injectionCsv([1000, 1001]),
      'SEQUENTIAL\n' +
        '1000;127.0.0.1;[authentication username=1000 password=pw1000]\n' +
        '1001;127.0.0.1;[authentication username=1001 password=pw1001]\n',
    );
  });

  it('gives every watcher one presentity: 1999, or the first user of its block of 1,000', () => {
    assert.equal(memoryOwnerOf(10_000), 10_000);
    assert.equal(memoryOwnerOf(12_345), 12_000);
    assert.equal(memoryOwnerOf(19_999), 19_000);
    assert.throws(() => memoryOwnerOf(TARGET_USER));
    const pairs = watchPairs();
    assert.equal(pairs.length, RATE_USERS.count + MEMORY_USERS.count);
    assert.deepEqual(pairs[0], [1000, TARGET_USER]);
    assert.deepEqual(pairs.at(-1), [19_999, 19_000]);
  });

  it('refuses what would break the file format', () => {
    assert.throws(() => injectionCsv([1.5]));
    assert.throws(() => injectionCsv([1], 'a;b'));
    assert.throws(() => injectionCsv([1], 'x]'));
  });
});
