/**
 * RFC 3261 §17.1.3 and §17.2.3 matching tables: which requests share a server transaction, which
 * responses reach which client transaction, and the RFC 2543 fallback.
 * https://www.rfc-editor.org/rfc/rfc3261#section-17.2.3
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aliceRequest, bobResponse, type RequestOptions } from './fixtures/atlanta.js';
import {
  clientKeyOfResponse,
  clientTransactionKey,
  legacyToTagMatches,
  serverTransactionKey,
} from './transaction-keys.js';

describe('§17.2.3 matching requests to server transactions', () => {
  const invite: RequestOptions = {};
  const table: { name: string; other: RequestOptions; method?: string; matches: boolean }[] = [
    { name: 'a retransmission of the INVITE', other: {}, matches: true },
    {
      name: 'the ACK for a non-2xx (same branch)',
      other: { method: 'ACK', toTag: 'a6c85cf' },
      matches: true,
    },
    {
      name: 'the ACK for a 2xx (new branch)',
      other: { method: 'ACK', branch: 'z9hG4bK2xxack' },
      matches: false,
    },
    { name: 'a CANCEL with the same branch', other: { method: 'CANCEL' }, matches: false },
    {
      name: 'a CANCEL, the method not considered (§9.2)',
      other: { method: 'CANCEL' },
      method: 'INVITE',
      matches: true,
    },
    { name: 'another branch', other: { branch: 'z9hG4bK776asdhdt' }, matches: false },
    { name: 'the same branch from another sent-by', other: { sentBy: 'pc34.atlanta.com' }, matches: false },
    { name: 'the same branch from another port', other: { sentBy: 'pc33.atlanta.com:5070' }, matches: false },
    { name: 'a sent-by differing only in case', other: { sentBy: 'PC33.Atlanta.COM' }, matches: true },
    { name: 'another Call-ID, same branch (branch alone decides)', other: { callId: 'x@y' }, matches: true },
  ];
  for (const row of table) {
    it(`${row.matches ? 'matches' : 'does not match'} ${row.name}`, () => {
      const key = serverTransactionKey(aliceRequest(invite));
      assert.equal(serverTransactionKey(aliceRequest(row.other), row.method) === key, row.matches);
    });
  }
});

describe('§17.2.3 RFC 2543 fallback (no magic cookie)', () => {
  const legacy: RequestOptions = { branch: null };
  const table: { name: string; other: RequestOptions; matches: boolean }[] = [
    { name: 'a retransmission', other: { branch: null }, matches: true },
    { name: 'its ACK', other: { branch: null, method: 'ACK', toTag: 'a6c85cf' }, matches: true },
    { name: 'another CSeq', other: { branch: null, seq: 314160 }, matches: false },
    { name: 'another Call-ID', other: { branch: null, callId: 'x@y' }, matches: false },
    { name: 'another top Via', other: { branch: null, sentBy: 'pc34.atlanta.com' }, matches: false },
    { name: 'a branch without the cookie', other: { branch: '1234' }, matches: false },
  ];
  for (const row of table) {
    it(`${row.matches ? 'matches' : 'does not match'} ${row.name}`, () => {
      const key = serverTransactionKey(aliceRequest(legacy));
      assert.equal(serverTransactionKey(aliceRequest(row.other)) === key, row.matches);
    });
  }

  it('checks the To tag apart: the request’s against the original, an ACK’s against the response sent', () => {
    const invite = aliceRequest(legacy);
    const busy = bobResponse(invite, 486, 'bob-tag');
    const rows: { request: RequestOptions; matches: boolean }[] = [
      { request: { branch: null }, matches: true },
      { request: { branch: null, toTag: 'bob-tag' }, matches: false },
      { request: { branch: null, method: 'ACK', toTag: 'bob-tag' }, matches: true },
      { request: { branch: null, method: 'ACK', toTag: 'someone-else' }, matches: false },
    ];
    for (const row of rows) {
      assert.equal(
        legacyToTagMatches(aliceRequest(row.request), invite, busy),
        row.matches,
        JSON.stringify(row),
      );
    }
    assert.equal(legacyToTagMatches(aliceRequest({ branch: null, method: 'ACK' }), invite, undefined), false);
  });
});

describe('§17.1.3 matching responses to client transactions', () => {
  it('keys on the top Via branch and the CSeq method', () => {
    const invite = aliceRequest();
    const cancel = aliceRequest({ method: 'CANCEL' });
    assert.equal(
      clientKeyOfResponse(bobResponse(invite, 180)),
      clientTransactionKey('z9hG4bK776asdhds', 'INVITE'),
    );
    assert.equal(
      clientKeyOfResponse(bobResponse(cancel, 200)),
      clientTransactionKey('z9hG4bK776asdhds', 'CANCEL'),
    );
    assert.notEqual(
      clientKeyOfResponse(bobResponse(invite, 200)),
      clientKeyOfResponse(bobResponse(cancel, 200)),
    );
  });

  it('gives no key to a response whose top Via has no branch', () => {
    assert.equal(clientKeyOfResponse(bobResponse(aliceRequest({ branch: null }), 200)), undefined);
  });
});
