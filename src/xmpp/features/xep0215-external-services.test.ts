import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { turnCredentials } from './xep0215-external-services.js';

describe('XEP-0215 TURN credentials (TURN REST API, coturn use-auth-secret)', () => {
  it('username is expiry:user and password base64(HMAC-SHA1(secret, username)) — vector computed with Python hmac', () => {
    const now = Date.UTC(2026, 11, 1, 12, 0, 0);
    const creds = turnCredentials('a-long-shared-secret', 'alice', now, 86_400);
    assert.equal(creds.username, '1796212800:alice');
    assert.equal(creds.password, 'AAlW9WGIknzWOnbcpcOHKSaDLR4=');
  });
});
