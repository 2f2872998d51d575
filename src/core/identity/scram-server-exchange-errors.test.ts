import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { TestScramClient } from './fixtures/scram/scram-test-client.js';
import { deriveScramCredential } from './scram.js';
import {
  type ScramErrorCode,
  ScramServerExchange,
  type ScramServerExchangeOptions,
} from './scram-server-exchange.js';

const plus = JSON.parse(
  readFileSync(new URL('./fixtures/scram/sha256-plus-tls-exporter.json', import.meta.url), 'utf8'),
) as { channelBindingData: string; salt: string };

const exporter = { type: 'tls-exporter', data: Buffer.from(plus.channelBindingData, 'base64') };
const credential = deriveScramCredential('SHA-256', 'pencil', { salt: Buffer.from(plus.salt, 'base64') });

const base: ScramServerExchangeOptions = {
  hash: 'SHA-256',
  serverNonce: 'srv',
  channelBinding: exporter,
  plusAdvertised: true,
};

describe('ScramServerExchange: client-first refused, with the RFC 5802 §7 error', () => {
  const cases: readonly [string, Partial<ScramServerExchangeOptions>, string, ScramErrorCode][] = [
    ['no GS2 header', {}, 'n=user,r=cli', 'invalid-encoding'],
    ['an unknown GS2 flag', {}, 'x,,n=user,r=cli', 'invalid-encoding'],
    [
      'the non-standard GS2 "F" flag (RFC 5801), which SCRAM does not use',
      {},
      'F,n,,n=user,r=cli',
      'invalid-encoding',
    ],
    ['a bad cb-name', {}, 'p=tls_exporter,,n=user,r=cli', 'invalid-encoding'],
    ['an authzid field that is not "a="', {}, 'n,z=admin,n=user,r=cli', 'invalid-encoding'],
    ['attributes out of order', {}, 'n,,r=cli,n=user', 'invalid-encoding'],
    ['no nonce', {}, 'n,,n=user', 'invalid-encoding'],
    ['an empty nonce', {}, 'n,,n=user,r=', 'invalid-encoding'],
    ['a nonce outside printable ASCII', {}, 'n,,n=user,r=c\u00e9', 'invalid-encoding'],
    ['a malformed extension', {}, 'n,,n=user,r=cli,future', 'invalid-encoding'],
    ['a NUL', {}, 'n,,n=us\u0000er,r=cli', 'invalid-encoding'],
    ['text that is not UTF-8 (lone surrogate)', {}, 'n,,n=us\ud800er,r=cli', 'invalid-encoding'],
    [
      'a mandatory extension "m=" first (RFC 5802 §5.1)',
      {},
      'n,,m=ext,n=user,r=cli',
      'extensions-not-supported',
    ],
    ['a mandatory extension "m=" later', {}, 'n,,n=user,r=cli,m=ext', 'extensions-not-supported'],
    ['"=" not followed by 2C or 3D in n=', {}, 'n,,n=us=2Xer,r=cli', 'invalid-username-encoding'],
    ['a trailing "=" in n=', {}, 'n,,n=user=,r=cli', 'invalid-username-encoding'],
    ['a bad escape in a=', {}, 'n,a=ad=min,n=user,r=cli', 'invalid-username-encoding'],
    ['an empty username', {}, 'n,,n=,r=cli', 'invalid-username-encoding'],
    ['a username SASLprep prohibits', {}, 'n,,n=bell\u0007,r=cli', 'invalid-username-encoding'],
    ['a username that SASLprep empties', {}, 'n,,n=\u00ad,r=cli', 'invalid-username-encoding'],
    [
      '"y" while -PLUS was advertised: a downgrade (RFC 5802 §6)',
      {},
      'y,,n=user,r=cli',
      'server-does-support-channel-binding',
    ],
    [
      '"p" when -PLUS was not advertised',
      { plusAdvertised: false },
      'p=tls-exporter,,n=user,r=cli',
      'channel-binding-not-supported',
    ],
    [
      '"p" on a channel without binding data',
      { channelBinding: null },
      'p=tls-exporter,,n=user,r=cli',
      'channel-binding-not-supported',
    ],
    ['"p" naming another binding type', {}, 'p=tls-unique,,n=user,r=cli', 'unsupported-channel-binding-type'],
    [
      '-PLUS selected but no channel binding used',
      { isPlusMechanism: true },
      'n,,n=user,r=cli',
      'other-error',
    ],
    [
      'plain SCRAM selected but "p" used',
      { isPlusMechanism: false },
      'p=tls-exporter,,n=user,r=cli',
      'other-error',
    ],
    [
      'a message over the length limit',
      { maxMessageLength: 64 },
      `n,,n=user,r=${'c'.repeat(60)}`,
      'other-error',
    ],
  ];
  for (const [name, overrides, message, error] of cases) {
    it(`${name} → ${error}`, () => {
      const server = new ScramServerExchange({ ...base, ...overrides });
      assert.deepEqual(server.receiveClientFirst(message), { ok: false, error });
      assert.equal(server.phase, 'failed');
    });
  }

  it('counts the limit in UTF-8 bytes, and 4 KiB by default', () => {
    const name = '\u00e9'.repeat(2100); // 4200 bytes, 2100 UTF-16 units
    assert.deepEqual(new ScramServerExchange(base).receiveClientFirst(`n,,n=${name},r=cli`), {
      ok: false,
      error: 'other-error',
    });
    assert.equal(new ScramServerExchange(base).receiveClientFirst(`n,,n=${'e'.repeat(4000)},r=cli`).ok, true);
  });
});

