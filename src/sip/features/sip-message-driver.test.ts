import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callIdFor } from './sip-message-driver.js';

describe('the XMPP thread as the SIP Call-ID (RFC 7572 §5)', () => {
  it('keeps a thread that is a valid Call-ID (RFC 3261 §25.1 word ["@" word])', () => {
    for (const thread of [
      'th-42',
      'e0ffe42b28561960c6b12b944a1a3f2d',
      'a1b2@host.example',
      'x.y!%*_+`\'~()<>:\\"/[]?{}',
    ])
      assert.equal(callIdFor(thread), thread);
  });
  it('gives null (a fresh Call-ID) for none, spaces, control characters, two @ or a long one', () => {
    for (const thread of [null, '', 'two words', 'line\r\nInjected: yes', 'a@b@c', 'x'.repeat(129)])
      assert.equal(callIdFor(thread), null);
  });
});
