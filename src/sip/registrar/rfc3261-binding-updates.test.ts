import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Binding, planRegister, type RegisterInput } from './rfc3261-binding-updates.js';

const NOW = 1_000_000;
const policy = { defaultExpires: 3600, minExpires: 60, maxExpires: 7200, maxContacts: 3 };
const base = (over: Partial<RegisterInput>): RegisterInput => ({
  bindings: [],
  contacts: [],
  expiresHeader: undefined,
  callId: 'call-1',
  cseq: 1,
  now: NOW,
  policy,
  ...over,
});
const phone: Binding = {
  contact: 'sip:alice@192.0.2.1:5060',
  callId: 'call-1',
  cseq: 1,
  expiresAt: NOW + 3_600_000,
  q: null,
};

describe('REGISTER binding updates (RFC 3261 §10.3)', () => {
  it('adds a binding with the default expiry, or the contact’s, capped at the maximum', () => {
    const plan = planRegister(base({ contacts: [{ contact: 'sip:a@h', expires: undefined, q: null }] }));
    assert.ok(plan.ok);
    assert.equal(plan.bindings[0]?.expiresAt, NOW + 3_600_000);
    const long = planRegister(base({ contacts: [{ contact: 'sip:a@h', expires: 99_999, q: null }] }));
    assert.ok(long.ok);
    assert.equal(long.bindings[0]?.expiresAt, NOW + 7_200_000);
    const header = planRegister(
      base({ expiresHeader: 120, contacts: [{ contact: 'sip:a@h', expires: undefined, q: null }] }),
    );
    assert.ok(header.ok);
    assert.equal(header.bindings[0]?.expiresAt, NOW + 120_000);
  });

  it('a query (no Contact) lists the live bindings', () => {
    const expired: Binding = { ...phone, contact: 'sip:old@h', expiresAt: NOW };
    const plan = planRegister(base({ bindings: [phone, expired], contacts: undefined }));
    assert.ok(plan.ok);
    assert.deepEqual(plan.bindings, [phone]);
  });

  it('expires=0 removes a binding; a refresh replaces it', () => {
    const removed = planRegister(
      base({ bindings: [phone], cseq: 2, contacts: [{ contact: phone.contact, expires: 0, q: null }] }),
    );
    assert.ok(removed.ok);
    assert.deepEqual(removed.bindings, []);
    const refreshed = planRegister(
      base({ bindings: [phone], cseq: 2, contacts: [{ contact: phone.contact, expires: 600, q: null }] }),
    );
    assert.ok(refreshed.ok);
    assert.equal(refreshed.bindings[0]?.expiresAt, NOW + 600_000);
  });

  it('too brief → 423 with Min-Expires', () => {
    const plan = planRegister(base({ contacts: [{ contact: 'sip:a@h', expires: 10, q: null }] }));
    assert.deepEqual(plan, { ok: false, status: 423, reason: 'Interval Too Brief', minExpires: 60 });
  });

  it('an out-of-order CSeq on the same Call-ID → 500 and nothing changes', () => {
    const plan = planRegister(
      base({
        bindings: [{ ...phone, cseq: 5 }],
        cseq: 5,
        contacts: [{ contact: phone.contact, expires: 600, q: null }],
      }),
    );
    assert.equal(plan.ok, false);
  });

  it('Contact: * needs Expires: 0 and then removes all', () => {
    assert.equal(planRegister(base({ bindings: [phone], contacts: '*', expiresHeader: 60 })).ok, false);
    const plan = planRegister(base({ bindings: [phone], contacts: '*', expiresHeader: 0, callId: 'other' }));
    assert.ok(plan.ok);
    assert.deepEqual(plan.bindings, []);
  });

  it('refuses more contacts than allowed', () => {
    const contacts = ['a', 'b', 'c', 'd'].map((n) => ({
      contact: `sip:${n}@h`,
      expires: undefined,
      q: null,
    }));
    assert.equal(planRegister(base({ contacts })).ok, false);
  });
});