/** Steps an exchange to awaiting-client-final and hands back the client that drove it. */
function started(
  gs2Header: string,
  channelBindingData?: Buffer,
  overrides: Partial<ScramServerExchangeOptions> = {},
) {
  const server = new ScramServerExchange({ ...base, ...overrides });
  const client = new TestScramClient({
    hash: 'SHA-256',
    wireUsername: 'user',
    password: 'pencil',
    clientNonce: 'cli',
    gs2Header,
    ...(channelBindingData ? { channelBindingData } : {}),
  });
  const first = server.receiveClientFirst(client.clientFirst);
  assert.equal(first.ok, true);
  return { server, client, serverFirst: server.serverFirst(credential) };
}

describe('ScramServerExchange: client-final refused, answered with e=<error>', () => {
  const bound = (): ReturnType<typeof started> => started('p=tls-exporter,,', exporter.data);
  const unbound = (): ReturnType<typeof started> => started('n,,');
  const cases: readonly [
    string,
    () => ReturnType<typeof started>,
    (s: ReturnType<typeof started>) => string,
    ScramErrorCode,
  ][] = [
    [
      'the right exchange with a wrong password',
      unbound,
      ({ serverFirst }) =>
        new TestScramClient({
          hash: 'SHA-256',
          wireUsername: 'user',
          password: 'pencil!',
          clientNonce: 'cli',
          gs2Header: 'n,,',
        }).respond(serverFirst).clientFinal,
      'invalid-proof',
    ],
    [
      'a proof of the wrong length',
      unbound,
      ({ client, serverFirst }) => client.respond(serverFirst).clientFinal.replace(/p=.*$/, 'p=AAAA'),
      'invalid-proof',
    ],
    [
      'a flipped proof bit',
      unbound,
      ({ client, serverFirst }) => {
        const final = client.respond(serverFirst).clientFinal;
        const proof = Buffer.from(final.slice(final.indexOf('p=') + 2), 'base64');
        proof[0] = (proof[0] ?? 0) ^ 1;
        return final.replace(/p=.*$/, `p=${proof.toString('base64')}`);
      },
      'invalid-proof',
    ],
    [
      '-PLUS with the channel binding data left out of c=',
      bound,
      ({ client, serverFirst }) =>
        client.respond(serverFirst, { cbindInput: Buffer.from('p=tls-exporter,,') }).clientFinal,
      'channel-bindings-dont-match',
    ],
    [
      "-PLUS with another channel's binding data",
      bound,
      ({ client, serverFirst }) =>
        client.respond(serverFirst, {
          cbindInput: Buffer.concat([Buffer.from('p=tls-exporter,,'), Buffer.alloc(32)]),
        }).clientFinal,
      'channel-bindings-dont-match',
    ],
    [
      'c= naming another GS2 header than client-first sent',
      unbound,
      ({ client, serverFirst }) =>
        client.respond(serverFirst, { cbindInput: Buffer.from('y,,') }).clientFinal,
      'channel-bindings-dont-match',
    ],
    [
      'a nonce other than the combined one (RFC 5802 §5.1 "r")',
      unbound,
      ({ client, serverFirst }) => client.respond(serverFirst, { nonce: 'clisrvX' }).clientFinal,
      'other-error',
    ],
    [
      "only the client's half of the nonce",
      unbound,
      ({ client, serverFirst }) => client.respond(serverFirst, { nonce: 'cli' }).clientFinal,
      'other-error',
    ],
    [
      'a mandatory extension',
      unbound,
      ({ client, serverFirst }) => client.respond(serverFirst, { extensions: 'm=must' }).clientFinal,
      'extensions-not-supported',
    ],
    ['no proof', unbound, () => 'c=biws,r=clisrv', 'invalid-encoding'],
    ['the proof not last', unbound, () => 'c=biws,p=AAAA,r=clisrv', 'invalid-encoding'],
    ['a proof that is not base64', unbound, () => 'c=biws,r=clisrv,p=!!!!', 'invalid-encoding'],
    [
      'non-canonical base64 in c= (stray low bits)',
      unbound,
      () => 'c=AAB=,r=clisrv,p=AAAA',
      'invalid-encoding',
    ],
    ['a NUL', unbound, () => 'c=biws,r=clisrv,x=\u0000,p=AAAA', 'invalid-encoding'],
    [
      'a message over the length limit',
      unbound,
      () => `c=biws,r=clisrv,x=${'a'.repeat(5000)},p=AAAA`,
      'other-error',
    ],
  ];
  for (const [name, setup, final, error] of cases) {
    it(`${name} → ${error}`, () => {
      const state = setup();
      assert.deepEqual(state.server.receiveClientFinal(final(state)), {
        ok: false,
        error,
        serverFinal: `e=${error}`,
      });
      assert.equal(state.server.phase, 'failed');
    });
  }

  it('the exchanges above succeed unedited (so each refusal is the edit’s doing)', () => {
    for (const setup of [bound, unbound]) {
      const { server, client, serverFirst } = setup();
      const { clientFinal, expectedServerFinal } = client.respond(serverFirst);
      assert.deepEqual(server.receiveClientFinal(clientFinal), {
        ok: true,
        serverFinal: expectedServerFinal,
        username: 'user',
        authzid: null,
      });
    }
  });

  it('a failed exchange stays failed: the right client-final after a wrong one is refused', () => {
    const { server, client, serverFirst } = unbound();
    assert.equal(server.receiveClientFinal('c=biws,r=clisrv,p=AAAA').ok, false);
    assert.deepEqual(server.receiveClientFinal(client.respond(serverFirst).clientFinal), {
      ok: false,
      error: 'other-error',
      serverFinal: null,
    });
  });
});
